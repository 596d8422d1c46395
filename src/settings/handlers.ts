/**
 * The settings page's resolver functions, minus Forge: storage comes in through a port, the caller
 * through the Forge context, and every payload is validated before it is used. src/forge/resolver.ts
 * registers them with @forge/resolver; the local console calls the very same functions.
 */
import * as z from 'zod';
import { handler, refuse } from './resolver-handler';
import { compilePolicy } from '../engine/compiled-policy';
import { TRIGGERS } from '../engine/request';
import type { CompiledPolicy } from '../engine/types';
import { problemsFromZod, validatePolicy, type PolicyProblem } from '../policy/load';
import type { Policy } from '../policy/schema';
import { parsePolicyText } from '../policy/text';
import { simulate, SimulationInputError } from '../simulate/simulate';
import { createGrantStore, isActive } from '../storage/grant-store';
import { checkBypasses, protectedEnvironmentNames } from '../storage/bypass';
import { DECISION_OUTCOMES } from '../storage/decision-record';
import { BadCursorError, createDecisionQuery } from '../storage/decision-query';
import { grantRunsFromLog } from '../storage/grant-runs';
import type { DecisionFilter } from '../storage/decision-store';
import { ENTITY_DEFINITIONS } from '../storage/entities';
import type { EntityStore } from '../storage/entity-store';
import { createMemoryEntities } from '../storage/memory-entities';
import { readStats, statsView } from '../storage/rollup';
import type { KeyValueStore } from '../storage/kv';
import { createPolicyRepository, type RevisionRecord } from '../storage/policy-repo';
import { createPolicyTestStore, MAX_PIPELINE_YAML, MAX_POLICY_TESTS, PolicyTestInputSchema, PreviewTargetSchema, type PolicyTest } from '../storage/policy-tests';
import { artifactText, trustArtifacts, type EnvironmentTrust } from '../trust/artifacts';
import { TrustPolicyInputError } from '../trust/inputs';
import { parseYaml } from '../yaml/document';
import { weakenings } from '../policy/weakening';
import { passthroughSteps } from './passthrough';
import { createNameLookup, DisplayNamesPayload, type FetchUser } from './people';
import { createGrantHandlers } from './grant-handlers';
import { createTrustCheckHandlers } from './trust-check-handlers';
import type { BypassView, CsvView, DecisionStatsView, DecisionsView, HistoryEntry, PolicyTestOutcome, PolicyView, PreviewView, SavedView, TrustPolicyView } from './api';
import { decisionsCsv, decisionsCsvHeader } from './csv';
import type { AdminCheck, Identity } from './identity';
import { createScopeHandlers, RepositoryPayloadSchema, type HandlerKit, type ScopeDependencies } from './scope-handlers';

export interface HandlerDependencies extends ScopeDependencies {
  readonly kv: KeyValueStore;
  readonly adminCheck: AdminCheck;
  /** Forge custom entities: the decision log and deployments. Tests may leave it out for an in-memory store. */
  readonly entities?: EntityStore;
  readonly now?: () => Date;
  readonly newId?: () => string;
  /** Bitbucket's users endpoint as the caller; without it, people are shown by account id. */
  readonly fetchUser?: FetchUser;
}

/** Policy text an admin pastes; far above any real policy, far below the KVS value limit. */
const MAX_POLICY_TEXT = 128 * 1024;
/** Decision-log rows a page of the listing aims for; CSV export asks for larger pages until the end. */
const LISTED_DECISIONS = 50;
const EXPORTED_DECISIONS_PER_CALL = 2_000;

const NO_POLICY_MESSAGE =
  'No policy has been saved for this workspace yet. Until one is saved, Pipeline Guard passes every pipeline through unchanged. Write a policy on this page, preview it against a pipeline, then save it.';

const draftFields = {
  policy: z.unknown().optional(),
  policyText: z.string().max(MAX_POLICY_TEXT, `policy text is limited to ${MAX_POLICY_TEXT / 1024} KiB`).optional(),
};
const oneDraftAtMost = (value: { policy?: unknown; policyText?: string }) => value.policy === undefined || value.policyText === undefined;
const revisionNumber = z.number().int().min(0).max(1_000_000_000);
const reason = z.string().trim().max(500, 'a reason has at most 500 characters').optional();

