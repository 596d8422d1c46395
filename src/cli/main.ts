/**
 * `pipeline-guard`: the simulator CLI. Everything the process provides (streams, files, the
 * working directory, the environment) comes in through `io`, so tests run commands in-process and
 * bin.ts is only a launcher.
 */
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { compilePolicy } from '../engine/compiled-policy';
import { formatGrantProblems, validateGrants, type GrantProblem, type GrantsResult } from '../policy/grants';
import { TRIGGERS, type Trigger } from '../engine/request';
import { formatPolicyProblems, type PolicyProblem } from '../policy/load';
import type { Policy } from '../policy/schema';
import { parsePolicyText } from '../policy/text';
import { createProvider } from '../provider/handler';
import { DEFAULT_REF, type RefSpec, type SimulationTarget } from '../simulate/selection';
import { simulate, simulatedRepository, SimulationInputError } from '../simulate/simulate';
import { CANONICAL_PROJECT_KEY, PROJECT_KEY_PATTERN, SLUG_PATTERN } from '../policy/scope';
import type { RepositoryIdentity } from '../policy/repository';
import { instantMs, type Grant } from '../policy/grant-guard';
import { artifactText, providerLabel, trustArtifacts, type EnvironmentTrust } from '../trust/artifacts';
import { TrustPolicyInputError } from '../trust/inputs';
import { checkTrust, TrustCheckInputError, type DeployedInput } from '../trust/check';
import { parseYaml, YamlInputError } from '../yaml/document';
import { comparePullRequest, comparisonSummary } from '../pullrequest/compare';
import { simulationInsights, toSarif } from '../pullrequest/formats';
import { ImportOutOfReach, resolvePipelineFile, type FileReader, type ResolvedFile } from '../pullrequest/imports';
import { comparisonMessage } from '../pullrequest/message';
import {
  MAIN_HELP,
  POLICY_HELP,
  PR_HELP,
  REPLAY_HELP,
  REQUEST_HELP,
  SIMULATE_HELP,
  TRUST_CHECK_HELP,
  TRUST_POLICY_HELP,
} from './help';
import { parseSamplesJsonl, renderReplay, replayForCli, SamplesInputError } from './replay-command';
import { policyWarnings } from '../policy/warnings';
import { palette, renderPolicyCheck, renderSimulation } from './render';
import { renderTrustCheck } from './render-trust';
import { VERSION } from './version';
import { parseVariablesFile, parseVarOption, VariablesOptionError } from './variables-option';
import type { RequestVariable } from '../engine/request';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input; absent when there is none to read. */
  readonly stdin?: () => Promise<string>;
  /** Whether stdout is a terminal: colour is used only then. */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (absolutePath: string) => Promise<string>;
  readonly cwd: string;
}

export const EXIT = { ok: 0, blocked: 1, unusable: 2, internal: 70 } as const;

/** Where a repository keeps the workspace policy (exported from the settings page): the default for `--policy`. */
export const POLICY_FILE_NAME = 'pipeline-guard.yaml';

/**
 * The example policy, in a checkout of this repository only (src/cli and build/cli both sit two
 * folders below it): the default when there is no ./pipeline-guard.yaml. The packed tool does not
 * ship it, so an installed CLI never checks a pipeline against a policy nobody chose.
 */
export const EXAMPLE_POLICY_PATH = path.resolve(__dirname, '../../examples/policy.yaml');

/** An input the command cannot use: printed on stderr, exit status 2. */
class UsageError extends Error {}

/** A parser's input error becomes a usage error (its message as is, exit status 2); anything else is a fault. */
function rethrowAsUsage(error: unknown, inputError: new (message: string) => Error): never {
  if (error instanceof inputError) throw new UsageError(error.message);
  throw error;
}

