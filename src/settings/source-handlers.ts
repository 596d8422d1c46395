/**
 * The Policy source tab's resolver functions (policy as code):
 *
 *   getPolicySource      anyone       where the policy comes from, the commit in force, the last failure, every switch
 *   setPolicySource      admins only  switch to a repository (repository, branch, path) or back to the page; recorded
 *   syncPolicySource     admins only  "Load now": read the branch head as the app and load it if it is new
 *
 * and `requirePageSource`, which the policy-writing functions (savePolicy, rollback, savePolicyTest,
 * deletePolicyTest) call: while the policy comes from a repository only a commit there changes it,
 * whatever the page shows. Who and when come from the Forge context and the server's clock.
 */
import * as z from 'zod';
import type { BitbucketGet } from './bitbucket-rest';
import { RepositoryAnswerSchema } from '../policy/repository-schema';
import type { AdminCheck, Identity } from './identity';
import { activeCommitForMembers, syncStatusForMembers } from './replay-for-members';
import {
  createPolicySync,
  fileLink,
  type BitbucketAppRequest,
  type ReplayDraft,
  type SyncOutcome,
} from './policy-sync';
import { handler, refuse } from './resolver-handler';
import type { KeyValueStore } from '../storage/kv';
import { createPolicyRepository, type RevisionCommit } from '../storage/policy-repo';
import {
  BranchNameSchema,
  createPolicySourceStore,
  DEFAULT_POLICY_BRANCH,
  DEFAULT_POLICY_PATH,
  DEFAULT_TESTS_PATH,
  RepositoryPathSchema,
  type PolicySource,
  type RepositorySource,
  type SwitchRecord,
  type SyncStatus,
} from '../storage/policy-source';

export interface SourceHandlerDependencies {
  readonly kv: KeyValueStore;
  readonly adminCheck: AdminCheck;
  /** Bitbucket REST as the admin at the page: finds the repository they name. */
  readonly bitbucket?: BitbucketGet;
  /** Bitbucket REST as the app: reads the branch head and the files, as the push trigger does. */
  readonly bitbucketAsApp?: BitbucketAppRequest;
  /** The replay of a draft against recent runs (issue 19's replay); absent: loads skip it. */
  readonly replay?: ReplayDraft;
  readonly now?: () => Date;
  readonly log?: (message: string) => void;
}

export interface PolicySourceView {
  readonly canEdit: boolean;
  readonly source: PolicySource;
  /** The stored source record fails validation: page writes stay refused until an admin sets it again. */
  readonly damaged?: boolean;
  readonly setAt?: string;
  readonly setBy?: string;
  readonly fileUrl?: string;
  readonly testsUrl?: string;
  /** The active revision, when it was loaded from this source's branch: which commit, and when. */
  readonly active?: { readonly revision: number; readonly loadedAt: string; readonly commit: RevisionCommit };
  readonly status?: SyncStatus;
  readonly switches: SwitchRecord[];
  readonly defaults: { readonly branch: string; readonly path: string; readonly testsPath: string };
}

export interface SourceChangedView {
  readonly switched: boolean;
  /** The first load from the new source (or "Load now"), when Bitbucket could be asked as the app. */
  readonly sync?: SyncOutcome;
}

const SetSourcePayload = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('page') }),
  z.strictObject({
    kind: z.literal('repository'),
    /** A repository slug, or `workspace/slug` as Bitbucket shows it. */
    repository: z.string().trim().min(1, 'name the repository').max(300),
    branch: BranchNameSchema.optional(),
    path: RepositoryPathSchema.optional(),
    testsPath: RepositoryPathSchema.optional(),
  }),
]);

const invalid = (message: string, path?: string): never =>
  refuse({ code: 'invalid-request', message, ...(path ? { problems: [{ path, segments: [path], message }] } : {}) });

