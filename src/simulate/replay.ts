/**
 * Replay: what a policy draft does to real runs. Every run sample goes through the provider's own
 * engine twice, under the enforced policy and under the draft, and the two decisions are compared:
 * runs newly blocked, runs newly allowed, steps whose environment, runners or identity change, and
 * new warnings, per repository and per rule, with each listed run's message under the draft.
 *
 * Pure: no storage, no clock. The settings page's background jobs (src/settings/replay-jobs.ts),
 * the CLI (`pipeline-guard replay`) and policy as code all call `replayDraft` or a `createReplayer`.
 * Runs replay without break-glass grants (grants end; a policy change stays) and without variable
 * values (samples keep none; both sides run the same request, so no comparison depends on them).
 */
import { compilePolicy } from '../engine/compiled-policy';
import type { EngineResult, PolicyState, RunOptions, StepDecision } from '../engine/run';
import type { RunSample, SampleRequest } from '../engine/sample';
import type { CompiledPolicy, Finding } from '../engine/types';
import { describeIdentity } from '../policy/identity';
import type { Policy } from '../policy/schema';
import { runEngine } from '../rules/chain';

/**
 * The request a replay runs: the sample's request with its configuration, and without the variable
 * list, since the sample holds no values to template with. Both sides of a replay run the same
 * request, so leaving them out changes no comparison.
 */
function replayRequestOf(request: SampleRequest, configuration: unknown): Record<string, unknown> {
  const { variables: _keys, variables_truncated: _truncated, ...rest } = request;
  return { ...rest, pipelines_configuration: configuration };
}

export type ReplayKind = 'newly-blocked' | 'newly-allowed' | 'changed-steps' | 'new-warnings';
const KIND_ORDER: readonly ReplayKind[] = ['newly-blocked', 'newly-allowed', 'changed-steps', 'new-warnings'];

export interface ReplayCounts {
  readonly runs: number;
  readonly newlyBlocked: number;
  readonly newlyAllowed: number;
  /** Runs with at least one step whose environment, runners or identity change. */
  readonly changedSteps: number;
  /** Runs with at least one warning the enforced policy does not give. */
  readonly newWarnings: number;
}

export interface RepositoryCounts extends ReplayCounts {
  readonly repository: string;
}

export interface RuleCounts {
  readonly rule: string;
  /** Runs the draft blocks, newly, with this rule among the blocking ones. */
  readonly newlyBlocked: number;
  /** Runs the enforced policy blocks with this rule and the draft lets through. */
  readonly newlyAllowed: number;
  /** Runs with a new warning from this rule. */
  readonly newWarnings: number;
}

export interface StepChange {
  readonly step: string;
  /** Where the step sits, e.g. `pipelines.branches.main[1]`. */
  readonly path: string;
  readonly field: 'environment' | 'runners' | 'identity';
  readonly before: string;
  readonly after: string;
}

export interface ReplayRun {
  readonly repository: string;
  readonly ref: string;
  readonly selector: string;
  readonly trigger: string;
  readonly kinds: ReplayKind[];
  /**
   * Rules behind the change: the draft's blocking rules, the enforced policy's for a newly allowed run, new warnings'.
   */
  readonly rules: string[];
  /** The message a developer would get under the draft (a blocked run), clipped. */
  readonly message?: string;
  readonly stepChanges?: StepChange[];
  readonly warnings?: { readonly rule: string; readonly step?: string; readonly message: string }[];
}

export interface ReplaySummary {
  readonly v: 1;
  /** Samples replayed. */
  readonly totals: ReplayCounts;
  /** Step changes over all runs (a run may change several steps). */
  readonly stepChanges: number;
  /** Runs the engine refused under both policies (an invalid request): not comparable. */
  readonly unusable: number;
  /** Runs per repository, most newly blocked first; a summary cut to fit storage keeps only changed ones. */
  readonly byRepository: RepositoryCounts[];
  /** Changed repositories beyond the listed ones (a summary cut to fit one storage value). */
  readonly repositoriesLeftOut?: number;
  readonly byRule: RuleCounts[];
  /** The runs that changed, newly blocked first, at most `limits.listedRuns`. */
  readonly runs: ReplayRun[];
  /** Changed runs beyond the listed ones. */
  readonly runsLeftOut: number;
}

export interface ReplayLimits {
  /** Changed runs listed in full (default 100, so that a summary fits one storage value). */
  readonly listedRuns?: number;
  /** Bytes of each draft message kept (default 1,024). */
  readonly messageBytes?: number;
  /** Step changes and warnings listed per run (default 10). */
  readonly perRun?: number;
}

export interface ReplayInput {
  readonly samples: readonly RunSample[];
  /** The enforced policy; undefined when none is saved (runs pass through). */
  readonly current: Policy | undefined;
  readonly draft: Policy;
  readonly currentRevision?: number;
  readonly limits?: ReplayLimits;
}