/** The options trust-policy and trust-check share: which environment, the workspace, and what the trust binds. */
const TRUST_OPTIONS = {
  env: { type: 'string' },
  workspace: { type: 'string' },
  'workspace-uuid': { type: 'string' },
  account: { type: 'string' },
  'repository-uuid': { type: 'string', multiple: true },
  'deployment-environment-uuid': { type: 'string', multiple: true },
  format: { type: 'string' },
} as const;

/** The environments' trust artifacts from the workspace options that trust-policy and trust-check share. */
function trustArtifactsFromOptions(
  policy: Policy,
  values: Values,
  environment: string | undefined,
): EnvironmentTrust[] {
  const list = (key: string) => (Array.isArray(values[key]) ? (values[key] as unknown as string[]) : []);
  try {
    return trustArtifacts(policy, {
      environment,
      workspaceSlug: text(values, 'workspace')!,
      workspaceUuid: text(values, 'workspace-uuid')!,
      accountId: text(values, 'account'),
      repositoryUuids: list('repository-uuid'),
      deploymentEnvironmentUuids: list('deployment-environment-uuid'),
    });
  } catch (error) {
    rethrowAsUsage(error, TrustPolicyInputError);
  }
}

function colourOn(io: CliIo): boolean {
  return io.isTTY && !io.env.NO_COLOR;
}