const Payloads = {
  /** Actions without parameters still refuse a payload that is not an object. */
  none: z.looseObject({}),
  savePolicy: z.strictObject({ expectedRevision: revisionNumber, reason, ...draftFields }).refine((v) => oneDraftAtMost(v) && (v.policy !== undefined || v.policyText !== undefined), 'send either `policy` or `policyText`'),
  rollback: z.strictObject({ revision: revisionNumber.min(1), expectedRevision: revisionNumber, reason, overrideFailingTests: z.boolean().optional() }),
  preview: z
    .strictObject({
      yaml: z.string().max(MAX_PIPELINE_YAML, `the pipeline is limited to ${MAX_PIPELINE_YAML / 1024} KiB`),
      target: PreviewTargetSchema,
      trigger: z.enum(TRIGGERS).optional(),
      /** The repository the run is for (scoped environments); none: a repository no scope includes. */
      repository: RepositoryPayloadSchema.optional(),
      /** Run under the break-glass grants in force now, as the provider would. */
      applyGrants: z.boolean().optional(),
      ...draftFields,
    })
    .refine(oneDraftAtMost, 'send `policy` or `policyText`, not both'),
  decisions: z.strictObject({
    outcome: z.enum(DECISION_OUTCOMES).optional(),
    repository: z.string().max(300).optional(),
    project: z.string().max(80).optional(),
    rule: z.string().max(60).optional(),
    environment: z.string().max(60).optional(),
    grant: z.string().max(80).optional(),
    /** `YYYY-MM-DD` (the whole UTC day) or an ISO 8601 time. */
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    cursor: z.string().max(4_000).optional(),
  }),
  bypasses: z.strictObject({ cursor: z.string().max(4_000).optional() }),
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
  /** The YAML text the admin wrote or imported, kept so comments and key order survive. */
  readonly text?: string;
}