function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({
    path: issue.path.join('.') || '(request)',
    segments: issue.path.filter((s) => typeof s !== 'symbol') as (string | number)[],
    message: issue.message,
  }));
  return refuse({
    code: 'invalid-request',
    message: `The request is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    problems,
  });
}

/** Refuses a write to the policy on the page while the policy comes from a repository. */
export async function requirePageSource(kv: KeyValueStore, what: string): Promise<void> {
  const found = await createPolicySourceStore(kv).current();
  if (found.state === 'damaged')
    refuse({
      code: 'source-repository',
      message:
        `Not ${what}: the stored policy source is damaged, so Pipeline Guard cannot tell whether the policy ` +
        'may be changed here. A workspace admin sets the policy source again on the Policy source tab.',
    });
  const source = found.state === 'ok' ? found.record?.source : undefined;
  if (source?.kind === 'repository')
    refuse({
      code: 'source-repository',
      message:
        `Not ${what}: the policy is kept in ${source.repository.fullName} (${source.path} on ${source.branch}), ` +
        'so it changes only through a commit there, reviewed in a pull request. Export the policy to start a ' +
        'change. Break-glass grants still work on this page.',
    });
}

async function requireAdmin(deps: SourceHandlerDependencies, identity: Identity): Promise<void> {
  if (!(await deps.adminCheck(identity)))
    refuse({
      code: 'forbidden',
      message:
        'Only a workspace admin can change where the policy comes from. You can see the policy source and its ' +
        'history; ask a workspace admin to make this change.',
    });
}

/** The repository the admin named, as Bitbucket shows it to them: a name they cannot see is refused. */
async function findRepository(deps: SourceHandlerDependencies, identity: Identity, name: string) {
  const slug = name.includes('/') ? name.slice(name.indexOf('/') + 1) : name;
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(slug)) return invalid(`"${name}" is not a repository slug`, 'repository');
  if (!deps.bitbucket)
    return refuse({ code: 'bitbucket', message: 'This installation cannot reach Bitbucket to find the repository.' });
  const answer = await deps.bitbucket(
    `/2.0/repositories/${encodeURIComponent(identity.workspaceId)}/${encodeURIComponent(slug.toLowerCase())}`,
  );
  if (answer.status === 404)
    return invalid(`this workspace has no repository "${slug}" that you can see`, 'repository');
  const parsed = RepositoryAnswerSchema.safeParse(answer.body);
  if (answer.status !== 200 || !parsed.success || !/^\{[0-9a-fA-F-]{36}\}$/.test(parsed.data.uuid))
    return refuse({
      code: 'bitbucket',
      message: `Bitbucket answered ${answer.status} when asked for repository "${slug}"; try again in a minute.`,
    });
  return { uuid: parsed.data.uuid, fullName: parsed.data.full_name };
}

/** The active revision, when it was loaded from this source's branch. */
async function activeFrom(kv: KeyValueStore, source: RepositorySource): Promise<PolicySourceView['active']> {
  const current = await createPolicyRepository(kv).current();
  if (current.state !== 'ok' || current.record.action !== 'commit' || !current.record.commit) return undefined;
  const { commit } = current.record;
  if (commit.repository !== source.repository.fullName || commit.branch !== source.branch) return undefined;
  return { revision: current.record.revision, loadedAt: current.record.savedAt, commit };
}

async function sourceView(deps: SourceHandlerDependencies, identity: Identity): Promise<PolicySourceView> {
  const store = createPolicySourceStore(deps.kv);
  const [found, switches, canEdit] = await Promise.all([store.current(), store.switches(), deps.adminCheck(identity)]);
  const defaults = { branch: DEFAULT_POLICY_BRANCH, path: DEFAULT_POLICY_PATH, testsPath: DEFAULT_TESTS_PATH };
  if (found.state === 'damaged') return { canEdit, source: { kind: 'page' }, damaged: true, switches, defaults };
  const record = found.record;
  const source: PolicySource = record?.source ?? { kind: 'page' };
  const base = { canEdit, source, switches, defaults, ...(record ? { setAt: record.setAt, setBy: record.setBy } : {}) };
  if (source.kind !== 'repository') return base;
  const [active, status] = await Promise.all([activeFrom(deps.kv, source), store.status(source)]);
  const testsUrl = fileLink({ ...source, path: source.testsPath });
  const shown = canEdit
    ? { status, active }
    : { status: syncStatusForMembers(status), active: active && activeCommitForMembers(active) };
  return {
    ...base,
    fileUrl: fileLink(source),
    testsUrl,
    status: shown.status,
    ...(shown.active ? { active: shown.active } : {}),
  };
}

export function createSourceHandlers(deps: SourceHandlerDependencies) {
  const now = deps.now ?? (() => new Date());
  const store = createPolicySourceStore(deps.kv);

  const sync = (trigger: 'manual' | 'switch'): Promise<SyncOutcome> | undefined => {
    if (!deps.bitbucketAsApp) return undefined;
    const policySync = createPolicySync({
      kv: deps.kv,
      request: deps.bitbucketAsApp,
      replay: deps.replay,
      now,
      log: deps.log,
    });
    return policySync.catchUp(trigger);
  };

  const setSource = async (identity: Identity, payload: unknown): Promise<SourceChangedView> => {
    await requireAdmin(deps, identity);
    const input = parsePayload(SetSourcePayload, payload);
    const found = await store.current();
    const from: PolicySource = found.state === 'ok' && found.record ? found.record.source : { kind: 'page' };
    const to: PolicySource =
      input.kind === 'page'
        ? { kind: 'page' }
        : {
            kind: 'repository',
            workspace: identity.workspaceId,
            repository: await findRepository(deps, identity, input.repository),
            branch: input.branch ?? DEFAULT_POLICY_BRANCH,
            path: input.path ?? DEFAULT_POLICY_PATH,
            testsPath: input.testsPath ?? DEFAULT_TESTS_PATH,
          };
    if (to.kind === 'repository' && to.path === to.testsPath)
      return invalid('the tests file must be another file than the policy', 'testsPath');
    if (found.state === 'ok' && JSON.stringify(from) === JSON.stringify(to)) return { switched: false };
    await store.set({ source: to, setAt: now().toISOString(), setBy: identity.accountId }, from);
    const first = to.kind === 'repository' ? await sync('switch') : undefined;
    return { switched: true, ...(first ? { sync: first } : {}) };
  };

  const loadNow = async (identity: Identity, payload: unknown): Promise<SourceChangedView> => {
    await requireAdmin(deps, identity);
    parsePayload(z.strictObject({}), payload);
    const found = await store.current();
    if (found.state !== 'ok' || found.record?.source.kind !== 'repository')
      return refuse({
        code: 'invalid-request',
        message: 'The policy is kept on this page; there is no repository to load from.',
      });
    const outcome = await sync('manual');
    if (!outcome)
      return refuse({
        code: 'bitbucket',
        message:
          'This installation cannot reach Bitbucket as the app; the push trigger and the hourly check still ' +
          'load new commits.',
      });
    return { switched: false, sync: outcome };
  };

  return {
    getPolicySource: handler<PolicySourceView>(async (identity, payload) => {
      parsePayload(z.looseObject({}), payload);
      return sourceView(deps, identity);
    }),
    setPolicySource: handler<SourceChangedView>(setSource),
    syncPolicySource: handler<SourceChangedView>(loadNow),
  };
}
