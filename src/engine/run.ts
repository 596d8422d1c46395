/**
 * The engine: a provider request and the workspace policy in, the provider response and a report
 * of every decision out. Pure and synchronous, with no Forge import, so that the Forge function,
 * the CLI, the settings page preview and the tests all run exactly this code. It never throws:
 * any fault becomes an error response, so a fault blocks the run instead of letting it through.
 */
import type { Grant } from '../policy/grant-guard';
import type { RepositoryIdentity } from '../policy/repository';
import { FIXED_RULE_IDS } from '../policy/rule-ids';
import { defaultEnvironmentFor, environmentsInScope } from '../policy/scope';
import { cloneJson, isPlainObject, jsonEqual, UnsafeInputError, type TextProbe } from './clone';
import { buildDecisionLabel, fitLabels, LABEL_KEY, markRepositoryStale } from './labels';
import { blockMessage } from './message';
import { refOf } from './ref';
import { formatPath, type Path } from '../primitives/path';
import type { ProviderRequest, ProviderResponse, Selector } from './request';
import { checkProviderRequest } from './request-check';
import { isRunTrigger, type Trigger } from './trigger';
import type {
  ChainContext,
  CompiledPolicy,
  DefinitionSite,
  Finding,
  FindingInput,
  JsonObject,
  RunRef,
  StepSite,
  Transform,
} from './types';
import { createTemplating, TEMPLATE_MARK } from './templating';
import { requestVariables } from './variables';
import { walkConfiguration } from './walk';
import { createWaivers } from './waivers';

/** Bitbucket's limit on steps in one pipeline, which also binds the configuration a provider returns. */
export const MAX_STEPS_PER_PIPELINE = 100;

/** What the provider knows about the run beyond the request itself. */
export interface RunOptions {
  /** The run's repository, when the provider resolved it (scoped policies); absent otherwise. */
  readonly repository?: RepositoryIdentity;
  /**
   * Epoch ms of Bitbucket's last good answer, when `repository` is that answer kept through an
   * outage (stale): recorded in the labels record and the decision log.
   */
  readonly repositoryStaleAsOf?: number;
  /** Break-glass grants stored with the policy; each applies only while `now` is before its expiry. */
  readonly grants?: readonly Grant[];
  /** The clock at run time, against which grants expire (default: the current time). */
  readonly now?: Date;
}

export type PolicyState = { kind: 'none' } | { kind: 'active'; policy: CompiledPolicy };

export interface StepDecision {
  readonly path: string;
  readonly segments: Path;
  readonly name?: string;
  readonly environment?: string;
  readonly environmentReason?: string;
  readonly runsOn?: string[];
  readonly oidc: boolean;
  readonly changes: string[];
}

export type Outcome = 'allowed' | 'blocked' | 'none' | 'passthrough';

export interface RunReport {
  readonly outcome: Outcome;
  readonly trigger?: Trigger;
  readonly ref?: RunRef;
  readonly selector?: Selector;
  readonly policy?: { readonly digest: string; readonly revision?: number };
  readonly steps: StepDecision[];
  /** The run's repository, when the provider resolved it (scoped policies only). */
  readonly repository?: RepositoryIdentity;
  /** Set when `repository` was Bitbucket's answer of this time (epoch ms), kept through an outage. */
  readonly repositoryStaleAsOf?: number;
  /** Every finding, blocking (`enforce`) and not (`warn`). */
  readonly findings: Finding[];
  readonly configChanges: string[];
  /** Ids of the break-glass grants that waived a rule on this run; absent when none did. */
  readonly grants?: string[];
}

export interface EngineResult {
  readonly response: ProviderResponse;
  readonly report: RunReport;
  /** The request as validated, when it was valid: callers read it instead of validating it again. */
  readonly request?: ProviderRequest;
}

const fixedRules = new Set<string>(FIXED_RULE_IDS);

function errorResponse(rule: string, message: string): ProviderResponse {
  return { error: { key: `pipeline-guard.${rule}`, message } };
}

function faultFinding(rule: Finding['rule'], message: string, fix: string): Finding {
  return { rule, mode: 'enforce', severity: 'high', path: '', segments: [], message, fix };
}

function policyLabel(policy: CompiledPolicy): string {
  return policy.revision !== undefined ? `policy revision ${policy.revision}` : `policy ${policy.digest.slice(0, 8)}`;
}

