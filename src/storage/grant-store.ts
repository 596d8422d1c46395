/**
 * Every break-glass grant ever made, for the settings page's history: `grant:<id>` holds the grant
 * as it was made, and who revoked it and when. These records are the source of truth; the active,
 * unexpired, unrevoked ones are copied into `policy:current` (see policy-repo.ts) so that the
 * provider reads them with the policy in its one storage read. Nothing here expires by TTL: a
 * grant's history is kept, and whether it is in force is decided by the clock at run time.
 */
import * as z from 'zod';
import { instantMs, type Grant } from '../policy/grant-guard';
import { GrantSchema } from '../policy/grants';
import { GRANT_PREFIX, grantKey } from './keys';
import type { KeyValueStore } from './kv';
import { listAll } from './list-all';
import type { PolicyRepository } from './policy-repo';

export const GrantEntrySchema = z.strictObject({
  grant: GrantSchema,
  revokedAt: z.string().max(40).optional(),
  revokedBy: z.string().max(200).optional(),
});

export interface GrantEntry {
  readonly grant: Grant;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
}

/** Whether a grant is in force at `now`: not revoked, and `now` before its expiry. */
export const isActive = (entry: GrantEntry, now: Date): boolean =>
  entry.revokedAt === undefined && now.getTime() < instantMs(entry.grant.expires);

/** How often a sync re-reads `policy:current` to make sure a concurrent policy save did not put back an older list. */
const SYNC_ATTEMPTS = 3;

export interface GrantStore {
  /** Stores a new grant; false when its id is already taken (an id names one grant forever). */
  create(grant: Grant): Promise<boolean>;
  get(id: string): Promise<GrantEntry | undefined>;
  /** Marks the grant revoked; undefined when there is no such grant. */
  revoke(id: string, by: string, at: Date): Promise<GrantEntry | undefined>;
  /** Every grant, newest grant first. Damaged records are skipped. */
  list(): Promise<GrantEntry[]>;
  /**
   * Copies the grants in force at `now` into `policy:current`. False when there is no usable
   * policy record to carry them, or a concurrent writer kept replacing them.
   */
  syncActive(now: Date): Promise<boolean>;
}

const parseEntry = (value: unknown): GrantEntry | undefined => {
  const parsed = GrantEntrySchema.safeParse(value);
  return parsed.success ? (parsed.data as GrantEntry) : undefined;
};

const sameGrants = (a: readonly Grant[], b: unknown): boolean =>
  Array.isArray(b) && a.length === b.length && a.every((grant, i) => JSON.stringify(grant) === JSON.stringify(b[i]));

export function createGrantStore(kv: KeyValueStore, policies: PolicyRepository): GrantStore {
  const get = async (id: string) => parseEntry(await kv.get(grantKey(id)));
  const list = async () => {
    const { entries } = await listAll(kv, GRANT_PREFIX);
    const grants = entries.flatMap((entry) => parseEntry(entry.value) ?? []);
    const grantedAt = (entry: GrantEntry) => instantMs(entry.grant.grantedAt ?? '') || 0;
    return grants.sort((a, b) => grantedAt(b) - grantedAt(a) || a.grant.id.localeCompare(b.grant.id));
  };

  return {
    create: (grant) => kv.setIfAbsent(grantKey(grant.id), { grant }),
    get,
    async revoke(id, by, at) {
      const entry = await get(id);
      if (!entry) return undefined;
      if (entry.revokedAt !== undefined) return entry;
      const revoked: GrantEntry = { ...entry, revokedAt: at.toISOString(), revokedBy: by };
      await kv.set(grantKey(id), revoked);
      return revoked;
    },
    list,
    async syncActive(now) {
      // Both sides are read again after each write, until they agree: another admin may revoke (or
      // grant) between this list and this write, and a list read before their change must not win.
      // Whoever writes last checks last, so the record converges on the grant records.
      for (let attempt = 0; attempt <= SYNC_ATTEMPTS; attempt++) {
        const active = (await list()).filter((entry) => isActive(entry, now)).map((entry) => entry.grant);
        const current = await policies.current();
        if (current.state !== 'ok') return false;
        if (sameGrants(active, current.record.grants ?? [])) return true;
        if (attempt < SYNC_ATTEMPTS) await policies.setActiveGrants(active);
      }
      return false;
    },
  };
}
