/**
 * Bitbucket's answer to `GET /2.0/repositories/{workspace}/{repository}`, in zod: the source of
 * truth for the hand-written guard the provider uses (`repositoryFromAnswer` in ./repository.ts,
 * kept free of zod because it runs on every pipeline run). A test checks that the two agree.
 * Fields: shared/reference/platform-apis.md §3 (`full_name`, `uuid`, `project.key`, and in
 * practice `slug`).
 */
import * as z from 'zod';
import { BRACED_UUID, FULL_NAME_PATTERN, type RepositoryIdentity } from './repository';
import { PROJECT_KEY_PATTERN, SLUG_PATTERN } from './scope';

export const RepositoryAnswerSchema = z.looseObject({
  uuid: z.string().regex(BRACED_UUID),
  full_name: z.string().regex(FULL_NAME_PATTERN),
  slug: z.string().regex(SLUG_PATTERN).optional(),
  project: z.looseObject({ key: z.string().regex(PROJECT_KEY_PATTERN) }).nullish(),
});

/** The identity the answer gives for the repository asked about, or undefined. */
export function parseRepositoryAnswer(answer: unknown, requestedUuid: string): RepositoryIdentity | undefined {
  const parsed = RepositoryAnswerSchema.safeParse(answer);
  if (!parsed.success || parsed.data.uuid.toLowerCase() !== requestedUuid.toLowerCase()) return undefined;
  const { full_name: fullName, slug, project } = parsed.data;
  return { uuid: requestedUuid, slug: slug ?? fullName.slice(fullName.indexOf('/') + 1), fullName, ...(project ? { projectKey: project.key } : {}) };
}

/**
 * A repository as the settings page names it (picked from Bitbucket's list): sent with a preview
 * and stored with a policy test. Case is not checked here, unlike the answer above: the page sends
 * back what Bitbucket's listing gave it.
 */
export const RepositoryIdentitySchema = z.strictObject({
  uuid: z.string().regex(/^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/, 'not a repository UUID ({…})'),
  slug: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'not a repository slug'),
  fullName: z.string().regex(/^[A-Za-z0-9._-]{1,128}\/[A-Za-z0-9._-]{1,128}$/, 'not workspace/repository'),
  projectKey: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,127}$/, 'not a project key').optional(),
});