/** The configuration handed back for the Run-pipeline dialog: never an error, never rewritten. */
export function definitionsResponse(raw: unknown): ProviderResponse {
  const config = isPlainObject(raw) && isPlainObject(raw.pipelines_configuration) ? raw.pipelines_configuration : {};
  return { pipelines_configuration: config };
}

export function looksLikeDefinitions(raw: unknown): boolean {
  return isPlainObject(raw) && raw.trigger === 'definitions';
}

export function describeRequestProblems(problems: ReadonlyArray<{ path: string; message: string }>): string {
  return problems
    .slice(0, 5)
    .map(({ path, message }) => `${path}: ${message}`)
    .join('; ');
}

function selectedDefinition(config: JsonObject, selector: Selector): { found: boolean; segments: Path } {
  const pipelines = isPlainObject(config.pipelines) ? config.pipelines : undefined;
  if (selector.type === 'default')
    return {
      found: pipelines?.default !== undefined && pipelines.default !== null,
      segments: ['pipelines', 'default'],
    };
  const segments = ['pipelines', selector.type, selector.pattern ?? ''];
  const section = pipelines?.[selector.type];
  const found =
    selector.pattern !== undefined &&
    isPlainObject(section) &&
    Object.prototype.hasOwnProperty.call(section, selector.pattern) &&
    section[selector.pattern] != null;
  return { found, segments };
}

function decisionOf(site: StepSite): StepDecision {
  const runsOn = site.step['runs-on'];
  return {
    path: site.path,
    segments: site.segments,
    name: site.name,
    environment: site.environment?.name,
    environmentReason: site.environmentReason,
    runsOn: Array.isArray(runsOn)
      ? runsOn.filter((l): l is string => typeof l === 'string')
      : typeof runsOn === 'string'
        ? [runsOn]
        : undefined,
    oidc: site.step.oidc === true || isPlainObject(site.step.oidc),
    changes: site.changes,
  };
}

/**
 * What can only be judged on the rewritten configuration: Bitbucket's step limit (the scan counts),
 * and the decision record in `labels`. One walk of the output serves both, in output positions, so
 * that a second pass over the output writes the same record.
 */
function checkOutput(context: ChainContext, inputSteps: readonly StepSite[], grants: readonly string[]): void {
  const { config, policy, findings } = context;
  const output = walkConfiguration(config, () => undefined, { shapes: false });
  const stepsPerDefinition = new Map<DefinitionSite, number>();
  const stepsByEnvironment = new Map<string, string[]>();
  // Which input step each output step is. Transforms keep the steps they were given in order and
  // only add steps (setup, scans), so one pass pairs them without hashing every step object; should
  // a step ever be missing or moved, the pairing is redone by identity.
  const inputOf: Array<StepSite | undefined> = [];
  let next = 0;
  for (const site of output.steps)
    inputOf.push(next < inputSteps.length && inputSteps[next].step === site.step ? inputSteps[next++] : undefined);
  if (next < inputSteps.length) {
    const byStep = new Map(inputSteps.map((input) => [input.step, input] as const));
    output.steps.forEach((site, index) => (inputOf[index] = byStep.get(site.step)));
  }
  for (let index = 0; index < output.steps.length; index++) {
    const site = output.steps[index];
    stepsPerDefinition.set(site.definition, (stepsPerDefinition.get(site.definition) ?? 0) + 1);
    const env = inputOf[index]?.environment?.name ?? policy.defaultEnvironment.name;
    const paths = stepsByEnvironment.get(env);
    if (paths) paths.push(site.path);
    else stepsByEnvironment.set(env, [site.path]);
  }
  for (const [definition, count] of stepsPerDefinition) {
    if (count > MAX_STEPS_PER_PIPELINE)
      context.report({
        rule: 'invalid-pipeline',
        segments: definition.segments,
        message:
          `the pipeline has ${count} steps` +
          (count - MAX_STEPS_PER_PIPELINE <= policy.scanSteps.length
            ? ' including the security scan that Pipeline Guard adds'
            : '') +
          `; Bitbucket allows at most ${MAX_STEPS_PER_PIPELINE}.`,
        fix: 'Split the pipeline, e.g. move steps into a custom pipeline started by a child-pipeline step.',
      });
  }

  const previousLabels = isPlainObject(config.labels) ? config.labels : {};
  const { [LABEL_KEY]: previousRecord, ...otherLabels } = previousLabels;
  const warned = findings.filter((f) => f.mode === 'warn');
  // Warnings are recorded at their output positions; most runs have none, and then no map is built.
  const outputPathOfInput = new Map<string, string>();
  if (warned.length > 0)
    output.steps.forEach((site, index) => inputOf[index] && outputPathOfInput.set(inputOf[index]!.path, site.path));
  const warnings = warned.map((f) => ({ ...f, path: outputPathOfInput.get(f.path) ?? f.path }));
  const labels = fitLabels(
    otherLabels,
    buildDecisionLabel(
      previousRecord,
      policy.digest,
      context.ref,
      stepsByEnvironment,
      warnings,
      context.repository?.fullName,
      grants,
    ),
  );
  if (labels) config.labels = labels;
  else
    context.report({
      rule: 'invalid-pipeline',
      segments: ['labels'],
      message:
        "the pipeline's `labels` are so large that Pipeline Guard's decision record no longer fits " +
        "Bitbucket's 10 KB limit for labels.",
      fix: 'Shorten or remove entries under `labels:` in bitbucket-pipelines.yml.',
    });
}