function displayPath(io: CliIo, absolute: string): string {
  const relative = path.relative(io.cwd, absolute);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

async function readInput(io: CliIo, file: string): Promise<{ text: string; label: string }> {
  if (file === '-') {
    if (!io.stdin) throw new UsageError('"-" reads standard input, but there is none');
    return { text: await io.stdin(), label: '<stdin>' };
  }
  const absolute = path.resolve(io.cwd, file);
  try {
    return { text: await io.readFile(absolute), label: displayPath(io, absolute) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    throw new UsageError(
      `cannot read ${file}: ` +
        (code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message),
    );
  }
}

interface LoadedPolicy {
  readonly policy: Policy;
  readonly label: string;
}

async function exists(io: CliIo, absolute: string): Promise<boolean> {
  try {
    await io.readFile(absolute);
    return true;
  } catch {
    return false;
  }
}

/**
 * --policy FILE; else ./pipeline-guard.yaml; else, in a checkout of this repository, the example policy; else a clear
 * refusal.
 */
async function defaultPolicyFile(io: CliIo): Promise<{ file: string; example: boolean }> {
  const local = path.resolve(io.cwd, POLICY_FILE_NAME);
  if (await exists(io, local)) return { file: local, example: false };
  if (await exists(io, EXAMPLE_POLICY_PATH)) return { file: EXAMPLE_POLICY_PATH, example: true };
  throw new UsageError(
    `no policy: pass --policy FILE, or save the workspace policy as ./${POLICY_FILE_NAME} ` +
      `(the settings page exports it as YAML); there is none in ${io.cwd}`,
  );
}

async function loadPolicy(io: CliIo, file: string | undefined): Promise<LoadedPolicy> {
  const chosen = file === undefined ? await defaultPolicyFile(io) : { file, example: false };
  const { text, label } = await readInput(io, chosen.file);
  const result = parsePolicyText(text);
  if (!result.ok)
    throw new UsageError(`the policy ${label} cannot be used:\n${indent(formatPolicyProblems(result.problems))}`);
  return {
    policy: result.policy,
    label: chosen.example
      ? `${label} (the example policy shipped with Pipeline Guard; pass --policy FILE for your own)`
      : label,
  };
}

const indent = (text: string) => text.replace(/^/gm, '  ');

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(
  args: string[],
  options: NonNullable<ParseArgsConfig['options']>,
): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A string option's value (parseArgs has already refused a string option given as a flag). */
const text = (values: Values, key: string): string | undefined =>
  typeof values[key] === 'string' ? (values[key] as string) : undefined;

function oneFile(positionals: string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`missing ${what}`);
  if (positionals.length > 1)
    throw new UsageError(`expected one ${what}, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0];
}

function formatOption(value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new UsageError(`--format must be text or json, not "${value}"`);
}

const SIMULATE_FORMATS = ['text', 'json', 'sarif', 'code-insights'] as const;

function simulateFormatOption(value: string | undefined): (typeof SIMULATE_FORMATS)[number] {
  if (value === undefined) return 'text';
  if ((SIMULATE_FORMATS as readonly string[]).includes(value)) return value as (typeof SIMULATE_FORMATS)[number];
  throw new UsageError(`--format must be text, json, sarif or code-insights, not "${value}"`);
}

function refName(value: string, option: string): string {
  if (value.trim() === '' || /[\u0000-\u001f\u007f\s]/.test(value))
    throw new UsageError(`${option} needs a branch or tag name without spaces, got "${value}"`);
  return value;
}

/** The target a command line describes: --branch/--tag/--pr/--commit, optionally with --custom. */
export function targetFromOptions(values: {
  branch?: string;
  tag?: string;
  pr?: string;
  commit?: boolean;
  custom?: string;
}): SimulationTarget {
  const given = (['branch', 'tag', 'pr', 'commit'] as const).filter(
    (key) => values[key] !== undefined && values[key] !== false,
  );
  if (given.length > 1)
    throw new UsageError(
      `choose one of --branch, --tag, --pr and --commit, not ${given.map((g) => `--${g}`).join(' and ')}`,
    );
  let ref: RefSpec | undefined;
  if (values.branch !== undefined) ref = { kind: 'branch', name: refName(values.branch, '--branch') };
  else if (values.tag !== undefined) ref = { kind: 'tag', name: refName(values.tag, '--tag') };
  else if (values.commit) ref = { kind: 'commit' };
  if (values.pr !== undefined) {
    if (values.custom !== undefined)
      throw new UsageError('--custom runs on a branch, tag or commit, not on a pull request');
    const parts = values.pr.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1])
      throw new UsageError(`--pr takes SOURCE:DESTINATION, e.g. --pr feature/x:main, not "${values.pr}"`);
    return { kind: 'pullrequest', source: refName(parts[0], '--pr'), destination: refName(parts[1], '--pr') };
  }
  if (values.custom !== undefined) {
    if (values.custom.trim() === '') throw new UsageError('--custom needs the name of a custom pipeline');
    return ref ? { kind: 'custom', name: values.custom, ref } : { kind: 'custom', name: values.custom };
  }
  return ref ?? DEFAULT_REF;
}

/**
 * `--repository SLUG` (or WORKSPACE/SLUG) and `--project KEY`: the repository the run is for, as the
 * provider's lookup would resolve it. Without them the run is for a repository no scope includes.
 */
function repositoryOption(values: Values, io: CliIo): RepositoryIdentity | undefined {
  const repository = text(values, 'repository');
  const project = text(values, 'project');
  if (repository === undefined) {
    if (project !== undefined)
      throw new UsageError('--project needs --repository: a project key alone names no repository');
    return undefined;
  }
  const parts = repository.split('/');
  const slug = parts[parts.length - 1];
  if (parts.length > 2 || !SLUG_PATTERN.test(slug) || (parts.length === 2 && !/^[A-Za-z0-9._-]{1,64}$/.test(parts[0])))
    throw new UsageError(
      `--repository takes a repository slug such as payments-api (or WORKSPACE/SLUG), not "${repository}"; ` +
        'Bitbucket slugs are lower-case letters, digits, ".", "_" and "-"',
    );
  if (project !== undefined && !PROJECT_KEY_PATTERN.test(project))
    throw new UsageError(`--project takes a Bitbucket project key such as PAY, not "${project}"`);
  if (project !== undefined && !CANONICAL_PROJECT_KEY.test(project))
    io.stderr(
      `${palette(colourOn(io)).yellow('warning:')} project key "${project}" is not upper case; ` +
        `Bitbucket's keys are, and scopes compare them exactly, so "${project}" matches only a scope ` +
        `that lists "${project}" (did you mean ${project.toUpperCase()}?)\n`,
    );
  return simulatedRepository(repository, project);
}

function triggerOption(value: string | undefined): Trigger | undefined {
  if (value === undefined) return undefined;
  if ((TRIGGERS as readonly string[]).includes(value)) return value as Trigger;
  throw new UsageError(`--trigger must be one of ${TRIGGERS.join(', ')}, not "${value}"`);
}

/** `--now`: the clock grants expire against (default: the current time). */
function nowOption(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const ms = instantMs(value);
  if (Number.isNaN(ms))
    throw new UsageError(`--now takes an ISO 8601 time with a time zone, e.g. 2026-12-02T10:00:00Z, not "${value}"`);
  return new Date(ms);
}

/**
 * A grants file: a YAML (or JSON) list of grants in their stored shape, checked against `now` and,
 * as the settings page does, against the policy's environments.
 */
async function loadGrants(io: CliIo, file: string, now: Date, environments: readonly string[]): Promise<Grant[]> {
  const input = await readInput(io, file);
  let parsed;
  try {
    parsed = parseYaml(input.text);
  } catch (error) {
    if (error instanceof YamlInputError)
      throw new UsageError(`the grants file ${input.label} cannot be used: ${error.message}`);
    throw error;
  }
  const validated = validateGrants(parsed.value, now);
  // A grant for an environment the policy lacks would silently open nothing; the page refuses it too.
  const unknownEnvironments: GrantProblem[] = validated.ok
    ? validated.grants.flatMap((grant, index) =>
        grant.environments.flatMap((env, envIndex) =>
          environments.includes(env)
            ? []
            : [
                {
                  grant: `grant "${grant.id}" (grants[${index}])`,
                  field: `environments[${envIndex}]`,
                  segments: [index, 'environments', envIndex],
                  message: `"${env}" is not an environment of the policy (it has ${environments.join(', ')})`,
                },
              ],
        ),
      )
    : [];
  const result: GrantsResult = unknownEnvironments.length ? { ok: false, problems: unknownEnvironments } : validated;
  if (!result.ok) {
    const lines = result.problems.map(
      (problem) =>
        (parsed.positionOf(problem.segments) ? `line ${parsed.positionOf(problem.segments)!.line}: ` : '') +
        formatGrantProblems([problem]),
    );
    throw new UsageError(`the grants file ${input.label} cannot be used:\n${indent(lines.join('\n'))}`);
  }
  return result.grants;
}

/** Why grants of the file cannot apply to this simulated run, said up front instead of silently opening nothing. */
function grantNotices(grants: readonly Grant[], repository: RepositoryIdentity | undefined, now: Date): string[] {
  if (!repository)
    return [
      'no grant of the file can apply: ' +
        'without --repository the run is for a repository Pipeline Guard does not know. ' +
        `Pass --repository ${grants[0].repository} to run as the grant's repository.`,
    ];
  const notices: string[] = [];
  for (const grant of grants) {
    if (grant.repository !== repository.slug)
      notices.push(
        `grant ${grant.id} is for repository ${grant.repository}, not ${repository.slug}: it cannot apply to this run.`,
      );
    if (grant.grantedAt !== undefined && now.getTime() < instantMs(grant.grantedAt))
      notices.push(
        `grant ${grant.id} applies only from ${grant.grantedAt}, when it was granted; ` +
          `--now (${now.toISOString()}) is earlier, so it cannot apply.`,
      );
  }
  return notices;
}

const VARIABLE_OPTIONS = { var: { type: 'string', multiple: true }, variables: { type: 'string' } } as const;

/** `--variables FILE` then every `--var KEY=VALUE`; undefined when neither was given (a request without variables). */
async function variablesOption(io: CliIo, values: Values): Promise<RequestVariable[] | undefined> {
  const file = text(values, 'variables');
  const vars = Array.isArray(values.var) ? values.var : [];
  if (file === undefined && vars.length === 0) return undefined;
  try {
    const listed =
      file === undefined ? [] : await readInput(io, file).then((input) => parseVariablesFile(input.text, input.label));
    return [...listed, ...vars.map(parseVarOption)];
  } catch (error) {
    rethrowAsUsage(error, VariablesOptionError);
  }
}

async function simulateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    policy: { type: 'string' },
    branch: { type: 'string' },
    tag: { type: 'string' },
    pr: { type: 'string' },
    commit: { type: 'boolean' },
    custom: { type: 'string' },
    trigger: { type: 'string' },
    format: { type: 'string' },
    repository: { type: 'string' },
    grants: { type: 'string' },
    now: { type: 'string' },
    project: { type: 'string' },
    ...VARIABLE_OPTIONS,
  });
  if (values.help) return help(io, SIMULATE_HELP);
  const file = oneFile(positionals, 'pipeline file (bitbucket-pipelines.yml, or - for standard input)');
  const format = simulateFormatOption(text(values, 'format'));
  const target = targetFromOptions({
    branch: text(values, 'branch'),
    tag: text(values, 'tag'),
    pr: text(values, 'pr'),
    commit: values.commit === true,
    custom: text(values, 'custom'),
  });
  const trigger = triggerOption(text(values, 'trigger'));
  const repository = repositoryOption(values, io);
  const loaded = await loadPolicy(io, text(values, 'policy'));
  const now = nowOption(text(values, 'now'));
  const grantsFile = text(values, 'grants');
  const grants =
    grantsFile === undefined
      ? undefined
      : await loadGrants(
          io,
          grantsFile,
          now,
          loaded.policy.environments.map((env) => env.name),
        );
  if (grants?.length)
    for (const line of grantNotices(grants, repository, now))
      io.stderr(`${palette(colourOn(io)).yellow('warning:')} ${line}\n`);
  const variables = await variablesOption(io, values);
  const input = await readInput(io, file);

  let result;
  try {
    result = simulate({
      yamlText: input.text,
      policy: compilePolicy(loaded.policy),
      target,
      trigger,
      fileName: input.label,
      repository,
      grants,
      now,
      variables,
    });
  } catch (error) {
    if (!(error instanceof SimulationInputError)) throw error;
    const where = error.position ? `${input.label}:${error.position.line}:${error.position.column}` : input.label;
    throw new UsageError(`${where}: ${error.reason}`);
  }
  if (format === 'json') io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else if (format === 'sarif') io.stdout(`${JSON.stringify(toSarif(result, input.label, VERSION), null, 2)}\n`);
  else if (format === 'code-insights')
    io.stdout(`${JSON.stringify(simulationInsights(result, input.label), null, 2)}\n`);
  else
    io.stdout(
      renderSimulation(
        result,
        { fileLabel: input.label, policyLabel: loaded.label, policy: loaded.policy, target, repository },
        palette(colourOn(io)),
      ),
    );
  return result.outcome === 'blocked' ? EXIT.blocked : EXIT.ok;
}

function parseRequestJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // JSON.parse's messages rarely carry a line; the YAML parser (JSON is YAML) usually finds one.
    let where = label;
    try {
      parseYaml(text);
    } catch (yamlError) {
      if (yamlError instanceof YamlInputError && yamlError.position)
        where = `${label}:${yamlError.position.line}:${yamlError.position.column}`;
    }
    throw new UsageError(`${where}: not valid JSON (${(error as Error).message})`);
  }
}

/** The request with `variables` from the command line added to its own. */
function withAddedVariables(request: unknown, added: RequestVariable[] | undefined): unknown {
  if (!added) return request;
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    throw new UsageError('--var and --variables need a request that is a JSON object');
  const own = (request as { variables?: unknown }).variables;
  if (own !== undefined && !Array.isArray(own))
    throw new UsageError(
      "--var and --variables add to the request's `variables`, but it holds something other than a list",
    );
  return { ...request, variables: [...(own ?? []), ...added] };
}

/** A pipeline file of `pr`, imports resolved where they can be from here: files of this checkout only. */
async function prFile(
  io: CliIo,
  file: string,
  option: string,
): Promise<{ resolved: ResolvedFile | undefined; label: string }> {
  const input = await readInput(io, file);
  if (input.text.trim() === '') return { resolved: undefined, label: input.label };
  const base = path.dirname(path.resolve(io.cwd, file));
  const read: FileReader = async (location) => {
    if (location.repository !== undefined)
      throw new ImportOutOfReach(
        `the command line cannot read repository ${location.repository}; the merge check in Bitbucket resolves it`,
      );
    const absolute = path.resolve(base, location.path);
    return io.readFile(absolute).catch((error: NodeJS.ErrnoException) => {
      if (error?.code === 'ENOENT') return undefined;
      throw error;
    });
  };
  try {
    return { resolved: await resolvePipelineFile(input.text, read), label: input.label };
  } catch (error) {
    if (!(error instanceof SimulationInputError)) throw error;
    throw new UsageError(
      `${option} ` +
        (error.position ? `${input.label}:${error.position.line}:${error.position.column}` : input.label) +
        `: ${error.reason}`,
    );
  }
}