function invalidPolicy(problems: PolicyProblem[]): never {
  const shown = problems.slice(0, 8).map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`);
  return refuse({ code: 'invalid-policy', message: `The policy is not valid: ${shown.join('; ')}${problems.length > shown.length ? `; and ${problems.length - shown.length} more` : ''}`, problems });
}

function draftFrom(input: { policy?: unknown; policyText?: string }): Draft | undefined {
  if (input.policyText !== undefined) {
    const result = parsePolicyText(input.policyText);
    if (!result.ok) return invalidPolicy(result.problems);
    return { raw: cloneJson(parseYaml(input.policyText).value), policy: result.policy, text: input.policyText };
  }
  if (input.policy === undefined) return undefined;
  const result = validatePolicy(input.policy);
  if (!result.ok) return invalidPolicy(result.problems);
  return { raw: cloneJson(input.policy), policy: result.policy };
}

/** A date alone means the whole UTC day: `from` its first millisecond, `to` its last. */
function timeBound(value: string | undefined, side: 'from' | 'to'): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const at = Date.parse(dateOnly ? `${text}T00:00:00.000Z` : text);
  if (Number.isNaN(at)) return refuse({ code: 'invalid-request', message: `The request is not valid: ${side}: "${text.slice(0, 40)}" is not a date (YYYY-MM-DD) or an ISO 8601 time` });
  return dateOnly && side === 'to' ? at + 86_400_000 - 1 : at;
}

export function createHandlers(deps: HandlerDependencies) {
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`);
  const repo = createPolicyRepository(deps.kv);
  const tests = createPolicyTestStore(deps.kv);
  const grants = createGrantStore(deps.kv, repo);
  const people = deps.fetchUser ? createNameLookup(deps.fetchUser) : undefined;
  const entities = deps.entities ?? createMemoryEntities(ENTITY_DEFINITIONS);
  const decisionQuery = createDecisionQuery(entities, deps.kv);

  const listDecisions = async (input: Omit<z.output<typeof Payloads.decisions>, 'cursor'>, cursor: string | undefined, pageSize: number) => {
    const filter: DecisionFilter = { ...input, from: timeBound(input.from, 'from'), to: timeBound(input.to, 'to') };
    try {
      return await decisionQuery.list(filter, { cursor, pageSize });
    } catch (error) {
      if (error instanceof BadCursorError) return refuse({ code: 'invalid-request', message: error.message });
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
      const result = simulate({ yamlText: test.yaml, policy, target: test.target, repository: test.repository });
      const passed = result.outcome === test.expect;
      const firstBlock = result.violations.find((v) => v.mode === 'enforce');
      return { id: test.id, name: test.name, expect: test.expect, actual: result.outcome, passed, detail: passed ? undefined : firstBlock ? `${firstBlock.rule}: ${firstBlock.message}` : `the run would be ${result.outcome}` };
    } catch (error) {
      if (!(error instanceof SimulationInputError)) throw error;
      return { id: test.id, name: test.name, expect: test.expect, actual: 'error', passed: false, detail: `the case's pipeline cannot be simulated: ${error.message}` };
    }
  };

  /** Refuses a save that breaks a saved case, naming every broken case. */
  const checkCases = async (draft: Draft, revision: number, override?: string): Promise<{ testsRun: number; overridden: string[] }> => {
    const cases = await tests.list();
    const compiled = compilePolicy(draft.policy, revision);
    const failures = cases.map((test) => runCase(test, compiled)).filter((outcome) => !outcome.passed);
    if (failures.length > 0 && override) return { testsRun: cases.length, overridden: failures.map((f) => f.name) };
    if (failures.length > 0)
      refuse({
        code: 'tests-failed',
        message: `Not saved: this policy breaks ${failures.length === 1 ? 'a policy test' : `${failures.length} policy tests`}: ${failures.map((f) => `"${f.name}" expects ${f.expect} but got ${f.actual}`).join('; ')}. Fix the policy, or change the test if the new behaviour is intended.`,
        failures,
      });
    return { testsRun: cases.length, overridden: [] };
  };

  const enforcedPolicy = async (): Promise<Policy | undefined> => {
    const current = await repo.current();
    if (current.state !== 'ok') return undefined;
    const result = validatePolicy(current.record.policy);
    return result.ok ? result.policy : undefined;
  };

  const refuseStale = async (expectedRevision: number, currentRevision: number): Promise<never> => {
    const current = await repo.revision(currentRevision);
    return refuse({
      code: 'stale',
      message: `Not saved: someone saved revision ${currentRevision} after you loaded revision ${expectedRevision}. The page now shows revision ${currentRevision}; your changes are kept aside so you can compare them and make them again.`,
      currentRevision,
      ...(current ? { savedBy: current.savedBy, savedAt: current.savedAt } : {}),
    });
  };

  const commit = async (
    identity: Identity,
    draft: Draft,
    expectedRevision: number,
    action: 'save' | 'rollback',
    extra: { restoredFrom?: number; reason?: string; overrideFailingTests?: boolean; checkWeakening?: boolean } = {},
  ): Promise<SavedView> => {
    const current = await repo.current();
    const currentRevision = current.state === 'none' ? 0 : current.state === 'ok' ? current.record.revision : current.revision;
    // Stale first: a save on top of an old revision is refused whatever its tests say.
    if (currentRevision !== expectedRevision) return refuseStale(expectedRevision, currentRevision);
    if (extra.overrideFailingTests && !extra.reason) refuse({ code: 'reason-required', message: 'Going through failing policy tests needs a reason, which is recorded with the revision.' });
    const { testsRun, overridden } = await checkCases(draft, expectedRevision + 1, extra.overrideFailingTests ? extra.reason : undefined);
    const weakened = extra.checkWeakening ? weakenings(await enforcedPolicy(), draft.policy) : [];
    if (weakened.length > 0 && !extra.reason)
      refuse({
        code: 'reason-required',
        message: `Not saved: this change weakens enforcement (${weakened.map((w) => w.message).join('; ')}). Confirm it with a short reason, which is recorded with the revision.`,
        weakenings: weakened,
      });
    const savedAt = now().toISOString();
    const result = await repo.commit({ expectedRevision, policy: draft.raw, savedAt, savedBy: identity.accountId, action, restoredFrom: extra.restoredFrom, reason: extra.reason, policyText: draft.text, overriddenTests: overridden });
    if (!result.ok) return refuseStale(expectedRevision, result.currentRevision);
    // A grant made or revoked while this save was in flight must not be lost with its old copy.
    await grants.syncActive(now());
    return { revision: expectedRevision + 1, savedAt, testsRun };
  };

  const historyEntry = (record: RevisionRecord): HistoryEntry => ({
    revision: record.revision,
    savedAt: record.savedAt,
    savedBy: record.savedBy,
    action: record.action ?? 'save',
    ...(record.restoredFrom !== undefined ? { restoredFrom: record.restoredFrom } : {}),
    policy: record.policy,
    ...(record.policyText !== undefined ? { policyText: record.policyText } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.overriddenTests?.length ? { overriddenTests: record.overriddenTests } : {}),
  });

  const kit: HandlerKit = {
    handler,
    requireAdmin,
    parsePayload,
    refuse,
    draftFields,
    policyFor: async (input) => {
      const draft = draftFrom(input);
      if (draft) return { policy: draft.policy, source: 'the unsaved policy in the editor' };
      const { compiled, source } = await savedPolicy();
      return { policy: compiled?.policy, source };
    },
  };

  return {
    ...createScopeHandlers(deps, kit),
    ...createGrantHandlers({ ...deps, grantRuns: grantRunsFromLog(decisionQuery) }),
    ...createTrustCheckHandlers(kit),

    getPolicy: handler<PolicyView>(async (identity, payload) => {
      parsePayload(Payloads.none, payload);
      const [current, canEdit] = await Promise.all([repo.current(), deps.adminCheck(identity)]);
      if (current.state === 'none') return { canEdit, state: 'none', revision: 0, message: NO_POLICY_MESSAGE };
      if (current.state === 'damaged')
        return { canEdit, state: 'damaged', revision: current.revision, message: `The stored policy (revision ${current.revision}) is damaged, so the provider blocks every run. Save a policy to repair it.` };
      const { record } = current;
      return { canEdit, state: 'ok', revision: record.revision, policy: record.policy, ...(record.policyText !== undefined ? { policyText: record.policyText } : {}), savedAt: record.savedAt, savedBy: record.savedBy, message: `Revision ${record.revision} is enforced on every pipeline run in this workspace.` };
    }),

    savePolicy: handler<SavedView>(async (identity, payload) => {
      await requireAdmin(identity);
      const input = parsePayload(Payloads.savePolicy, payload);
      const draft = draftFrom(input)!;
      return commit(identity, draft, input.expectedRevision, 'save', { reason: input.reason || undefined, checkWeakening: true });
    }),

    rollback: handler<SavedView>(async (identity, payload) => {
      await requireAdmin(identity);
      const input = parsePayload(Payloads.rollback, payload);
      const record = await repo.revision(input.revision);
      if (!record) return refuse({ code: 'not-found', message: `Revision ${input.revision} is no longer kept (the newest revisions are kept), so it cannot be restored.` });
      const result = validatePolicy(record.policy);
      if (!result.ok) return invalidPolicy(result.problems);
      return commit(identity, { raw: record.policy, policy: result.policy, text: record.policyText }, input.expectedRevision, 'rollback', {
        restoredFrom: input.revision,
        reason: input.reason || undefined,
        overrideFailingTests: input.overrideFailingTests,
      });
    }),

    history: handler<{ entries: HistoryEntry[] }>(async (_identity, payload) => {
      parsePayload(Payloads.none, payload);
      return { entries: (await repo.history()).map(historyEntry) };
    }),

    preview: handler<PreviewView>(async (_identity, payload) => {
      const input = parsePayload(Payloads.preview, payload);
      const draft = draftFrom(input);
      const { compiled, source } = draft ? { compiled: compilePolicy(draft.policy), source: 'the unsaved policy in the editor' } : await savedPolicy();
      // The grant records, not the copy runs read: a preview shows what the grants say, and the Grants tab flags a copy that lags.
      const at = now();
      const inForce = input.applyGrants ? (await grants.list()).filter((entry) => isActive(entry, at)).map((entry) => entry.grant) : undefined;
      const grantsView = inForce ? { grantsApplied: { now: at.toISOString(), inForce: inForce.map(({ id, repository, expires }) => ({ id, repository, expires })) } } : {};
      try {
        const result = simulate({ yamlText: input.yaml, policy: compiled, target: input.target, trigger: input.trigger, repository: input.repository, ...(inForce ? { grants: inForce, now: at } : {}) });
        if (!compiled && result.outcome !== 'none') return { result, policySource: source, passthrough: { steps: passthroughSteps(result, input.yaml) }, ...grantsView };
        return { result, policySource: source, ...grantsView };
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
      const { cursor, ...input } = parsePayload(Payloads.decisions, payload);
      return listDecisions(input, cursor, LISTED_DECISIONS);
    }),

    exportDecisions: handler<CsvView>(async (_identity, payload) => {
      // One call answers a large page; the page calls again with the cursor until there is none,
      // so the file holds every matching record however many there are.
      const { cursor, ...input } = parsePayload(Payloads.decisions, payload);
      const page = await listDecisions(input, cursor, EXPORTED_DECISIONS_PER_CALL);
      const rows = decisionsCsv(page.records);
      return { filename: `pipeline-guard-decisions-${now().toISOString().slice(0, 10)}.csv`, csv: cursor === undefined ? decisionsCsvHeader() + rows : rows, rows: page.records.length, ...(page.cursor !== undefined ? { cursor: page.cursor } : {}) };
    }),

    decisionStats: handler<DecisionStatsView>(async (_identity, payload) => {
      parsePayload(Payloads.none, payload);
      return statsView(await readStats(deps.kv), now());
    }),

    bypasses: handler<BypassView>(async (_identity, payload) => {
      const { cursor } = parsePayload(Payloads.bypasses, payload);
      // Which environments guard production comes from the saved policy; without one, any environment counts.
      const current = await repo.current();
      const saved = current.state === 'ok' ? validatePolicy(current.record.policy) : undefined;
      return checkBypasses(entities, { cursor, legacy: deps.kv, ...(saved?.ok ? { protectedEnvironments: protectedEnvironmentNames(saved.policy.environments) } : {}) });
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
      const sameName = existing.find((t) => t.id !== input.id && t.name.toLowerCase() === input.name.toLowerCase());
      if (sameName) refuse({ code: 'invalid-request', message: `A policy test named “${sameName.name}” already exists. Give this one another name, or edit that one.`, problems: [{ path: 'name', segments: ['name'], message: 'already used by another policy test' }] });
      const test: PolicyTest = { ...input, id: input.id ?? newId(), savedAt: now().toISOString(), savedBy: identity.accountId };
      // A case that already fails would block every later save and rollback: check it against the enforced policy now.
      // Before the first save nothing is enforced; the first save runs the case against its policy.
      const enforced = await savedPolicy();
      const outcome = enforced.compiled ? runCase(test, enforced.compiled) : undefined;
      if (outcome && !outcome.passed)
        refuse({
          code: 'tests-failed',
          message: `Not saved: “${test.name}” expects ${test.expect}, but with ${enforced.source} the run is ${outcome.actual}${outcome.detail ? ` (${outcome.detail})` : ''}. A policy test must pass when it is saved; change the expected outcome, or change the policy first.`,
          failures: [outcome],
        });
      await tests.put(test);
      return { test };
    }),

    deletePolicyTest: handler<{ deleted: string }>(async (identity, payload) => {
      await requireAdmin(identity);
      const { id } = parsePayload(Payloads.deletePolicyTest, payload);
      await tests.remove(id);
      return { deleted: id };
    }),

    displayNames: handler<{ names: Record<string, string> }>(async (_identity, payload) => {
      const { accountIds } = parsePayload(DisplayNamesPayload, payload);
      return { names: people ? await people.names(accountIds) : {} };
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