const DEFAULT_LIMITS: Required<ReplayLimits> = { listedRuns: 100, messageBytes: 1_024, perRun: 10 };

const ZERO: ReplayCounts = { runs: 0, newlyBlocked: 0, newlyAllowed: 0, changedSteps: 0, newWarnings: 0 };

export const EMPTY_SUMMARY: ReplaySummary = {
  v: 1,
  totals: ZERO,
  stepChanges: 0,
  unusable: 0,
  byRepository: [],
  byRule: [],
  runs: [],
  runsLeftOut: 0,
};

function clipBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let cut = Buffer.from(text, 'utf8')
    .subarray(0, maxBytes - 3)
    .toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return `${cut}…`;
}

const blocked = (result: EngineResult) => result.report.outcome === 'blocked';
const findingKey = (f: Finding) => `${f.mode}\u0000${f.rule}\u0000${f.path}\u0000${f.message}`;
const enforcedRules = (result: EngineResult) =>
  [...new Set(result.report.findings.filter((f) => f.mode === 'enforce').map((f) => f.rule))].sort();

function identities(policy: CompiledPolicy | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const env of policy?.policy.environments ?? [])
    map.set(env.name, env.oidc ? describeIdentity(env.oidc) : 'none');
  return map;
}

interface Side {
  readonly state: PolicyState;
  readonly identities: Map<string, string>;
}

function sideOf(policy: Policy | undefined, revision?: number): Side {
  const compiled = policy ? compilePolicy(policy, revision) : undefined;
  return {
    state: compiled ? { kind: 'active', policy: compiled } : { kind: 'none' },
    identities: identities(compiled),
  };
}

function stepIdentity(step: StepDecision, side: Side): string {
  if (!step.oidc) return 'none';
  return (step.environment && side.identities.get(step.environment)) ?? 'none';
}

function stepChanges(before: EngineResult, after: EngineResult, sides: { base: Side; draft: Side }): StepChange[] {
  // A blocked run places no step that runs: comparing its steps would list changes nobody gets.
  if (blocked(before) || blocked(after)) return [];
  const earlier = new Map(before.report.steps.map((step) => [step.path, step]));
  const changes: StepChange[] = [];
  for (const step of after.report.steps) {
    const old = earlier.get(step.path);
    if (!old) continue;
    const name = step.name ?? old.name ?? step.path;
    const compare = (field: StepChange['field'], was: string, now: string) => {
      if (was !== now) changes.push({ step: name, path: step.path, field, before: was, after: now });
    };
    compare('environment', old.environment ?? 'none', step.environment ?? 'none');
    compare('runners', (old.runsOn ?? []).join(', ') || 'none', (step.runsOn ?? []).join(', ') || 'none');
    compare('identity', stepIdentity(old, sides.base), stepIdentity(step, sides.draft));
  }
  return changes;
}

function repositoryOf(sample: RunSample): string {
  const request = sample.request as SampleRequest;
  return sample.repository?.fullName ?? sample.repository?.slug ?? String(request.repository ?? 'unknown repository');
}

function runOptions(sample: RunSample): RunOptions {
  const uuid = String((sample.request as SampleRequest).repository ?? '');
  const repository = sample.repository;
  if (!repository) return {};
  return {
    repository: {
      uuid,
      slug: repository.slug,
      fullName: repository.fullName ?? repository.slug,
      ...(repository.project ? { projectKey: repository.project } : {}),
    },
  };
}

function refText(result: EngineResult, sample: RunSample): string {
  const ref = result.report.ref;
  if (ref) return ref.description;
  return String((sample as { ref?: unknown }).ref ?? 'unknown ref');
}

function selectorOf(result: EngineResult, sample: RunSample): string {
  const selector = result.report.selector;
  if (selector) return selector.pattern !== undefined ? `${selector.type}:${selector.pattern}` : selector.type;
  return String((sample as { selector?: unknown }).selector ?? 'default');
}

interface Tally {
  totals: { -readonly [K in keyof ReplayCounts]: number };
  stepChanges: number;
  unusable: number;
  repositories: Map<string, { -readonly [K in keyof ReplayCounts]: number }>;
  rules: Map<string, { newlyBlocked: number; newlyAllowed: number; newWarnings: number }>;
  runs: ReplayRun[];
  runsLeftOut: number;
  repositoriesLeftOut: number;
}

const newTally = (): Tally => ({
  totals: { ...ZERO },
  stepChanges: 0,
  unusable: 0,
  repositories: new Map(),
  rules: new Map(),
  runs: [],
  runsLeftOut: 0,
  repositoriesLeftOut: 0,
});

