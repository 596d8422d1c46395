/**
 * The console's stand-in for Bitbucket's repository endpoint (`GET /2.0/repositories/{workspace}/{uuid}`),
 * so that the provider can resolve a simulated run's repository offline, exactly through the
 * cached lookup it uses in Forge. A small fixture workspace; unknown UUIDs are a 404.
 */
import { createCachedRepositoryLookup, type FetchRepository } from '../src/provider/repository-lookup';
import type { KeyValueStore } from '../src/storage/kv';

export const CONSOLE_REPOSITORIES = [
  { uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}', slug: 'payments-api', project: 'PAY' },
  { uuid: '{7a1e5b2c-8d3f-4e6a-9b0c-1d2e3f4a5b6c}', slug: 'website', project: 'WEB' },
  { uuid: '{3c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f}', slug: 'search-indexer', project: 'SRCH' },
] as const;

const fetchFixture: FetchRepository = async (_workspace, repository) => {
  const found = CONSOLE_REPOSITORIES.find((repo) => repo.uuid.toLowerCase() === repository.toLowerCase());
  if (!found) throw new Error('Bitbucket answered 404 (no such repository in the console\'s fixture workspace)');
  return { uuid: found.uuid, slug: found.slug, full_name: `acme/${found.slug}`, project: { key: found.project } };
};

export const consoleRepositoryLookup = (kv: KeyValueStore, now: () => Date) => createCachedRepositoryLookup({ kv, fetch: fetchFixture, now: () => now().getTime(), log: () => undefined });
