/**
 * The Grants tab's resolver functions: list every grant, create one, revoke one, and list the runs
 * that used one. Creating and revoking re-check that the caller is a workspace admin exactly as a
 * policy save does; who granted it and when come from the Forge context and the server's clock,
 * never from the payload. createHandlers (handlers.ts) registers these beside the others.
 */
import { GRANT_ID_PATTERN, instantMs, storedGrants, type Grant } from '../policy/grant-guard';
import { identityOfAnswer, RepositoryAnswerSchema } from '../policy/repository-schema';
import { handler, refuse } from './resolver-handler';
import type { BitbucketGet } from './bitbucket-rest';
import { validateGrant, type GrantProblem } from '../policy/grants';
import { validatePolicy } from '../policy/load';
import { createDecisionQuery } from '../storage/decision-query';
import { ENTITY_DEFINITIONS } from '../storage/entities';
import type { EntityStore } from '../storage/entity-store';
import { createMemoryEntities } from '../storage/memory-entities';
import { createGrantStore, isActive, type GrantEntry, type GrantStore } from '../storage/grant-store';
import { grantRunsFromLog, type GrantRunQuery } from '../storage/grant-runs';
import { StorageLimitError, type KeyValueStore } from '../storage/kv';
import { createPolicyRepository, type CurrentPolicy, type PolicyRepository } from '../storage/policy-repo';
import type { GrantCreatedView, GrantRow, GrantRunsView, GrantsView } from './grants-api';
import type { AdminCheck, Identity } from './identity';
import type { CallerAccess } from './access';

export interface GrantHandlerDependencies {
  readonly kv: KeyValueStore;
  readonly adminCheck: AdminCheck;
  readonly entities?: EntityStore;
  /** The runs that used a grant; defaults to a scan of the decision log. */
  readonly grantRuns?: GrantRunQuery;
  readonly now?: () => Date;
  /** Bitbucket REST as the admin at the page: turns the grant's repository slug into its UUID. */
  readonly bitbucket?: BitbucketGet;
  /** Which repositories the caller can read: a member sees the grants and runs of those only. */
  readonly access: CallerAccess;
}

/** Fields the server sets itself: a payload that sends them is refused rather than half-trusted. */
const SERVER_FIELDS = ['grantedBy', 'grantedAt', 'repositoryUuid'] as const;

const grantProblems = (problems: readonly GrantProblem[]) =>
  problems.map((p) => ({ path: p.field || '(grant)', segments: p.field ? [p.field] : [], message: p.message }));

function idOf(payload: unknown): string {
  const id =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as { id?: unknown }).id
      : undefined;
  if (typeof id !== 'string' || !GRANT_ID_PATTERN.test(id) || Object.keys(payload as object).length !== 1)
    return refuse({
      code: 'invalid-request',
      message: 'The request is not valid: send exactly { id } with the id of a grant.',
    });
  return id;
}

interface GrantContext {
  readonly deps: GrantHandlerDependencies;
  readonly now: () => Date;
  readonly policies: PolicyRepository;
  readonly store: GrantStore;
}

const refuseParameters = (name: string, payload: unknown) => {
  if (typeof payload === 'object' && payload !== null && Object.keys(payload).length > 0)
    refuse({ code: 'invalid-request', message: `The request is not valid: ${name} takes no parameters.` });
};

async function requireAdmin(deps: GrantHandlerDependencies, identity: Identity): Promise<void> {
  if (!(await deps.adminCheck(identity)))
    refuse({
      code: 'forbidden',
      message:
        'Only a workspace admin can grant or revoke break-glass access. ' +
        'You can see the grants; ask a workspace admin to make this change.',
    });
}

/**
 * The provider reads grants from `policy:current` only: a change that did not reach it has not
 * happened for runs.
 */
async function publish(store: GrantStore, at: Date, what: string): Promise<void> {
  const notCopied =
    `${what} is on record, but Pipeline Guard could not copy the active grants ` +
    'into the policy record that runs read';
  const retry = "Press Retry on the grant's row (Active grants) until it succeeds.";
  let synced: boolean;
  try {
    synced = await store.syncActive(at);
  } catch (error) {
    if (error instanceof StorageLimitError) throw error;
    return refuse({
      code: 'storage',
      message:
        `${notCopied} (storage failed: ${(error as Error)?.message ?? String(error)}), ` +
        `so runs still see the grants as they were before. ${retry}`,
    });
  }
  if (!synced)
    refuse({
      code: 'storage',
      message:
        `${notCopied} (another save kept replacing it), ` +
        `so runs may still see the grants as they were before. ${retry}`,
    });
}