/**
 * Runs the given chain (src/rules/chain.ts states the real one; callers use its `runEngine`). The
 * engine takes the chain as an argument so that it depends on no rule.
 */
export function runEngineWith(
  chain: readonly Transform[],
  rawRequest: unknown,
  state: PolicyState,
  options: RunOptions = {},
): EngineResult {
  try {
    return runChecked(chain, rawRequest, state, options);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const finding = faultFinding(
      'internal-error',
      `Pipeline Guard hit an internal fault while checking this pipeline (${detail}), ` +
        'so it blocked the run rather than let unchecked steps through.',
      'Re-run the pipeline. If it fails again, send this message to your workspace admin.',
    );
    const response = looksLikeDefinitions(rawRequest)
      ? definitionsResponse(rawRequest)
      : errorResponse('internal-error', blockMessage([finding]));
    return { response, report: { outcome: 'blocked', steps: [], findings: [finding], configChanges: [] } };
  }
}

function runChecked(
  chain: readonly Transform[],
  rawRequest: unknown,
  state: PolicyState,
  options: RunOptions,
): EngineResult {
  const parsed = checkProviderRequest(rawRequest);
  if (!parsed.success) {
    const finding = faultFinding(
      'invalid-request',
      `The request from Bitbucket is not a valid Dynamic Pipelines request: ` +
        `${describeRequestProblems(parsed.problems)}.`,
      'This is not caused by your pipeline file. Re-run the pipeline; ' +
        'if it persists, report it to your workspace admin.',
    );
    if (looksLikeDefinitions(rawRequest))
      return {
        response: definitionsResponse(rawRequest),
        report: { outcome: 'passthrough', steps: [], findings: [finding], configChanges: [] },
      };
    return {
      response: errorResponse('invalid-request', blockMessage([finding])),
      report: { outcome: 'blocked', steps: [], findings: [finding], configChanges: [] },
    };
  }
  const problems = parsed.variableProblems;
  const variablesFinding =
    problems &&
    faultFinding(
      'invalid-request',
      `The request's \`variables\` have an unexpected shape (${describeRequestProblems(problems)}), ` +
        "so Pipeline Guard set them aside: it treats every variable's value as unknown, " +
        "so a template (`${{NAME}}`) that decides a step's environment, runners or identity blocks the run.",
      'This is not caused by your pipeline file. If it persists, report it to your workspace admin.',
    );
  return {
    ...runValidated(
      chain,
      parsed.data,
      state,
      options,
      variablesFinding && {
        ...variablesFinding,
        mode: 'warn',
        severity: 'low',
        path: 'variables',
        segments: ['variables'],
      },
    ),
    request: parsed.data,
  };
}

