/**
 * Account IDs (who saved a revision, a test, a grant; who started a run) shown as names. The names
 * come from Bitbucket's users endpoint, asked as the user at the page so that Bitbucket applies
 * that person's visibility, through a port: the Forge edge passes `requestBitbucket`, the local
 * console a stand-in. Answers are cached for a while, so a page full of one admin's revisions costs
 * one request.
 */
import * as z from 'zod';

/** What the users endpoint answered: just enough of `fetch`'s Response. */
export interface UserAnswer {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
}

/** `GET /2.0/users/{accountId}` as the calling user. */
export type FetchUser = (accountId: string) => Promise<UserAnswer>;

/** Account ids and UUIDs only: never a `/`, which would change the API path the id is put in. */
export const ACCOUNT_ID = z.string().regex(/^[A-Za-z0-9{}_.:-]{1,200}$/);

export const DisplayNamesPayload = z.strictObject({ accountIds: z.array(ACCOUNT_ID).max(100) });

/** The part of Bitbucket's account object the page shows. */
export const BitbucketUserSchema = z.looseObject({ display_name: z.string().trim().min(1).max(255) });

const CACHE_MS = 10 * 60 * 1000;
const MAX_CACHED = 1_000;

export interface NameLookup {
  /** A display name per id Bitbucket could name; ids it could not name are left out. */
  names(accountIds: readonly string[]): Promise<Record<string, string>>;
}

export function createNameLookup(fetchUser: FetchUser, now: () => number = Date.now): NameLookup {
  const cache = new Map<string, { name?: string; at: number }>();
  const lookup = async (accountId: string): Promise<string | undefined> => {
    const hit = cache.get(accountId);
    if (hit && now() - hit.at < CACHE_MS) return hit.name;
    let name: string | undefined;
    try {
      const answer = await fetchUser(accountId);
      if (answer.ok) {
        const parsed = BitbucketUserSchema.safeParse(await answer.json());
        name = parsed.success ? parsed.data.display_name : undefined;
      }
    } catch {
      // No consent yet, or Bitbucket unreachable: the page shows the id, which is still correct.
      return undefined;
    }
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(accountId, { name, at: now() });
    return name;
  };
  return {
    async names(accountIds) {
      const unique = [...new Set(accountIds)];
      const found = await Promise.all(unique.map(async (id) => [id, await lookup(id)] as const));
      return Object.fromEntries(found.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
    },
  };
}
