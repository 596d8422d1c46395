/**
 * Shared by the adversarial, property and bad-input suites: requests shaped like the documented
 * Bitbucket payloads (shared/reference/dynamic-pipelines.md §5), the reference policy, and the
 * invariants every allowed output must keep whatever the pipeline says.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { isPlainObject, jsonEqual } from '../../src/engine/clone';
import { LABEL_KEY, LABELS_LIMIT_BYTES, byteLength, type DecisionLabel } from '../../src/engine/labels';
import { runEngine } from '../../src/rules/chain';
import { type EngineResult, type RunOptions } from '../../src/engine/run';
import type { Selector } from '../../src/engine/request';
import type { CompiledPolicy, JsonObject } from '../../src/engine/types';
import { walkConfiguration } from '../../src/engine/walk';
import type { Environment } from '../../src/policy/schema';
import { identityValues, sameIdentity } from '../../src/policy/identity';
import { refOf } from '../../src/engine/ref';
import { environmentAllows } from '../../src/rules/branch-context';
import { oidcSetupLines } from '../../src/rules/oidc-role';
import { parseYaml } from '../../src/yaml/document';
import type { RepositoryIdentity } from '../../src/policy/repository';
import { scopeIncludes } from '../../src/policy/scope';

export const ROOT = path.resolve(__dirname, '../..');
export const SCHEMA_PATH = path.resolve(ROOT, '../shared/schemas/bitbucket-pipelines.schema.json');
import { PROD_ROLE } from '../support/requests';
export {
  DEV_LABELS,
  DEV_ROLE,
  PROD_LABELS,
  PROD_ROLE,
  REFERENCE_POLICY_PATH,
  referencePolicyInput,
} from '../support/requests';
/** The reference policy, optionally adjusted, compiled as the provider compiles a stored revision. */
export { compiled as referencePolicy } from '../support/requests';

export function readAdversarialYaml(file: string): JsonObject {
  const value = parseYaml(readFileSync(path.resolve(ROOT, 'fixtures/adversarial', file), 'utf8')).value;
  if (!isPlainObject(value)) throw new Error(`${file} is not a mapping`);
  return value;
}

// ---- requests, as Bitbucket sends them ----

const IDS = {
  workspace: '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}',
  repository: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
  creator: '{cda97709-b1a9-4544-9a8d-750f1b3a12c4}',
};
const COMMIT = { hash: 'e34ad324d1e4334777dca3e56c04eba36c2a68c6' };
export type Trigger = 'push' | 'manual' | 'schedule' | 'parent_step' | 'definitions';

export interface Target {
  readonly target: JsonObject;
  readonly trigger: Trigger;
}

export const T = {
  branch: (name: string, pattern = name, trigger: Trigger = 'push'): Target => ({
    trigger,
    target: {
      type: 'pipeline_ref_target',
      ref_type: 'branch',
      ref_name: name,
      commit: COMMIT,
      selector: { type: 'branches', pattern },
    },
  }),
  default: (name: string, trigger: Trigger = 'push'): Target => ({
    trigger,
    target: {
      type: 'pipeline_ref_target',
      ref_type: 'branch',
      ref_name: name,
      commit: COMMIT,
      selector: { type: 'default' },
    },
  }),
  tag: (name: string, pattern = name, refType = 'tag'): Target => ({
    trigger: 'push',
    target: {
      type: 'pipeline_ref_target',
      ref_type: refType,
      ref_name: name,
      commit: COMMIT,
      selector: { type: 'tags', pattern },
    },
  }),
  custom: (branch: string, name: string, trigger: Trigger = 'manual'): Target => ({
    trigger,
    target: {
      type: 'pipeline_ref_target',
      ref_type: 'branch',
      ref_name: branch,
      commit: COMMIT,
      selector: { type: 'custom', pattern: name },
    },
  }),
  pullRequest: (source: string, destination: string, pattern = '**'): Target => ({
    trigger: 'push',
    target: {
      type: 'pipeline_pullrequest_target',
      commit: COMMIT,
      source,
      destination,
      destination_commit: { hash: 'ca0b5a1d0a1d0a1d0a1d0a1d0a1d0a1d0a1d0a1d' },
      pullrequest: { id: 239 },
      selector: { type: 'pull-requests', pattern },
    },
  }),
  commit: (custom: string, trigger: Trigger = 'manual'): Target => ({
    trigger,
    target: { type: 'pipeline_commit_target', commit: COMMIT, selector: { type: 'custom', pattern: custom } },
  }),
  /** The Run-pipeline dialog: a commit target without a selector. */
  definitions: (): Target => ({ trigger: 'definitions', target: { type: 'pipeline_commit_target', commit: COMMIT } }),
};

/** A configuration whose only definition is the one `target`'s selector names. */
export function configFor(target: Target, items: unknown, extra: JsonObject = {}): JsonObject {
  const selector = target.target.selector as Selector | undefined;
  const pipelines =
    !selector || selector.type === 'default'
      ? { default: items }
      : { [selector.type]: { [selector.pattern as string]: items } };
  return { ...extra, pipelines };
}