function runValidated(
  chain: readonly Transform[],
  request: ProviderRequest,
  state: PolicyState,
  options: RunOptions,
  variablesFinding?: Finding,
): EngineResult {
  const selector = request.target.selector;
  if (state.kind === 'none') return passthroughWithoutPolicy(request);
  const policy = state.policy;

  const cloned = cloneConfiguration(request, policy);
  if ('result' in cloned) return cloned.result;
  const config = cloned.config;

  const variables = requestVariables(request, {
    repository: options.repository,
    malformed: variablesFinding !== undefined,
  });
  // Templating only ever changes a string that holds a template, so without one it is left out.
  const templating = cloned.templated ? templatingFor(policy, variables) : undefined;
  templating?.prepareGlobals(config);
  const walked = walkConfiguration(config, (step) => addedStepKind(policy, step), { prepare: templating?.prepare });

  const findings: Finding[] = variablesFinding ? [variablesFinding] : [];
  const waivers = createWaivers({
    grants: options.grants ?? [],
    now: options.now ?? new Date(),
    repository: options.repository,
    repositoryUuid: request.repository,
    creator: request.creator,
  });
  const context = createChainContext({ request, variables, options, policy, config, walked, findings, waivers });
  for (const problem of walked.problems) context.report(problem);
  for (const problem of templating?.problems ?? []) context.report(problem);
  for (const transform of chain) transform.apply(context);

  if (selector && isRunTrigger(request.trigger)) checkSelectedDefinition(context, config, selector);
  checkOutput(context, walked.steps, waivers.used);
  // Bitbucket fills in the templates itself: the configuration goes back with them as they came.
  templating?.restore();

  const blocking = findings.filter((f) => f.mode === 'enforce');
  const nothingToRun = walked.definitions.length === 0 && !selector;
  const outcome: Outcome = blocking.length > 0 ? 'blocked' : nothingToRun ? 'none' : 'allowed';
  const report: RunReport = {
    outcome,
    trigger: request.trigger,
    ref: context.ref,
    selector,
    policy: { digest: policy.digest, revision: policy.revision },
    steps: walked.steps.map(decisionOf),
    ...(options.repository ? { repository: options.repository } : {}),
    ...(options.repository && options.repositoryStaleAsOf !== undefined
      ? { repositoryStaleAsOf: options.repositoryStaleAsOf }
      : {}),
    findings,
    configChanges: context.configChanges,
    ...(waivers.used.length ? { grants: [...waivers.used] } : {}),
  };
  return respond(request, config, report, { blocking, nothingToRun, policy, options });
}

/** Without a saved policy the run goes through unchanged, with a warning that says so. */
function passthroughWithoutPolicy(request: ProviderRequest): EngineResult {
  const finding: Finding = {
    ...faultFinding(
      'policy-unavailable',
      'No Pipeline Guard policy has been saved for this workspace yet, so the pipeline ran unchanged.',
      'A workspace admin saves a policy on the Pipeline Guard settings page.',
    ),
    mode: 'warn',
    severity: 'low',
  };
  return {
    response: { pipelines_configuration: request.pipelines_configuration },
    report: {
      outcome: 'passthrough',
      trigger: request.trigger,
      ref: refOf(request.target),
      selector: request.target.selector,
      steps: [],
      findings: [finding],
      configChanges: [],
    },
  };
}

/** A private copy of the configuration for the transforms to rewrite, or the result when it cannot be copied. */
function cloneConfiguration(
  request: ProviderRequest,
  policy: CompiledPolicy,
): { config: JsonObject; templated: boolean } | { result: EngineResult } {
  try {
    const probe: TextProbe = { text: TEMPLATE_MARK, found: false };
    const config = cloneJson(request.pipelines_configuration, 0, probe);
    return { config, templated: probe.found };
  } catch (error) {
    if (!(error instanceof UnsafeInputError)) throw error;
    const finding = faultFinding(
      'invalid-pipeline',
      `The pipeline configuration ${error.message}, so Pipeline Guard cannot check it.`,
      'Simplify the pipeline file; Bitbucket pipeline files are plain YAML mappings and lists.',
    );
    if (request.trigger === 'definitions')
      return {
        result: {
          response: definitionsResponse(request),
          report: {
            outcome: 'passthrough',
            trigger: request.trigger,
            steps: [],
            findings: [finding],
            configChanges: [],
          },
        },
      };
    return {
      result: {
        response: errorResponse(
          'invalid-pipeline',
          blockMessage([finding], refOf(request.target), policyLabel(policy)),
        ),
        report: { outcome: 'blocked', trigger: request.trigger, steps: [], findings: [finding], configChanges: [] },
      },
    };
  }
}

function templatingFor(policy: CompiledPolicy, variables: ReturnType<typeof requestVariables>) {
  const environments = policy.policy.environments;
  return createTemplating(variables, {
    namesDecide: environments.some((env) => env.match?.stepNamePrefix),
    deploymentsDecide: environments.some((env) => env.match?.deployments?.length),
  });
}