function countRun(tally: Tally, repository: string, kinds: readonly ReplayKind[]) {
  let repo = tally.repositories.get(repository);
  if (!repo) tally.repositories.set(repository, (repo = { ...ZERO }));
  for (const counts of [tally.totals, repo]) {
    counts.runs += 1;
    if (kinds.includes('newly-blocked')) counts.newlyBlocked += 1;
    if (kinds.includes('newly-allowed')) counts.newlyAllowed += 1;
    if (kinds.includes('changed-steps')) counts.changedSteps += 1;
    if (kinds.includes('new-warnings')) counts.newWarnings += 1;
  }
}

function countRule(tally: Tally, rule: string, field: 'newlyBlocked' | 'newlyAllowed' | 'newWarnings') {
  let entry = tally.rules.get(rule);
  if (!entry) tally.rules.set(rule, (entry = { newlyBlocked: 0, newlyAllowed: 0, newWarnings: 0 }));
  entry[field] += 1;
}

/** Compares one sample's two decisions into the tally. */
function compareRun(
  tally: Tally,
  sample: RunSample,
  base: EngineResult,
  draft: EngineResult,
  sides: { base: Side; draft: Side },
  limits: Required<ReplayLimits>,
) {
  const repository = repositoryOf(sample);
  if (!base.request && !draft.request) {
    tally.unusable += 1;
    return;
  }
  const kinds: ReplayKind[] = [];
  if (!blocked(base) && blocked(draft)) kinds.push('newly-blocked');
  if (blocked(base) && !blocked(draft)) kinds.push('newly-allowed');
  const changes = stepChanges(base, draft, sides);
  if (changes.length) kinds.push('changed-steps');
  const known = new Set(base.report.findings.map(findingKey));
  const warnings = draft.report.findings.filter((f) => f.mode === 'warn' && !known.has(findingKey(f)));
  if (warnings.length) kinds.push('new-warnings');
  countRun(tally, repository, kinds);
  tally.stepChanges += changes.length;
  if (!kinds.length) return;
  const rules = new Set<string>();
  if (kinds.includes('newly-blocked'))
    for (const rule of enforcedRules(draft)) (rules.add(rule), countRule(tally, rule, 'newlyBlocked'));
  if (kinds.includes('newly-allowed'))
    for (const rule of enforcedRules(base)) (rules.add(rule), countRule(tally, rule, 'newlyAllowed'));
  for (const rule of new Set(warnings.map((w) => w.rule))) (rules.add(rule), countRule(tally, rule, 'newWarnings'));
  const message = 'error' in draft.response ? clipBytes(draft.response.error.message, limits.messageBytes) : undefined;
  tally.runs.push({
    repository,
    ref: refText(draft, sample),
    selector: selectorOf(draft, sample),
    trigger: String((sample.request as SampleRequest).trigger ?? ''),
    kinds,
    rules: [...rules].sort(),
    ...(message !== undefined ? { message } : {}),
    ...(changes.length ? { stepChanges: changes.slice(0, limits.perRun) } : {}),
    ...(warnings.length
      ? {
          warnings: warnings
            .slice(0, limits.perRun)
            .map((w) => ({ rule: w.rule, ...(w.step ? { step: w.step } : {}), message: clipBytes(w.message, 300) })),
        }
      : {}),
  });
}

const runOrder = (a: ReplayRun, b: ReplayRun) =>
  KIND_ORDER.indexOf(a.kinds[0]) - KIND_ORDER.indexOf(b.kinds[0]) ||
  a.repository.localeCompare(b.repository) ||
  a.ref.localeCompare(b.ref) ||
  a.selector.localeCompare(b.selector);

function listed(runs: ReplayRun[], leftOut: number, cap: number): { runs: ReplayRun[]; runsLeftOut: number } {
  const sorted = [...runs].sort(runOrder);
  return { runs: sorted.slice(0, cap), runsLeftOut: leftOut + Math.max(0, sorted.length - cap) };
}

function summaryOf(tally: Tally, limits: Required<ReplayLimits>): ReplaySummary {
  const byRepository = [...tally.repositories].map(([repository, counts]) => ({ repository, ...counts }));
  byRepository.sort(
    (a, b) =>
      b.newlyBlocked - a.newlyBlocked ||
      b.newlyAllowed - a.newlyAllowed ||
      b.changedSteps - a.changedSteps ||
      a.repository.localeCompare(b.repository),
  );
  const byRule = [...tally.rules].map(([rule, counts]) => ({ rule, ...counts }));
  byRule.sort(
    (a, b) =>
      b.newlyBlocked - a.newlyBlocked ||
      b.newlyAllowed - a.newlyAllowed ||
      b.newWarnings - a.newWarnings ||
      a.rule.localeCompare(b.rule),
  );
  const leftOut = tally.repositoriesLeftOut ? { repositoriesLeftOut: tally.repositoriesLeftOut } : {};
  return {
    v: 1,
    totals: { ...tally.totals },
    stepChanges: tally.stepChanges,
    unusable: tally.unusable,
    byRepository,
    ...leftOut,
    byRule,
    ...listed(tally.runs, tally.runsLeftOut, limits.listedRuns),
  };
}

