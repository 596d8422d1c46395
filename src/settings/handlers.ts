/**
 * The settings page's resolver functions, minus Forge: storage comes in through a port, the caller
 * through the Forge context, and every payload is validated before it is used. src/forge/resolver.ts
 * registers them with @forge/resolver; the local console calls the very same functions.
 */
import * as z from 'zod';
import { compilePolicy } from '../engine/compiled-policy';
import { TRIGGERS } from '../engine/request';
import type { CompiledPolicy } from '../engine/types';
import { problemsFromZod, validatePolicy, type PolicyProblem } from '../policy/load';
import type { Policy } from '../policy/schema';
import { parsePolicyText } from '../policy/text';
import { simulate, SimulationInputError } from '../simulate/simulate';
import { createDecisionLog, DECISION_SCAN_CAP, type DecisionLog } from '../storage/decision-log';
import { StorageLimitError, type KeyValueStore } from '../storage/kv';
import { createPolicyRepository, type RevisionRecord } from '../storage/policy-repo';
import { createPolicyTestStore, MAX_PIPELINE_YAML, MAX_POLICY_TESTS, PolicyTestInputSchema, PreviewTargetSchema, type PolicyTest } from '../storage/policy-tests';
import { artifactText, trustArtifacts, type EnvironmentTrust } from '../trust/artifacts';
import { TrustPolicyInputError } from '../trust/inputs';
import { parseYaml } from '../yaml/document';
import type { ApiError, ApiResult, CsvView, DecisionsView, HistoryEntry, PolicyTestOutcome, PolicyView, PreviewView, SavedView, TrustPolicyView } from './api';
import { decisionsCsv } from './csv';
import { identityFromContext, type AdminCheck, type Identity } from './identity';

export interface HandlerDependencies {
  readonly kv: KeyValueStore;
  readonly adminCheck: AdminCheck;
  readonly decisions?: DecisionLog;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/** Policy text an admin pastes; far above any real policy, far below the KVS value limit. */
const MAX_POLICY_TEXT = 128 * 1024;
/** Decision-log rows sent to the page at once; CSV export sends every scanned row. */
const MAX_LISTED_DECISIONS = 200;

const NO_POLICY_MESSAGE =
  'No policy has been saved for this workspace yet. Until one is saved, Pipeline Guard passes every pipeline through unchanged. Write a policy on this page, preview it against a pipeline, then save it.';

const draftFields = {
  policy: z.unknown().optional(),
  policyText: z.string().max(MAX_POLICY_TEXT, `policy text is limited to ${MAX_POLICY_TEXT / 1024} KiB`).optional(),
};
const oneDraftAtMost = (value: { policy?: unknown; policyText?: string }) => value.policy === undefined || value.policyText === undefined;
const revisionNumber = z.number().int().min(0).max(1_000_000_000);

const Payloads = {
  /** Actions without parameters still refuse a payload that is not an object. */
  none: z.looseObject({}),
  savePolicy: z.strictObject({ expectedRevision: revisionNumber, ...draftFields }).refine((v) => oneDraftAtMost(v) && (v.policy !== undefined || v.policyText !== undefined), 'send either `policy` or `policyText`'),
  rollback: z.strictObject({ revision: revisionNumber.min(1), expectedRevision: revisionNumber }),
  preview: z
    .strictObject({
      yaml: z.string().max(MAX_PIPELINE_YAML, `the pipeline is limited to ${MAX_PIPELINE_YAML / 1024} KiB`),
      target: PreviewTargetSchema,
      trigger: z.enum(TRIGGERS).optional(),
      ...draftFields,
    })
    .refine(oneDraftAtMost, 'send `policy` or `policyText`, not both'),
  decisions: z.strictObject({
    outcome: z.enum(['allowed', 'blocked', 'none', 'passthrough']).optional(),
    repository: z.string().max(300).optional(),
  }),
  savePolicyTest: PolicyTestInputSchema.extend({ id: z.string().regex(/^[a-z0-9]{6,40}$/).optional() }),
  deletePolicyTest: z.strictObject({ id: z.string().regex(/^[a-z0-9]{6,40}$/) }),
  trustPolicies: z
    .strictObject({
      workspaceSlug: z.string().trim().min(1, 'the workspace slug is required').max(62),
      repositoryUuid: z.string().trim().max(40).optional(),
      repositoryUuids: z.array(z.string().trim().max(40)).max(50).optional(),
      deploymentEnvironmentUuids: z.array(z.string().trim().max(40)).max(50).optional(),
      ...draftFields,
    })
    .refine(oneDraftAtMost, 'send `policy` or `policyText`, not both'),
  runPolicyTests: z.strictObject(draftFields).refine(oneDraftAtMost, 'send `policy` or `policyText`, not both'),
};

class Refusal extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

const refuse = (error: ApiError): never => {
  throw new Refusal(error);
};

function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload ?? {});
  if (parsed.success) return parsed.data;
  const problems = problemsFromZod(parsed.error);
  return refuse({ code: 'invalid-request', message: `The request is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems });
}

function cloneJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

interface Draft {
  /** As the admin wrote it: what is stored, so the editor shows it back unchanged. */
  readonly raw: unknown;
  readonly policy: Policy;
}

function invalidPolicy(problems: PolicyProblem[]): never {
  const shown = problems.slice(0, 8).map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`);
  return refuse({ code: 'invalid-policy', message: `The policy is not valid: ${shown.join('; ')}${problems.length > shown.length ? `; and ${problems.length - shown.length} more` : ''}`, problems });
}