/** Ids of the unexpired grants the record runs read carries; undefined when there is no usable record. */
function carriedIds(current: CurrentPolicy, at: Date): Set<string> | undefined {
  return current.state === 'ok'
    ? new Set(
        storedGrants(current.record.grants)
          .filter((g) => at.getTime() < instantMs(g.expires))
          .map((g) => g.id),
      )
    : undefined;
}

function row(entry: GrantEntry, at: Date, carried?: Set<string>): GrantRow {
  const status = entry.revokedAt !== undefined ? 'revoked' : isActive(entry, at) ? 'active' : 'expired';
  const inForce = carried?.has(entry.grant.id);
  const runsDisagree =
    status === 'revoked' && inForce
      ? 'revoked-still-in-force'
      : status === 'active' && carried && !inForce
        ? 'active-not-in-force'
        : undefined;
  return {
    grant: entry.grant,
    status,
    ...(status === 'active' ? { msLeft: Date.parse(entry.grant.expires) - at.getTime() } : {}),
    ...(entry.revokedAt !== undefined ? { revokedAt: entry.revokedAt, revokedBy: entry.revokedBy } : {}),
    ...(runsDisagree ? { runsDisagree } : {}),
  };
}

/**
 * The UUID of the workspace's repository with this slug, asked of Bitbucket now: the provider
 * matches the grant on it without a lookup of its own, and a repository that takes the slug over
 * later does not get the grant.
 */
async function repositoryUuidOf(deps: GrantHandlerDependencies, identity: Identity, slug: string): Promise<string> {
  if (!deps.bitbucket)
    return refuse({
      code: 'bitbucket',
      message: 'This installation cannot reach Bitbucket to look the repository up, so it cannot make a grant for it.',
    });
  let answer: { status: number; body: unknown };
  try {
    answer = await deps.bitbucket(`/2.0/repositories/${identity.workspaceId}/${slug}`);
  } catch (error) {
    return refuse({
      code: 'bitbucket',
      message:
        `Bitbucket could not be asked for repository ${slug}: ${(error as Error)?.message ?? String(error)}. ` +
        'Nothing was granted; try again in a minute.',
    });
  }
  if (answer.status === 404)
    return refuse({
      code: 'invalid-request',
      message:
        `The grant is not valid: repository: this workspace has no repository ${slug} (or you cannot see it). ` +
        "Use the slug as in the repository's URL.",
      problems: [{ path: 'repository', segments: ['repository'], message: `no repository ${slug} in this workspace` }],
    });
  const parsed = RepositoryAnswerSchema.safeParse(answer.body);
  const named = parsed.success ? identityOfAnswer(parsed.data) : undefined;
  if (answer.status !== 200 || !named || named.slug !== slug)
    return refuse({
      code: 'bitbucket',
      message:
        `Bitbucket's answer for repository ${slug} (HTTP ${answer.status}) does not name that repository ` +
        'and its UUID. Nothing was granted; try again in a minute.',
    });
  return named.uuid;
}

/** The saved policy's environment names; refuses when there is no usable policy to carry a grant. */
async function policyEnvironments(policies: PolicyRepository): Promise<string[]> {
  const current = await policies.current();
  if (current.state === 'none')
    return refuse({
      code: 'not-found',
      message: 'There is no policy yet, so there is nothing to waive. Save a policy first.',
    });
  const result = current.state === 'ok' ? validatePolicy(current.record.policy) : undefined;
  if (!result?.ok)
    return refuse({
      code: 'damaged',
      message:
        'The stored policy is damaged and the provider is blocking every run; a grant cannot help. ' +
        'Save a policy to repair it first.',
    });
  return result.policy.environments.map((env) => env.name);
}

async function listGrants(context: GrantContext, identity: Identity, payload: unknown): Promise<GrantsView> {
  refuseParameters('listGrants', payload);
  const at = context.now();
  const [entries, canEdit, current, readable] = await Promise.all([
    context.store.list(),
    context.deps.adminCheck(identity),
    context.policies.current(),
    context.deps.access.readableRepositories(identity),
  ]);
  const notice = current.state === 'ok' ? undefined : 'No usable policy is saved, so no grant can apply until one is.';
  const carried = carriedIds(current, at);
  const shown = entries.filter((entry) => readable.includesGrant(entry.grant));
  return {
    canEdit,
    now: at.toISOString(),
    grants: shown.map((entry) => row(entry, at, carried)),
    ...(notice ? { notice } : {}),
  };
}