export function request(target: Target, config: JsonObject, more: JsonObject = {}): JsonObject {
  const run = target.trigger !== 'definitions';
  return {
    ...IDS,
    trigger: target.trigger,
    ...(run
      ? {
          pipeline: '{0ac5e5c0-a233-4cb5-88b9-bcffc5fa4925}',
          build_number: 239,
          created_on: '2026-11-25T10:00:00.000Z',
        }
      : {}),
    ...(target.trigger === 'parent_step'
      ? {
          trigger_context: { parent_pipeline_uuid: '{1a}', parent_pipeline_run_uuid: '{1b}', parent_step_uuid: '{1c}' },
        }
      : {}),
    target: structuredClone(target.target),
    pipelines_configuration: config,
    context: { cloudId: '00000000-0000-0000-0000-000000000000', moduleKey: 'pipeline-guard-provider' },
    contextToken: 'forge-injected-token',
    ...more,
  };
}

export const step = (name: string | undefined, extra: JsonObject = {}): JsonObject => ({
  step: { ...(name === undefined ? {} : { name }), script: ['echo run'], ...extra },
});

export function run(req: unknown, policy: CompiledPolicy, options: RunOptions = {}): EngineResult {
  return runEngine(req, { kind: 'active', policy }, options);
}

// ---- invariants ----

export interface OutputStep {
  readonly path: string;
  readonly step: JsonObject;
}

export function outputSteps(config: JsonObject): OutputStep[] {
  return walkConfiguration(config, () => undefined).steps.map((site) => ({ path: site.path, step: site.step }));
}

const labelsOf = (value: unknown): string[] | undefined =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((l): l is string => typeof l === 'string')
      : undefined;

/** Which environment the decision record in `labels` puts each step path into. */
export function environmentsByPath(config: JsonObject): Map<string, string> | undefined {
  const record = isPlainObject(config.labels) ? (config.labels[LABEL_KEY] as DecisionLabel | undefined) : undefined;
  if (!record || record.truncated) return undefined;
  const map = new Map<string, string>();
  for (const [env, paths] of Object.entries(record.steps))
    if (Array.isArray(paths)) for (const p of paths) map.set(p, env);
  return map;
}

export interface InvariantOptions {
  /** Skip checks that a rule in `off` mode deliberately gives up (the admin switched the rule off). */
  readonly off?: ReadonlySet<string>;
  /** Steps Pipeline Guard put there itself (scan and gate steps), which run as the default environment. */
  readonly injected?: (step: JsonObject) => boolean;
  /** The run's repository: with a scoped policy, every step's environment must include it. */
  readonly repository?: RepositoryIdentity;
}

/**
 * The promises an allowed run's output keeps, checked without trusting the engine's own report:
 * each step carries exactly its environment's labels (plus permitted extras), that environment
 * allows the run's ref, every `oidc: true` step starts with that environment's setup, no other
 * environment's role appears in the step, and `labels` fits in 10 KB.
 * Returns the problems found (empty when the output is sound).
 */
export function invariantProblems(
  req: JsonObject,
  policy: CompiledPolicy,
  output: JsonObject,
  options: InvariantOptions = {},
): string[] {
  const problems: string[] = [];
  const off = options.off ?? new Set<string>();
  const environments = policy.policy.environments;
  const byName = new Map(environments.map((env) => [env.name, env] as const));
  const ref = refOf((req as { target: Parameters<typeof refOf>[0] }).target);

  if (isPlainObject(output.labels) && byteLength(output.labels) > LABELS_LIMIT_BYTES)
    problems.push(`labels are ${byteLength(output.labels)} bytes`);
  const steps = outputSteps(output);
  // With no step to run (an unmatched push), the configuration comes back as it was.
  if (
    steps.length > 0 &&
    !off.has('runner-labels') &&
    isPlainObject(output.options) &&
    output.options['runs-on'] !== undefined
  )
    problems.push('options.runs-on survived');

  const envOfPath = environmentsByPath(output);
  for (const { path: at, step: s } of steps) {
    if (s.type === 'pipeline' || options.injected?.(s)) continue;
    const envName = envOfPath?.get(at);
    if (envOfPath && envName === undefined) problems.push(`${at}: not in the decision record`);
    const env: Environment | undefined = envName ? byName.get(envName) : undefined;
    if (!env) continue;
    if (!off.has('repository-scope') && !scopeIncludes(env.scope, options.repository))
      problems.push(
        `${at}: environment ${env.name} does not serve ${options.repository?.fullName ?? 'an unknown repository'}`,
      );
    if (!off.has('branch-gate') && !environmentAllows(env, ref))
      problems.push(`${at}: environment ${env.name} does not allow ${ref.description}`);
    const runsOn = labelsOf(s['runs-on']);
    if (!off.has('runner-labels')) {
      if (env.runner) {
        const allowed = new Set([...env.runner.labels, ...env.runner.extraLabels]);
        if (!runsOn) problems.push(`${at}: no runs-on for ${env.name}`);
        else {
          for (const label of env.runner.labels)
            if (!runsOn.includes(label)) problems.push(`${at}: lacks ${env.name} label ${label}`);
          for (const label of runsOn)
            if (!allowed.has(label)) problems.push(`${at}: holds label ${JSON.stringify(label)} outside ${env.name}`);
        }
      } else if (runsOn) problems.push(`${at}: runs-on on a cloud environment ${env.name}`);
    }
    if (!off.has('oidc-role')) {
      // Pipeline Guard's own scan and gate steps (policy-authored, recognised by being unchanged) inherit options.oidc
      // without setup.
      const ownStep = policy.scanSteps.some((scan) => jsonEqual(s, scan)) || jsonEqual(s, policy.gateStep);
      const inherits =
        s.oidc === undefined &&
        !ownStep &&
        isPlainObject(output.options) &&
        (output.options.oidc === true || isPlainObject(output.options.oidc));
      if ((s.oidc === true || isPlainObject(s.oidc) || inherits) && env.oidc) {
        const setup = oidcSetupLines(env);
        const script = Array.isArray(s.script) ? s.script : [];
        if (!setup.every((line, i) => script[i] === line))
          problems.push(`${at}: oidc step does not start with the ${env.name} setup`);
      }
      const text = JSON.stringify(s);
      for (const other of environments)
        if (other !== env && other.oidc && !sameIdentity(other.oidc, env.oidc))
          for (const value of identityValues(other.oidc))
            if (text.includes(value))
              problems.push(`${at}: ${env.name} step mentions the ${other.name} identity ${value}`);
    }
  }
  return problems;
}