async function prCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    source: { type: 'string' },
    destination: { type: 'string' },
    branch: { type: 'string' },
    'source-branch': { type: 'string' },
    policy: { type: 'string' },
    repository: { type: 'string' },
    project: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) return help(io, PR_HELP);
  if (positionals.length)
    throw new UsageError(
      `pr takes no positional arguments (got ${positionals.join(' ')}); pass --source and --destination`,
    );
  const missing = ['source', 'destination', 'branch'].filter((key) => text(values, key) === undefined);
  if (missing.length) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  const format = formatOption(text(values, 'format'));
  const destinationBranch = refName(text(values, 'branch')!, '--branch');
  const sourceBranch = refName(text(values, 'source-branch') ?? 'pull-request', '--source-branch');
  const repository = repositoryOption(values, io);
  const loaded = await loadPolicy(io, text(values, 'policy'));
  const source = await prFile(io, text(values, 'source')!, '--source');
  if (!source.resolved)
    throw new UsageError(`--source ${source.label} is empty: a pull request without a pipeline file runs nothing`);
  const destination = await prFile(io, text(values, 'destination')!, '--destination');
  const comparison = comparePullRequest({
    source: source.resolved,
    destination: destination.resolved,
    sourceBranch,
    destinationBranch,
    policy: compilePolicy(loaded.policy),
    repository,
  });
  if (format === 'json') io.stdout(`${JSON.stringify(comparisonSummary(comparison), null, 2)}\n`);
  else io.stdout(`${comparisonMessage(comparison, { fileName: source.label, maxLength: Number.MAX_SAFE_INTEGER })}\n`);
  return comparison.passed ? EXIT.ok : EXIT.blocked;
}