/** The grant a create request describes, checked against the saved policy, with the repository's UUID. */
async function requestedGrant(context: GrantContext, identity: Identity, payload: object, at: Date): Promise<Grant> {
  const sent = SERVER_FIELDS.filter((field) => field in payload);
  if (sent.length)
    refuse({
      code: 'invalid-request',
      message:
        `The request is not valid: ${sent.join(' and ')} ${sent.length === 1 ? 'is' : 'are'} set by Pipeline Guard ` +
        'from your session and the clock, not by the page.',
    });
  const result = validateGrant({ ...payload, grantedBy: identity.accountId, grantedAt: at.toISOString() }, at);
  if (!result.ok)
    return refuse({
      code: 'invalid-request',
      message:
        'The grant is not valid: ' + result.problems.map((p) => `${p.field || '(grant)'}: ${p.message}`).join('; '),
      problems: grantProblems(result.problems),
    });
  const known = await policyEnvironments(context.policies);
  const unknown = result.grant.environments.filter((env) => !known.includes(env));
  if (unknown.length)
    refuse({
      code: 'invalid-request',
      message:
        `The grant is not valid: environments: ${unknown.map((e) => `"${e}"`).join(', ')} ` +
        `${unknown.length === 1 ? 'is' : 'are'} not in the saved policy (it has ${known.join(', ')}).`,
    });
  return { ...result.grant, repositoryUuid: await repositoryUuidOf(context.deps, identity, result.grant.repository) };
}

async function createGrant(context: GrantContext, identity: Identity, payload: unknown): Promise<GrantCreatedView> {
  await requireAdmin(context.deps, identity);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return refuse({ code: 'invalid-request', message: 'The request is not valid: send the grant as an object.' });
  const at = context.now();
  const grant = await requestedGrant(context, identity, payload, at);
  if (!(await context.store.create(grant)))
    refuse({
      code: 'invalid-request',
      message:
        `The grant is not valid: id: a grant named ${grant.id} already exists; ` +
        `an id names one grant for good, so pick another (e.g. ${grant.id}-2).`,
    });
  await publish(context.store, at, `Grant ${grant.id}`);
  return { grant };
}

export function createGrantHandlers(deps: GrantHandlerDependencies) {
  const policies = createPolicyRepository(deps.kv);
  const context: GrantContext = {
    deps,
    now: deps.now ?? (() => new Date()),
    policies,
    store: createGrantStore(deps.kv, policies),
  };
  const { now, store } = context;
  const runsOf =
    deps.grantRuns ??
    grantRunsFromLog(createDecisionQuery(deps.entities ?? createMemoryEntities(ENTITY_DEFINITIONS), deps.kv));

  return {
    listGrants: handler<GrantsView>((identity, payload) => listGrants(context, identity, payload)),

    /** Copies the grants in force into the record runs read again: the retry after a failed publish. */
    syncGrants: handler<{ synced: true }>(async (identity, payload) => {
      await requireAdmin(deps, identity);
      refuseParameters('syncGrants', payload);
      await policyEnvironments(policies);
      await publish(store, now(), 'Every grant');
      return { synced: true as const };
    }),

    createGrant: handler<GrantCreatedView>((identity, payload) => createGrant(context, identity, payload)),

    revokeGrant: handler<{ revoked: GrantRow }>(async (identity, payload) => {
      await requireAdmin(deps, identity);
      const id = idOf(payload);
      const at = now();
      const entry = await store.revoke(id, identity.accountId, at);
      if (!entry) return refuse({ code: 'not-found', message: `There is no grant ${id}; reload the page.` });
      await publish(store, at, `The revocation of ${id}`);
      return { revoked: row(entry, at) };
    }),

    grantRuns: handler<GrantRunsView>(async (identity, payload) => {
      const id = idOf(payload);
      const [readable, found] = await Promise.all([deps.access.readableRepositories(identity), runsOf(id)]);
      return { id, ...found, runs: found.runs.filter((run) => readable.includes({ uuid: run.repositoryUuid })) };
    }),
  };
}

export type GrantHandlers = ReturnType<typeof createGrantHandlers>;