function draftFrom(input: { policy?: unknown; policyText?: string }): Draft | undefined {
  if (input.policyText !== undefined) {
    const result = parsePolicyText(input.policyText);
    if (!result.ok) return invalidPolicy(result.problems);
    return { raw: cloneJson(parseYaml(input.policyText).value), policy: result.policy };
  }
  if (input.policy === undefined) return undefined;
  const result = validatePolicy(input.policy);
  if (!result.ok) return invalidPolicy(result.problems);
  return { raw: cloneJson(input.policy), policy: result.policy };
}

export type Handler<T> = (context: unknown, payload: unknown) => Promise<ApiResult<T>>;

export function createHandlers(deps: HandlerDependencies) {
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`);
  const repo = createPolicyRepository(deps.kv);
  const tests = createPolicyTestStore(deps.kv);
  const decisionLog = deps.decisions ?? createDecisionLog(deps.kv);

  /** Every handler: identity from the context, refusals as `{ ok: false }`, nothing thrown at the page. */
  const handler =
    <T>(body: (identity: Identity, payload: unknown) => Promise<T>): Handler<T> =>
    async (context, payload) => {
      const identity = identityFromContext(context);
      if (!identity) return { ok: false, error: { code: 'identity', message: 'The request carries no workspace or account in its Forge context, so Pipeline Guard cannot tell who is asking. Reload the page.' } };
      try {
        return { ok: true, ...(await body(identity, payload)) } as ApiResult<T>;
      } catch (error) {
        if (error instanceof Refusal) return { ok: false, error: error.error };
        if (error instanceof StorageLimitError) return { ok: false, error: { code: 'storage', message: `Forge storage refused the write: ${error.message}.` } };
        throw error;
      }
    };

  const requireAdmin = async (identity: Identity) => {
    if (!(await deps.adminCheck(identity)))
      refuse({ code: 'forbidden', message: 'Only a workspace admin can change Pipeline Guard settings. You can view the policy, preview pipelines and read the decision log; ask a workspace admin to make this change.' });
  };

  const savedPolicy = async (): Promise<{ compiled: CompiledPolicy | undefined; source: string }> => {
    const current = await repo.current();
    if (current.state === 'none') return { compiled: undefined, source: 'no policy saved (pipelines pass through unchanged)' };
    if (current.state === 'damaged') return refuse({ code: 'damaged', message: `The stored policy (revision ${current.revision}) is damaged and the provider is blocking runs. Save a policy to repair it.` });
    const result = validatePolicy(current.record.policy);
    if (!result.ok) return refuse({ code: 'damaged', message: `The stored policy (revision ${current.record.revision}) no longer validates and the provider is blocking runs. Save a corrected policy.`, problems: result.problems });
    return { compiled: compilePolicy(result.policy, current.record.revision), source: `saved revision ${current.record.revision}` };
  };

  const runCase = (test: PolicyTest, policy: CompiledPolicy | undefined): PolicyTestOutcome => {
    try {
      const result = simulate({ yamlText: test.yaml, policy, target: test.target });
      const passed = result.outcome === test.expect;
      const firstBlock = result.violations.find((v) => v.mode === 'enforce');
      return { id: test.id, name: test.name, expect: test.expect, actual: result.outcome, passed, detail: passed ? undefined : firstBlock ? `${firstBlock.rule}: ${firstBlock.message}` : `the run would be ${result.outcome}` };
    } catch (error) {
      if (!(error instanceof SimulationInputError)) throw error;
      return { id: test.id, name: test.name, expect: test.expect, actual: 'error', passed: false, detail: `the case's pipeline cannot be simulated: ${error.message}` };
    }
  };

  /** Refuses a save that breaks a saved case, naming every broken case. */
  const checkCases = async (draft: Draft, revision: number): Promise<number> => {
    const cases = await tests.list();
    const compiled = compilePolicy(draft.policy, revision);
    const failures = cases.map((test) => runCase(test, compiled)).filter((outcome) => !outcome.passed);
    if (failures.length > 0)
      refuse({
        code: 'tests-failed',
        message: `Not saved: this policy breaks ${failures.length === 1 ? 'a policy test' : `${failures.length} policy tests`}: ${failures.map((f) => `"${f.name}" expects ${f.expect} but got ${f.actual}`).join('; ')}. Fix the policy, or change the test if the new behaviour is intended.`,
        failures,
      });
    return cases.length;
  };

  const commit = async (identity: Identity, draft: Draft, expectedRevision: number, action: 'save' | 'rollback', restoredFrom?: number): Promise<SavedView> => {
    const testsRun = await checkCases(draft, expectedRevision + 1);
    const savedAt = now().toISOString();
    const result = await repo.commit({ expectedRevision, policy: draft.raw, savedAt, savedBy: identity.accountId, action, restoredFrom });
    if (!result.ok)
      refuse({
        code: 'stale',
        message: `Not saved: someone saved revision ${result.currentRevision} after you loaded revision ${expectedRevision}. Reload to see their change, then make yours again.`,
        currentRevision: result.currentRevision,
      });
    return { revision: expectedRevision + 1, savedAt, testsRun };
  };

  const historyEntry = (record: RevisionRecord): HistoryEntry => ({
    revision: record.revision,
    savedAt: record.savedAt,
    savedBy: record.savedBy,
    action: record.action ?? 'save',
    ...(record.restoredFrom !== undefined ? { restoredFrom: record.restoredFrom } : {}),
    policy: record.policy,
  });

  return {
    getPolicy: handler<PolicyView>(async (identity, payload) => {
      parsePayload(Payloads.none, payload);
      const [current, canEdit] = await Promise.all([repo.current(), deps.adminCheck(identity)]);
      if (current.state === 'none') return { canEdit, state: 'none', revision: 0, message: NO_POLICY_MESSAGE };
      if (current.state === 'damaged')
        return { canEdit, state: 'damaged', revision: current.revision, message: `The stored policy (revision ${current.revision}) is damaged, so the provider blocks every run. Save a policy to repair it.` };
      const { record } = current;
      return { canEdit, state: 'ok', revision: record.revision, policy: record.policy, savedAt: record.savedAt, savedBy: record.savedBy, message: `Revision ${record.revision} is enforced on every pipeline run in this workspace.` };
    }),

    savePolicy: handler<SavedView>(async (identity, payload) => {
      await requireAdmin(identity);
      const input = parsePayload(Payloads.savePolicy, payload);
      return commit(identity, draftFrom(input)!, input.expectedRevision, 'save');
    }),

    rollback: handler<SavedView>(async (identity, payload) => {
      await requireAdmin(identity);
      const input = parsePayload(Payloads.rollback, payload);
      const record = await repo.revision(input.revision);
      if (!record) return refuse({ code: 'not-found', message: `Revision ${input.revision} is no longer kept (the newest revisions are kept), so it cannot be restored.` });
      const result = validatePolicy(record.policy);
      if (!result.ok) return invalidPolicy(result.problems);
      return commit(identity, { raw: record.policy, policy: result.policy }, input.expectedRevision, 'rollback', input.revision);
    }),

    history: handler<{ entries: HistoryEntry[] }>(async (_identity, payload) => {
      parsePayload(Payloads.none, payload);
      return { entries: (await repo.history()).map(historyEntry) };
    }),

    preview: handler<PreviewView>(async (_identity, payload) => {
      const input = parsePayload(Payloads.preview, payload);
      const draft = draftFrom(input);
      const { compiled, source } = draft ? { compiled: compilePolicy(draft.policy), source: 'the unsaved policy in the editor' } : await savedPolicy();
      try {
        return { result: simulate({ yamlText: input.yaml, policy: compiled, target: input.target, trigger: input.trigger }), policySource: source };
      } catch (error) {
        if (!(error instanceof SimulationInputError)) throw error;
        return refuse({ code: 'invalid-pipeline', message: `The pipeline cannot be previewed: ${error.message}`, line: error.position?.line, column: error.position?.column });
      }
    }),

    trustPolicies: handler<{ policies: TrustPolicyView[]; policySource: string }>(async (identity, payload) => {
      const input = parsePayload(Payloads.trustPolicies, payload);
      const draft = draftFrom(input);
      const { compiled, source } = draft ? { compiled: compilePolicy(draft.policy), source: 'the unsaved policy in the editor' } : await savedPolicy();
      if (!compiled) return refuse({ code: 'not-found', message: 'There is no policy yet, so there are no roles to trust. Write and save a policy first.' });
      const repositoryUuids = [...(input.repositoryUuid ? [input.repositoryUuid] : []), ...(input.repositoryUuids ?? [])];
      let entries: EnvironmentTrust[];
      try {
        // The workspace inputs are the same for every environment: a problem with them is reported once, not on every card.
        entries = trustArtifacts(compiled.policy, { workspaceSlug: input.workspaceSlug, workspaceUuid: identity.workspaceId, repositoryUuids, deploymentEnvironmentUuids: input.deploymentEnvironmentUuids });
      } catch (error) {
        if (!(error instanceof TrustPolicyInputError)) throw error;
        return refuse({ code: 'invalid-request', message: error.message });
      }
      const policies = entries.map((entry): TrustPolicyView => {
        const artifact = entry.artifact;
        if (!artifact) return { environment: entry.environment, warnings: [], error: entry.error };
        return {
          environment: entry.environment,
          provider: artifact.provider,
          ...(artifact.provider === 'aws' ? { roleArn: artifact.roleArn, trustPolicy: artifact.trustPolicy } : {}),
          identity: artifact.provider === 'aws' ? artifact.roleArn : artifact.provider === 'gcp' ? artifact.serviceAccount : `${artifact.role} (auth/${artifact.mount})`,
          artifact,
          text: artifactText(artifact),
          warnings: artifact.warnings,
        };
      });
      return { policies, policySource: source };
    }),

    decisions: handler<DecisionsView>(async (_identity, payload) => {
      const filter = parsePayload(Payloads.decisions, payload);
      const listing = await decisionLog.list(filter);
      return { ...listing, records: listing.records.slice(0, MAX_LISTED_DECISIONS) };
    }),

    exportDecisions: handler<CsvView>(async (_identity, payload) => {
      const filter = parsePayload(Payloads.decisions, payload);
      const listing = await decisionLog.list(filter, DECISION_SCAN_CAP);
      return { filename: `pipeline-guard-decisions-${now().toISOString().slice(0, 10)}.csv`, csv: decisionsCsv(listing.records) };
    }),

    listPolicyTests: handler<{ tests: PolicyTest[] }>(async (_identity, payload) => {
      parsePayload(Payloads.none, payload);
      return { tests: await tests.list() };
    }),

    savePolicyTest: handler<{ test: PolicyTest }>(async (identity, payload) => {
      await requireAdmin(identity);
      const input = parsePayload(Payloads.savePolicyTest, payload);
      const existing = await tests.list();
      if (input.id === undefined && existing.length >= MAX_POLICY_TESTS)
        refuse({ code: 'invalid-request', message: `A workspace can keep at most ${MAX_POLICY_TESTS} policy tests; delete one first.` });
      if (input.id !== undefined && !existing.some((t) => t.id === input.id)) refuse({ code: 'not-found', message: 'That policy test no longer exists; reload the page.' });
      const test: PolicyTest = { ...input, id: input.id ?? newId(), savedAt: now().toISOString(), savedBy: identity.accountId };
      await tests.put(test);
      return { test };
    }),

    deletePolicyTest: handler<{ deleted: string }>(async (identity, payload) => {
      await requireAdmin(identity);
      const { id } = parsePayload(Payloads.deletePolicyTest, payload);
      await tests.remove(id);
      return { deleted: id };
    }),

    runPolicyTests: handler<{ outcomes: PolicyTestOutcome[]; policySource: string }>(async (_identity, payload) => {
      const input = parsePayload(Payloads.runPolicyTests, payload);
      const draft = draftFrom(input);
      const { compiled, source } = draft ? { compiled: compilePolicy(draft.policy), source: 'the unsaved policy in the editor' } : await savedPolicy();
      return { outcomes: (await tests.list()).map((test) => runCase(test, compiled)), policySource: source };
    }),
  };
}

export type SettingsHandlers = ReturnType<typeof createHandlers>;
export type HandlerKey = keyof SettingsHandlers;