async function requestCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    policy: { type: 'string' },
    repository: { type: 'string' },
    project: { type: 'string' },
    ...VARIABLE_OPTIONS,
  });
  if (values.help) return help(io, REQUEST_HELP);
  const variables = await variablesOption(io, values);
  const repository = repositoryOption(values, io);
  const file = oneFile(positionals, 'request file (the JSON Bitbucket sends, or - for standard input)');
  const loaded = await loadPolicy(io, text(values, 'policy'));
  const input = await readInput(io, file);
  const request = withAddedVariables(parseRequestJson(input.text, input.label), variables);
  // The stored record the Forge function would read, so the whole provider path runs, not just the engine.
  const record = {
    revision: 1,
    policy: loaded.policy,
    savedAt: '1970-01-01T00:00:00.000Z',
    savedBy: 'pipeline-guard request',
  };
  // --repository stands in for the provider's lookup, with the UUID the request names.
  const repositories = repository
    ? { resolve: async (_workspace: string, uuid: string) => ({ ...repository, uuid }) }
    : undefined;
  const provider = createProvider({
    store: { read: async () => record },
    repositories,
    log: (line) => io.stderr(`${line}\n`),
  });
  io.stdout(`${JSON.stringify(await provider(request), null, 2)}\n`);
  return EXIT.ok;
}

