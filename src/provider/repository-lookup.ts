/**
 * Which repository a run is for. The provider request names it only by UUID; scoped policies need
 * its slug and project, so the provider asks Bitbucket (as the app) and caches the answer in KVS
 * for at most an hour: one cache read per run, at most one REST call per repository per hour.
 * Forge plugs in through src/forge/repository-lookup.ts; everything here runs without Forge.
 */
import { isRepositoryIdentity, repositoryFromAnswer, type RepositoryIdentity } from '../policy/repository';
import type { KeyValueStore } from '../storage/kv';
import { repositoryCacheKey } from '../storage/keys';

/** The port the provider resolves a run's repository through. */
export interface RepositoryLookup {
  resolve(workspace: string, repository: string): Promise<RepositoryIdentity>;
}

/** The lookup the settings page also uses: `refresh` skips the cache and stores Bitbucket's current answer. */
export interface CachedRepositoryLookup extends RepositoryLookup {
  refresh(workspace: string, repository: string): Promise<RepositoryIdentity>;
}

/** Bitbucket's answer body for `GET /2.0/repositories/{workspace}/{repository}`; rejects on an HTTP error. */
export type FetchRepository = (workspace: string, repository: string) => Promise<unknown>;

export class RepositoryLookupError extends Error {}

/** An hour: a renamed or moved repository is seen within the hour, or at once after a refresh. */
export const REPOSITORY_CACHE_SECONDS = 3_600;

interface CachedRepository {
  readonly identity: RepositoryIdentity;
  /** Epoch milliseconds. KVS may delete an expired key up to 48 h late, so the age is checked on read too. */
  readonly fetchedAt: number;
}

export interface RepositoryLookupDependencies {
  readonly kv: Pick<KeyValueStore, 'get' | 'set'>;
  readonly fetch: FetchRepository;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
}

export function createCachedRepositoryLookup(deps: RepositoryLookupDependencies): CachedRepositoryLookup {
  const now = deps.now ?? (() => Date.now());
  const log = deps.log ?? ((message: string) => console.log(message));

  const fresh = (value: unknown, repository: string): RepositoryIdentity | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    const { identity, fetchedAt } = value as Partial<CachedRepository>;
    if (typeof fetchedAt !== 'number' || !isRepositoryIdentity(identity, repository)) return undefined;
    const age = now() - fetchedAt;
    return age >= -60_000 && age < REPOSITORY_CACHE_SECONDS * 1000 ? identity : undefined;
  };

  const fetchAndStore = async (workspace: string, repository: string): Promise<RepositoryIdentity> => {
    const answer = await deps.fetch(workspace, repository);
    const identity = repositoryFromAnswer(answer, repository);
    if (!identity) throw new RepositoryLookupError(`Bitbucket's answer for repository ${repository} is not a repository with that UUID, a full name and a valid project key`);
    const record: CachedRepository = { identity, fetchedAt: now() };
    try {
      await deps.kv.set(repositoryCacheKey(repository), record, { ttlSeconds: REPOSITORY_CACHE_SECONDS });
    } catch (error) {
      // The run can still go on with the answer in hand; the next run asks Bitbucket again.
      log(`pipeline-guard: could not cache repository ${identity.fullName}: ${(error as Error)?.message ?? String(error)}`);
    }
    return identity;
  };

  return {
    async resolve(workspace, repository) {
      let stored: unknown;
      try {
        stored = await deps.kv.get(repositoryCacheKey(repository));
      } catch (error) {
        log(`pipeline-guard: repository cache read failed, asking Bitbucket: ${(error as Error)?.message ?? String(error)}`);
      }
      return fresh(stored, repository) ?? fetchAndStore(workspace, repository);
    },
    refresh: fetchAndStore,
  };
}
