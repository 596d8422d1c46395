/**
 * Bitbucket's answer for a repository (`GET /2.0/repositories/{workspace}/{repository}`, and each
 * item of the workspace's repository listing), in zod: the one schema of that answer. The settings
 * page's listings and the grant form read it through this schema; the provider, which must stay
 * free of zod, uses the hand-written guard `repositoryFromAnswer` (./repository.ts), and
 * test/policy/repository-schema.test.ts holds the two to the same verdicts.
 * Fields: shared/reference/platform-apis.md §3 (`full_name`, `uuid`, `project.key`, `name`, and in
 * practice `slug`).
 */
import * as z from 'zod';
import { BRACED_UUID, FULL_NAME_PATTERN, type RepositoryIdentity } from './repository';
import { PROJECT_KEY_PATTERN, SLUG_PATTERN } from './scope';

export const RepositoryAnswerSchema = z.looseObject({
  uuid: z.string().regex(BRACED_UUID, 'not a repository UUID ({…})'),
  full_name: z.string().regex(FULL_NAME_PATTERN, 'not workspace/repository'),
  /** Real answers carry it; the OpenAPI schema does not promise it, so it is derived from `full_name` when missing. */
  slug: z.string().regex(SLUG_PATTERN, 'not a repository slug').optional(),
  name: z.string().max(300).optional(),
  project: z.looseObject({ key: z.string().regex(PROJECT_KEY_PATTERN, 'not a project key') }).nullish(),
});

export type RepositoryAnswer = z.output<typeof RepositoryAnswerSchema>;

/** The identity an answer that passed the schema gives. */
export function identityOfAnswer(answer: RepositoryAnswer): RepositoryIdentity {
  const { uuid, full_name: fullName, slug, project } = answer;
  return {
    uuid,
    slug: slug ?? fullName.slice(fullName.indexOf('/') + 1),
    fullName,
    ...(project ? { projectKey: project.key } : {}),
  };
}

/** The identity the answer gives for the repository asked about (by UUID), or undefined. */
export function parseRepositoryAnswer(answer: unknown, requestedUuid: string): RepositoryIdentity | undefined {
  const parsed = RepositoryAnswerSchema.safeParse(answer);
  if (!parsed.success || parsed.data.uuid.toLowerCase() !== requestedUuid.toLowerCase()) return undefined;
  return { ...identityOfAnswer(parsed.data), uuid: requestedUuid };
}

/**
 * A repository as the settings page names it (picked from Bitbucket's list): sent with a preview
 * and stored with a policy test. Case is not checked here, unlike the answer above: the page sends
 * back what Bitbucket's listing gave it.
 */
export const RepositoryIdentitySchema = z.strictObject({
  uuid: z
    .string()
    .regex(
      /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/,
      'not a repository UUID ({…})',
    ),
  slug: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'not a repository slug'),
  fullName: z.string().regex(/^[A-Za-z0-9._-]{1,128}\/[A-Za-z0-9._-]{1,128}$/, 'not workspace/repository'),
  projectKey: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,127}$/, 'not a project key')
    .optional(),
});