async function policyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') return help(io, POLICY_HELP);
  if (sub !== 'check') throw new UsageError(`unknown policy command "${sub}"; did you mean "policy check"?`);
  const { values, positionals } = parse(rest, { format: { type: 'string' } });
  if (values.help) return help(io, POLICY_HELP);
  const format = formatOption(text(values, 'format'));
  const input = await readInput(io, oneFile(positionals, 'policy file'));
  const result = parsePolicyText(input.text);
  if (!result.ok) {
    if (format === 'json')
      io.stdout(
        `${JSON.stringify({ valid: false, problems: result.problems.map(problemJson), warnings: [] }, null, 2)}\n`,
      );
    else
      io.stdout(
        `${input.label}: invalid policy, ` +
          `${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}:\n` +
          `${indent(formatPolicyProblems(result.problems))}\n`,
      );
    return EXIT.unusable;
  }
  // parsePolicyText parsed the same text already, so this parse succeeds; it adds line numbers.
  const { positionOf } = parseYaml(input.text);
  const warnings = policyWarnings(result.policy)
    .map((warning) => ({ ...warning, line: positionOf(warning.segments)?.line }))
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  if (format === 'json')
    io.stdout(
      `${JSON.stringify(
        { valid: true, problems: [], warnings: warnings.map(({ segments: _, ...rest }) => rest) },
        null,
        2,
      )}\n`,
    );
  else io.stdout(renderPolicyCheck(input.label, result.policy, warnings, palette(colourOn(io))));
  return warnings.length ? EXIT.blocked : EXIT.ok;
}

function problemJson(problem: PolicyProblem) {
  return { path: problem.path, line: problem.line, message: problem.message };
}

async function trustPolicyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    ...TRUST_OPTIONS,
  });
  if (values.help) return help(io, TRUST_POLICY_HELP);
  const format = formatOption(text(values, 'format'));
  const file = oneFile(positionals, 'policy file');
  const environment = text(values, 'env');
  const loaded = await loadPolicy(io, file);
  // One AWS role asked for by name keeps the original contract: --account is required and checked.
  const singleAws =
    environment !== undefined &&
    loaded.policy.environments.some((env) => env.name === environment && env.oidc && !env.oidc.provider);
  const required = ['workspace', 'workspace-uuid', ...(singleAws ? ['account'] : [])];
  const missing = required.filter((key) => text(values, key) === undefined);
  if (missing.length) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  const entries = trustArtifactsFromOptions(loaded.policy, values, environment);
  const style = palette(colourOn(io));
  if (format === 'json') {
    io.stdout(
      `${JSON.stringify(
        entries.map((entry) => ({
          environment: entry.environment,
          provider: entry.provider ?? null,
          ...(entry.artifact ? { artifact: entry.artifact } : { error: entry.error }),
        })),
        null,
        2,
      )}\n`,
    );
    return EXIT.ok;
  }
  const single = entries.length === 1 && entries[0].artifact?.provider === 'aws';
  entries.forEach((entry, index) => {
    if (!single)
      io.stdout(
        `${index ? '\n' : ''}# ${entry.environment}: ${entry.provider ? providerLabel(entry.provider) : entry.error}\n`,
      );
    if (entry.artifact) io.stdout(`${artifactText(entry.artifact)}\n`);
    for (const warning of entry.artifact?.warnings ?? [])
      io.stderr(`${style.yellow('warning:')} ${single ? '' : `${entry.environment}: `}${warning}\n`);
  });
  return EXIT.ok;
}