/** Marks the steps Pipeline Guard itself adds, so that a second pass recognises them. */
function addedStepKind(policy: CompiledPolicy, step: JsonObject): 'scan' | 'gate' | undefined {
  if (policy.scanSteps.some((scan) => jsonEqual(step, scan))) return 'scan';
  if (jsonEqual(step, policy.gateStep)) return 'gate';
  return undefined;
}

interface ContextParts {
  readonly request: ProviderRequest;
  readonly variables: ChainContext['variables'];
  readonly options: RunOptions;
  readonly policy: CompiledPolicy;
  readonly config: JsonObject;
  readonly walked: ReturnType<typeof walkConfiguration>;
  readonly findings: Finding[];
  readonly waivers: ReturnType<typeof createWaivers>;
}

function createChainContext({
  request,
  variables,
  options,
  policy,
  config,
  walked,
  findings,
  waivers,
}: ContextParts): ChainContext {
  const report = findingReporter(policy, findings);
  // Without a scope every environment applies, so an unscoped policy skips the scope checks entirely.
  const context: ChainContext = {
    request,
    variables,
    repository: options.repository,
    policy,
    environments: policy.scoped ? environmentsInScope(policy.policy, options.repository) : policy.policy.environments,
    defaultEnvironment: policy.scoped
      ? defaultEnvironmentFor(policy.policy, options.repository)
      : policy.defaultEnvironment,
    config,
    definitions: walked.definitions,
    steps: walked.steps,
    findings,
    configChanges: [],
    ref: { kind: 'none', targetType: 'commit', description: 'an unknown ref' },
    report,
    waiverFor(rule, environment, site) {
      const grant = waivers.waiverFor(rule, environment.name, context.ref);
      if (grant)
        site.changes.push(
          `runs in "${environment.name}" under break-glass grant ${grant.id}, ` +
            `which waives ${rule} until ${grant.expires}`,
        );
      return grant;
    },
    grantNote(rule, environment) {
      const note = waivers.missed(rule, environment.name, context.ref);
      return note ? ` ${note}` : '';
    },
  };
  return context;
}

/** Records each distinct finding once, in the mode the policy gives its rule (fixed rules always enforce). */
function findingReporter(policy: CompiledPolicy, findings: Finding[]): (input: FindingInput) => void {
  const reported = new Set<string>();
  return (input: FindingInput) => {
    const mode = input.mode ?? policy.modeOf(input.rule);
    if (mode === 'off') return;
    const segments = input.segments ?? input.site?.segments ?? [];
    const finding: Finding = {
      rule: input.rule,
      mode: fixedRules.has(input.rule) ? 'enforce' : mode,
      severity: input.severity ?? 'high',
      path: formatPath(input.site?.segments ?? segments),
      segments,
      step: input.site?.name,
      message: input.message,
      fix: input.fix,
    };
    const key = `${finding.rule}\u0000${finding.path}\u0000${finding.message}`;
    if (!reported.has(key)) {
      reported.add(key);
      findings.push(finding);
    }
  };
}

function checkSelectedDefinition(context: ChainContext, config: JsonObject, selector: Selector): void {
  const { found, segments } = selectedDefinition(config, selector);
  if (!found)
    context.report({
      rule: 'selected-definition',
      segments,
      message:
        `Bitbucket selected the definition ${formatPath(segments)} for this run, but it is not in the configuration ` +
        'Pipeline Guard received (a repository provider may have removed or renamed it), so nothing Pipeline Guard ' +
        'checked would run.',
      fix:
        'Keep the definition that matches this branch in bitbucket-pipelines.yml, or ask the owner of the ' +
        "repository's dynamic pipelines provider to keep it.",
    });
}

function respond(
  request: ProviderRequest,
  config: JsonObject,
  report: RunReport,
  how: { blocking: Finding[]; nothingToRun: boolean; policy: CompiledPolicy; options: RunOptions },
): EngineResult {
  const { blocking, nothingToRun, policy, options } = how;
  if (request.trigger === 'definitions')
    return { response: { pipelines_configuration: request.pipelines_configuration }, report };
  if (blocking.length > 0)
    return {
      response: errorResponse(
        blocking[0].rule,
        blockMessage(blocking, report.ref, policyLabel(policy), options.repository?.fullName),
      ),
      report,
    };
  if (nothingToRun) return { response: { pipelines_configuration: request.pipelines_configuration }, report };
  if (report.repositoryStaleAsOf !== undefined) markRepositoryStale(config, report.repositoryStaleAsOf);
  return { response: { pipelines_configuration: config }, report };
}