/** For runs that must not reach PROD at all: no PROD label and no PROD role anywhere in the output. */
export function prodLeaks(output: JsonObject): string[] {
  const problems: string[] = [];
  const text = JSON.stringify(output);
  if (text.includes(PROD_ROLE)) problems.push('the PROD role appears in the output');
  for (const { path: at, step: s } of outputSteps(output)) {
    const runsOn = labelsOf(s['runs-on']) ?? [];
    if (runsOn.some((l) => l.trim().toLowerCase() === 'prod')) problems.push(`${at}: runs on the prod label`);
  }
  const global = isPlainObject(output.options) ? labelsOf(output.options['runs-on']) : undefined;
  if (global?.some((l) => l.trim().toLowerCase() === 'prod')) problems.push('options.runs-on holds prod');
  return problems;
}

/**
 * For scoped policies: nothing of an environment that does not serve the repository appears in the
 * output (its role anywhere, or a label only it and other out-of-scope environments carry).
 */
export function scopeLeaks(
  output: JsonObject,
  policy: CompiledPolicy,
  repository: RepositoryIdentity | undefined,
): string[] {
  const problems: string[] = [];
  const text = JSON.stringify(output);
  const inScope = policy.policy.environments.filter((env) => scopeIncludes(env.scope, repository));
  const ownLabels = new Set(
    inScope.flatMap((env) => [...(env.runner?.labels ?? []), ...(env.runner?.extraLabels ?? [])]),
  );
  const ownIdentities = new Set(inScope.flatMap((env) => (env.oidc ? identityValues(env.oidc) : [])));
  for (const env of policy.policy.environments) {
    if (inScope.includes(env)) continue;
    for (const value of env.oidc ? identityValues(env.oidc) : [])
      if (!ownIdentities.has(value) && text.includes(value))
        problems.push(`the identity ${value} of out-of-scope ${env.name} appears in the output`);
    const foreign = [...(env.runner?.labels ?? []), ...(env.runner?.extraLabels ?? [])].filter(
      (label) => !ownLabels.has(label),
    );
    for (const { path: at, step: s } of outputSteps(output)) {
      const runsOn = (labelsOf(s['runs-on']) ?? []).map((l) => l.trim().toLowerCase());
      for (const label of foreign)
        if (runsOn.includes(label)) problems.push(`${at}: runs on ${label} of out-of-scope ${env.name}`);
    }
  }
  return problems;
}

/** What Bitbucket hands a run trigger: only the definition the selector names (§4.1, "filtered"). */
export function filteredFor(target: Target, config: JsonObject): JsonObject {
  const selector = target.target.selector as Selector | undefined;
  const pipelines = isPlainObject(config.pipelines) ? config.pipelines : {};
  const { pipelines: _all, ...rest } = config;
  if (!selector) return { ...rest, pipelines: {} };
  if (selector.type === 'default') return { ...rest, pipelines: { default: pipelines.default } };
  const section = isPlainObject(pipelines[selector.type]) ? (pipelines[selector.type] as JsonObject) : {};
  return {
    ...rest,
    pipelines: { [selector.type]: { [selector.pattern as string]: section[selector.pattern as string] } },
  };
}