async function replayCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    policy: { type: 'string' },
    baseline: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) return help(io, REPLAY_HELP);
  const format = formatOption(text(values, 'format'));
  const file = oneFile(positionals, 'samples file (JSON Lines, as the settings page exports it)');
  const missing = ['policy', 'baseline'].filter((key) => text(values, key) === undefined);
  if (missing.length)
    throw new UsageError(
      `missing ${missing.map((m) => `--${m}`).join(', ')}: ` +
        'replay compares the draft (--policy) with the enforced policy (--baseline)',
    );
  const input = await readInput(io, file);
  const [draft, baseline] = [
    await loadPolicy(io, text(values, 'policy')),
    await loadPolicy(io, text(values, 'baseline')),
  ];
  let samples;
  try {
    samples = parseSamplesJsonl(input.text, input.label);
  } catch (error) {
    rethrowAsUsage(error, SamplesInputError);
  }
  const summary = replayForCli(samples, draft.policy, baseline.policy);
  if (format === 'json')
    io.stdout(
      `${JSON.stringify(
        { samples: input.label, draft: draft.label, baseline: baseline.label, ...summary },
        null,
        2,
      )}\n`,
    );
  else
    io.stdout(
      renderReplay(
        summary,
        { samples: input.label, draft: draft.label, baseline: baseline.label },
        palette(colourOn(io)),
      ),
    );
  return summary.totals.newlyBlocked > 0 ? EXIT.blocked : EXIT.ok;
}

/** The environment's artifact for trust-check: the same generator and inputs as trust-policy. */
function trustCheckEntry(policy: Policy, values: Values, environment: string): EnvironmentTrust {
  const missing = ['workspace', 'workspace-uuid'].filter((key) => text(values, key) === undefined);
  if (missing.length)
    throw new UsageError(
      `missing ${missing.map((m) => `--${m}`).join(', ')}: ` +
        "the check compares against this workspace's issuer and audience",
    );
  return trustArtifactsFromOptions(policy, values, environment)[0];
}

async function trustCheckCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    ...TRUST_OPTIONS,
    deployed: { type: 'string', multiple: true },
  });
  if (values.help) return help(io, TRUST_CHECK_HELP);
  const format = formatOption(text(values, 'format'));
  const loaded = await loadPolicy(io, oneFile(positionals, 'policy file'));
  const environment = text(values, 'env');
  if (environment === undefined)
    throw new UsageError('missing --env NAME: the environment whose deployed trust to check');
  const files = Array.isArray(values.deployed) ? (values.deployed as string[]) : [];
  if (!files.length) throw new UsageError("missing --deployed FILE: the JSON the cloud's CLI printed (see --help)");
  if (files.filter((file) => file === '-').length > 1)
    throw new UsageError('only one --deployed can read standard input');
  const entry = trustCheckEntry(loaded.policy, values, environment);
  const deployed: DeployedInput[] = await Promise.all(files.map((file) => readInput(io, file)));
  let result;
  try {
    result = checkTrust(entry, deployed);
  } catch (error) {
    rethrowAsUsage(error, TrustCheckInputError);
  }
  if (format === 'json') io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(renderTrustCheck(result, palette(colourOn(io))));
  return result.verdict === 'weaker' ? EXIT.blocked : EXIT.ok;
}

function help(io: CliIo, text: string): number {
  io.stdout(text);
  return EXIT.ok;
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  simulate: simulateCommand,
  request: requestCommand,
  policy: policyCommand,
  pr: prCommand,
  'trust-policy': trustPolicyCommand,
  replay: replayCommand,
  'trust-check': trustCheckCommand,
};

/** Runs one command line (without the node and script arguments) and returns the exit status. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--version' || command === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    if (command === undefined) {
      io.stderr(MAIN_HELP);
      return EXIT.unusable;
    }
    return help(io, MAIN_HELP);
  }
  const handler = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
  try {
    if (!handler) throw new UsageError(`unknown command "${command}"; run "pipeline-guard --help" for the commands`);
    return await handler(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`pipeline-guard${handler ? ` ${command}` : ''}: ${error.message}\n`);
      return EXIT.unusable;
    }
    io.stderr(`pipeline-guard: internal error, please report it: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.internal;
  }
}