export interface Replayer {
  /** Replays these samples; call it batch by batch and merge the summaries. */
  replay(samples: readonly RunSample[]): ReplaySummary;
}

/** Compiles both policies once, for replaying many batches. */
export function createReplayer(input: Omit<ReplayInput, 'samples'>): Replayer {
  const limits = { ...DEFAULT_LIMITS, ...input.limits };
  const sides = { base: sideOf(input.current, input.currentRevision), draft: sideOf(input.draft) };
  return {
    replay(samples) {
      const tally = newTally();
      for (const sample of samples) {
        const request = replayRequestOf(sample.request as SampleRequest, sample.request.pipelines_configuration);
        const options = runOptions(sample);
        compareRun(
          tally,
          sample,
          runEngine(request, sides.base.state, options),
          runEngine(request, sides.draft.state, options),
          sides,
          limits,
        );
      }
      return summaryOf(tally, limits);
    },
  };
}

/** Replays the samples under the enforced policy and the draft, and compares. */
export function replayDraft(input: ReplayInput): ReplaySummary {
  return createReplayer(input).replay(input.samples);
}

/**
 * The summary cut to at most `maxBytes` of JSON by listing fewer runs (the rest are counted in
 * `runsLeftOut`), so that it fits a storage value whatever the runs' messages hold.
 */
export function fitSummary(summary: ReplaySummary, maxBytes: number): ReplaySummary {
  let fitted = summary;
  const size = () => Buffer.byteLength(JSON.stringify(fitted), 'utf8');
  while (fitted.runs.length > 0 && size() > maxBytes) {
    const keep = Math.floor(fitted.runs.length * 0.8);
    fitted = {
      ...fitted,
      runs: fitted.runs.slice(0, keep),
      runsLeftOut: fitted.runsLeftOut + fitted.runs.length - keep,
    };
  }
  // Then repositories without a change, then those with the fewest: their runs stay counted in the totals.
  if (size() > maxBytes)
    fitted = {
      ...fitted,
      byRepository: fitted.byRepository.filter(
        (r) => r.newlyBlocked || r.newlyAllowed || r.changedSteps || r.newWarnings,
      ),
    };
  while (fitted.byRepository.length > 0 && size() > maxBytes) {
    const keep = Math.floor(fitted.byRepository.length * 0.8);
    fitted = {
      ...fitted,
      byRepository: fitted.byRepository.slice(0, keep),
      repositoriesLeftOut: (fitted.repositoriesLeftOut ?? 0) + fitted.byRepository.length - keep,
    };
  }
  return fitted;
}

function addCounts<T extends ReplayCounts>(a: T, b: ReplayCounts): T {
  return {
    ...a,
    runs: a.runs + b.runs,
    newlyBlocked: a.newlyBlocked + b.newlyBlocked,
    newlyAllowed: a.newlyAllowed + b.newlyAllowed,
    changedSteps: a.changedSteps + b.changedSteps,
    newWarnings: a.newWarnings + b.newWarnings,
  };
}

/** One summary of two batches' summaries, as if their samples had been replayed together. */
export function mergeReplaySummaries(a: ReplaySummary, b: ReplaySummary, limits: ReplayLimits = {}): ReplaySummary {
  const cap = limits.listedRuns ?? DEFAULT_LIMITS.listedRuns;
  const tally = newTally();
  for (const side of [a, b]) {
    for (const repo of side.byRepository) {
      const { repository, ...counts } = repo;
      tally.repositories.set(repository, addCounts(tally.repositories.get(repository) ?? { ...ZERO }, counts));
    }
    for (const { rule, ...counts } of side.byRule) {
      const entry = tally.rules.get(rule) ?? { newlyBlocked: 0, newlyAllowed: 0, newWarnings: 0 };
      tally.rules.set(rule, {
        newlyBlocked: entry.newlyBlocked + counts.newlyBlocked,
        newlyAllowed: entry.newlyAllowed + counts.newlyAllowed,
        newWarnings: entry.newWarnings + counts.newWarnings,
      });
    }
    tally.runs.push(...side.runs);
    tally.runsLeftOut += side.runsLeftOut;
    tally.repositoriesLeftOut += side.repositoriesLeftOut ?? 0;
    tally.stepChanges += side.stepChanges;
    tally.unusable += side.unusable;
  }
  tally.totals = addCounts(a.totals, b.totals);
  return summaryOf(tally, { ...DEFAULT_LIMITS, ...limits, listedRuns: cap });
}
