/**
 * Who may call each resolver function: the one table of that decision (docs/settings.md explains
 * it). Every function the settings resolver registers must have an entry: `guardHandlers` refuses
 * everyone for a function without one, and test/settings/access.test.ts fails until it has one.
 *
 * - `members`: any workspace member; the policy, its tests, its history and what is computed from
 *   them (preview, trust artifacts): developers' pipelines must follow them.
 * - `admins`: workspace admins only; every write, and reads that are about the whole workspace.
 * - `readable-repositories`: admins see everything; a member sees only what concerns repositories
 *   they can read in Bitbucket, asked as the user (`GET /2.0/repositories/{workspace}`, once per call).
 * - `as-user`: answered by Bitbucket as the caller, so Bitbucket shows only what they may see.
 *
 * Identity comes from the Forge context only. The admin check and the list of readable repositories
 * are asked once per call (per Forge context object) however many times a function needs them.
 */
import { handler, refuse, type Handler } from './resolver-handler';
import { createBitbucketListings, type BitbucketGet } from './bitbucket-rest';
import type { AdminCheck, Identity } from './identity';
import { bareUuid } from '../primitives/uuid';

export type Access = 'members' | 'admins' | 'readable-repositories' | 'as-user';

export const RESOLVER_ACCESS = {
  // The policy and what is computed from it.
  getPolicy: 'members',
  history: 'members',
  listPolicyTests: 'members',
  runPolicyTests: 'members',
  trustPolicies: 'members',
  trustCheck: 'members',
  // Members preview too; with `applyGrants`, only under grants for repositories they can read.
  preview: 'readable-repositories',
  // Writes.
  savePolicy: 'admins',
  rollback: 'admins',
  savePolicyTest: 'admins',
  deletePolicyTest: 'admins',
  createGrant: 'admins',
  revokeGrant: 'admins',
  syncGrants: 'admins',
  refreshRepository: 'admins',
  // Where the policy comes from is part of the policy; switching or loading it is a write.
  getPolicySource: 'members',
  setPolicySource: 'admins',
  syncPolicySource: 'admins',
  // Run samples hold whole pipeline files of every repository; replay reads them all.
  startReplay: 'admins',
  replayStatus: 'admins',
  cancelReplay: 'admins',
  samples: 'admins',
  setSampling: 'admins',
  deleteSamples: 'admins',
  exportSamples: 'admins',
  // Runner names and labels are workspace-wide: no repository to filter them by.
  runnerInventory: 'admins',
  // Records about repositories.
  decisions: 'readable-repositories',
  exportDecisions: 'readable-repositories',
  // Counts stay workspace-wide; the top blocking repositories are only the readable ones.
  decisionStats: 'readable-repositories',
  bypasses: 'readable-repositories',
  listGrants: 'readable-repositories',
  grantRuns: 'readable-repositories',
  // Bitbucket's own answers to the caller.
  bitbucketProjects: 'as-user',
  bitbucketRepositories: 'as-user',
  displayNames: 'as-user',
} as const satisfies Record<string, Access>;

/** What a member may know about: repositories named by UUID (any brace form), full name or slug. */
export interface ReadableRepositories {
  readonly all: boolean;
  includes(repository: { readonly uuid?: string; readonly name?: string }): boolean;
  /** A grant made on the page carries its repository's UUID; an older one only its slug. */
  includesGrant(grant: { readonly repository: string; readonly repositoryUuid?: string }): boolean;
}

const messageOf = (error: unknown) => (error as Error)?.message ?? String(error);

const EVERY_REPOSITORY: ReadableRepositories = { all: true, includes: () => true, includesGrant: () => true };

function readableFrom(listed: ReadonlyArray<{ uuid: string; slug: string; fullName: string }>): ReadableRepositories {
  const uuids = new Set(listed.map((r) => bareUuid(r.uuid)));
  const names = new Set(listed.flatMap((r) => [r.fullName.toLowerCase(), bareUuid(r.uuid)]));
  const slugs = new Set(listed.map((r) => r.slug));
  return {
    all: false,
    includes: ({ uuid, name }) =>
      (uuid !== undefined && uuids.has(bareUuid(uuid))) || (name !== undefined && names.has(bareUuid(name))),
    includesGrant: (grant) =>
      grant.repositoryUuid !== undefined ? uuids.has(bareUuid(grant.repositoryUuid)) : slugs.has(grant.repository),
  };
}

export interface CallerAccess {
  isAdmin: AdminCheck;
  /** Every repository for an admin; for a member, those Bitbucket lists for them. Refuses when Bitbucket cannot say. */
  readableRepositories(identity: Identity): Promise<ReadableRepositories>;
}

export function createCallerAccess(deps: {
  readonly adminCheck: AdminCheck;
  readonly bitbucket?: BitbucketGet;
}): CallerAccess {
  // Keyed by the identity object, which is one per Forge context (identity.ts), so per call.
  const admins = new WeakMap<Identity, Promise<boolean>>();
  const readable = new WeakMap<Identity, Promise<ReadableRepositories>>();
  const once = <T>(cache: WeakMap<Identity, Promise<T>>, identity: Identity, ask: () => Promise<T>): Promise<T> => {
    let answer = cache.get(identity);
    if (!answer) cache.set(identity, (answer = ask()));
    return answer;
  };
  const isAdmin: AdminCheck = (identity) => once(admins, identity, () => deps.adminCheck(identity));
  const listReadable = async (identity: Identity): Promise<ReadableRepositories> => {
    if (await isAdmin(identity)) return EVERY_REPOSITORY;
    if (!deps.bitbucket) return readableFrom([]);
    try {
      return readableFrom((await createBitbucketListings(deps.bitbucket, identity.workspaceId).repositories()).items);
    } catch (error) {
      return refuse({
        code: 'bitbucket',
        message:
          `Pipeline Guard could not ask Bitbucket which repositories you can read (${messageOf(error)}), ` +
          `so it shows nothing about any. Try again in a minute, or ask a workspace admin.`,
      });
    }
  };
  return { isAdmin, readableRepositories: (identity) => once(readable, identity, () => listReadable(identity)) };
}

const ADMIN_ONLY =
  'Only a workspace admin can do this in Pipeline Guard. You can read the policy, its tests and its history, ' +
  'preview pipelines, and see the decisions, grants and deployments of the repositories you can read in ' +
  'Bitbucket; ask a workspace admin for the rest.';

/**
 * Every handler, checked against RESOLVER_ACCESS on the server before it runs: `admins` refused to
 * anyone else, and a function without an entry refused to everyone (it fails closed until someone
 * decides). The filtering of `readable-repositories` happens inside each function, on its records.
 */
export function guardHandlers<H extends Record<string, Handler<unknown>>>(handlers: H, isAdmin: AdminCheck): H {
  const table: Readonly<Record<string, Access>> = RESOLVER_ACCESS;
  const guarded = Object.entries(handlers).map(([key, inner]): [string, Handler<unknown>] => {
    const access = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
    if (access === undefined)
      return [
        key,
        handler(async () =>
          refuse({
            code: 'forbidden',
            message: `Pipeline Guard has no decision about who may call "${key}", so it answers no one.`,
          }),
        ),
      ];
    if (access !== 'admins') return [key, inner];
    const gate = handler(async (identity) => {
      if (!(await isAdmin(identity))) refuse({ code: 'forbidden', message: ADMIN_ONLY });
      return {};
    });
    const gated: Handler<unknown> = async (context, payload) => {
      const checked = await gate(context, payload);
      return checked.ok ? inner(context, payload) : checked;
    };
    return [key, gated];
  });
  return Object.fromEntries(guarded) as H;
}
