import { PROJECT_KEY_PATTERN, SLUG_PATTERN } from './scope';

/**
 * The repository a run is for, as Bitbucket names it. The provider request carries only the UUID;
 * the provider resolves the rest (slug, full name, project key) when a scoped policy or a grant needs it.
 */
export interface RepositoryIdentity {
  /** `{…}` form, as in the provider request. */
  readonly uuid: string;
  /** e.g. `payments-api`. */
  readonly slug: string;
  /** e.g. `acme/payments-api`. */
  readonly fullName: string;
  /** Bitbucket project key, e.g. `PAY`; absent when Bitbucket did not say. */
  readonly projectKey?: string;
}

/** A Bitbucket UUID in the `{…}` form the provider request uses. */
export const BRACED_UUID = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i;
/** `workspace/slug`, as Bitbucket's `full_name`. */
export const FULL_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}\/[a-z0-9._-]{1,128}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const sameUuid = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The identity in Bitbucket's answer to `GET /2.0/repositories/{workspace}/{repository}`, or
 * undefined when the answer is not that repository. A hand-written guard rather than zod because
 * it runs on the provider's hot path (zod would add about 60 KB to its bundle); the one schema of
 * this answer is RepositoryAnswerSchema (./repository-schema.ts), and a test keeps the two in agreement. Unknown fields
 * are ignored; a field that is present
 * but malformed refuses the whole answer, since the engine's choice of environments rests on it.
 */
export function repositoryFromAnswer(answer: unknown, requestedUuid: string): RepositoryIdentity | undefined {
  if (!isRecord(answer)) return undefined;
  const { uuid, full_name: fullName, slug, name, project } = answer;
  if (typeof uuid !== 'string' || !BRACED_UUID.test(uuid) || !sameUuid(uuid, requestedUuid)) return undefined;
  if (typeof fullName !== 'string' || !FULL_NAME_PATTERN.test(fullName)) return undefined;
  if (slug !== undefined && (typeof slug !== 'string' || !SLUG_PATTERN.test(slug))) return undefined;
  if (name !== undefined && (typeof name !== 'string' || name.length > 300)) return undefined;
  let projectKey: string | undefined;
  if (project !== undefined && project !== null) {
    if (!isRecord(project) || typeof project.key !== 'string' || !PROJECT_KEY_PATTERN.test(project.key))
      return undefined;
    projectKey = project.key;
  }
  const resolvedSlug = (slug as string | undefined) ?? fullName.slice(fullName.indexOf('/') + 1);
  return { uuid: requestedUuid, slug: resolvedSlug, fullName, ...(projectKey !== undefined ? { projectKey } : {}) };
}

/** A stored identity (the provider's cache), checked as strictly as Bitbucket's answer. */
export function isRepositoryIdentity(value: unknown, uuid: string): value is RepositoryIdentity {
  if (!isRecord(value)) return false;
  return (
    typeof value.uuid === 'string' &&
    sameUuid(value.uuid, uuid) &&
    typeof value.slug === 'string' &&
    SLUG_PATTERN.test(value.slug) &&
    typeof value.fullName === 'string' &&
    // A stand-in for the lookup (the CLI's --repository SLUG) may know the slug only.
    (FULL_NAME_PATTERN.test(value.fullName) || SLUG_PATTERN.test(value.fullName)) &&
    (value.projectKey === undefined ||
      (typeof value.projectKey === 'string' && PROJECT_KEY_PATTERN.test(value.projectKey)))
  );
}
