import { imageName } from '../engine/image';
import { isPlainObject } from '../engine/clone';
import {
  configTextUses,
  credentialUsesIn,
  describeUse,
  readerContextOf,
  referencedVariable,
  vaultAddress,
  vaultPath,
  CREDENTIAL_VARIABLES,
  type CredentialUse,
  type ReaderContext,
} from '../engine/credentials';
import { requestsOidc } from '../engine/oidc-request';
import { commandsOf, excerpt, pipesOf, type ScriptCommand } from '../engine/script';
import { shellTexts } from '../engine/shell-words';
import { shellQuote } from '../engine/shell';
import type { ChainContext, DefinitionSite, JsonObject, StepSite, Transform } from '../engine/types';
import type { RequestVariable } from '../engine/request';
import { describeVariable, variableHolding, type RequestVariables } from '../engine/variables';
import type { Path } from '../primitives/path';
import { describeIdentity, foreignIdentities, identityValues, providerOf } from '../policy/identity';
import type { Environment } from '../policy/schema';
import { GCP_CREDENTIALS_FILE_NAME, OIDC_DIRECTORY_VARIABLE, oidcSetupLines, TOKEN_FILE_NAME } from './oidc-setup';
import { reportSteeringVariables } from './oidc-steering';

export { oidcSetupLines } from './oidc-setup';

function startsWithLines(script: unknown[], lines: readonly string[]): boolean {
  return lines.length > 0 && script.length >= lines.length && lines.every((line, i) => script[i] === line);
}

/** How many of the step's first script lines are Pipeline Guard's own setup for its environment. */
export function setupLineCount(site: StepSite): number {
  if (!site.environment) return 0;
  const setup = oidcSetupLines(site.environment);
  return Array.isArray(site.step.script) && startsWithLines(site.step.script, setup) ? setup.length : 0;
}

/**
 * Variables the setup lines of each provider set: passing them on (`--role-arn "$AWS_ROLE_ARN"`) uses the environment's
 * own identity.
 */
const PROVIDED: Record<string, readonly string[]> = {
  aws: ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'],
  gcp: ['GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_CONFIG'],
  vault: ['VAULT_ADDR', 'VAULT_TOKEN'],
};

/**
 * The files the setup writes into its private directory, named exactly: the step can reassign the
 * directory variable (which is itself reported) and `..` would leave it, so no other path under it counts.
 */
const SETUP_FILE = new RegExp(
  `^\\$(?:${OIDC_DIRECTORY_VARIABLE}|\\{${OIDC_DIRECTORY_VARIABLE}\\})/` +
    `(?:${[TOKEN_FILE_NAME, GCP_CREDENTIALS_FILE_NAME].map((name) => name.replace(/[.]/g, '\\.')).join('|')})$`,
);

/** Whether a use names the environment's own identity (or passes a variable through unchanged). */
export function isOwnUse(use: CredentialUse, env: Environment): boolean {
  if (use.written) return false;
  const reference = referencedVariable(use.value);
  if (reference && reference === use.variable) return true;
  const oidc = env.oidc;
  if (!oidc || providerOf(oidc) !== use.provider) return false;
  if (reference && PROVIDED[use.provider].includes(reference)) return true;
  if (SETUP_FILE.test(use.value)) return true;
  switch (oidc.provider) {
    case 'gcp':
      return (
        (use.field === 'serviceAccount' && use.value === oidc.serviceAccount) ||
        (use.field === 'workloadIdentityProvider' && use.value === oidc.workloadIdentityProvider)
      );
    case 'vault':
      return (
        (use.field === 'vaultAddress' && vaultAddress(use.value) === vaultAddress(oidc.address)) ||
        (use.field === 'vaultLogin' && use.value === identityValues(oidc)[0])
      );
    default:
      return use.field === 'roleArn' && use.value === oidc.roleArn;
  }
}

/**
 * Pipeline Guard governs a cloud once some environment of the policy uses it: a workspace whose policy
 * names only AWS roles keeps its own Vault logins. Static keys and key files matter where they would
 * override the identity Pipeline Guard set up: in an OIDC step of the same cloud.
 */
function matters(use: CredentialUse, env: Environment, asksForToken: boolean, governed: ReadonlySet<string>): boolean {
  if (!governed.has(use.provider)) return false;
  if (use.field !== 'secret') return true;
  return asksForToken && env.oidc !== undefined && providerOf(env.oidc) === use.provider;
}

const governedCache = new WeakMap<readonly Environment[], ReadonlySet<string>>();
function governedProviders(environments: readonly Environment[]): ReadonlySet<string> {
  let set = governedCache.get(environments);
  if (!set)
    governedCache.set(
      environments,
      (set = new Set(environments.flatMap((env) => (env.oidc ? [providerOf(env.oidc)] : [])))),
    );
  return set;
}

const CLOUD_NAMES = { aws: 'AWS', gcp: 'GCP', vault: 'Vault' } as const;

function identityFix(env: Environment): string {
  const oidc = env.oidc;
  if (!oidc)
    return `Delete it. Environment "${env.name}" grants no AWS role; ask a workspace admin if this step needs one.`;
  switch (oidc.provider) {
    case 'gcp':
      return (
        `Delete it. With \`oidc: true\` on the step, Pipeline Guard logs gcloud in as the "${env.name}" ` +
        `service account (${oidc.serviceAccount}) through ${oidc.workloadIdentityProvider} ` +
        'and sets GOOGLE_APPLICATION_CREDENTIALS itself.'
      );
    case 'vault':
      return (
        `Delete it. With \`oidc: true\` on the step, Pipeline Guard logs in to ${oidc.address} ` +
        `as the "${env.name}" Vault role (${oidc.role}, auth/${oidc.mount}) and sets VAULT_ADDR and VAULT_TOKEN itself.`
      );
    default:
      return (
        `Delete it. With \`oidc: true\` on the step, Pipeline Guard sets AWS_ROLE_ARN to the "${env.name}" role ` +
        `(${oidc.roleArn}) and writes the token file itself.`
      );
  }
}

/** "the role of environment "prod" (arn:…)", "the service account of …", for messages. */
function identityOf(env: Environment): string {
  const oidc = env.oidc!;
  if (oidc.provider === 'gcp')
    return (
      `GCP service account of environment "${env.name}" ` +
      `(${oidc.serviceAccount} through ${oidc.workloadIdentityProvider})`
    );
  if (oidc.provider === 'vault') return `Vault role of environment "${env.name}" (${oidc.role}, auth/${oidc.mount})`;
  return `role of environment "${env.name}" (${oidc.roleArn})`;
}

const REMOVED_COMMAND = `echo ${shellQuote(
  'Pipeline Guard removed a command here that pointed at another cloud identity (oidc-role, warn mode)',
)}`;

/**
 * In warn mode the run goes on, so whatever pointed at another identity is taken out first; `disarm`
 * does that and says what it did, or returns undefined where nothing safe can be taken out, in
 * which case the finding is enforced after all.
 */
type Disarm = () => string | undefined;

/**
 * Whether a cache path is, or contains, a place the cloud CLIs keep credentials: ~/.config/gcloud,
 * ~/.aws, ~/.vault-token (and a home directory or ~/.config above them), however the home is spelled.
 */
export function holdsCredentials(cachePath: string): boolean {
  const path = cachePath
    .trim()
    .replace(/^(?:~|\$HOME|\$\{HOME\}|\/root|\/home\/[^/]+)(?=\/|$)/, '~')
    .replace(/\/+/g, '/')
    .replace(/\/\.(?=\/|$)/g, '')
    .replace(/\/$/, '');
  return /^~(?:\/\.config(?:\/gcloud(?:\/.*)?)?|\/\.aws(?:\/.*)?|\/\.vault-token)?$/.test(path);
}

/** Whether `text` appears in any key or string of a JSON value (the working copy is at most 64 levels deep). */
function mentions(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value.includes(text);
  if (Array.isArray(value)) {
    for (const item of value) if (mentions(item, text)) return true;
  } else if (isPlainObject(value)) {
    for (const key in value) if (key.includes(text) || mentions(value[key], text)) return true;
  }
  return false;
}

/** The first environment among `candidates` whose identity `value` names anywhere. */
function mentionedIdentity(
  value: unknown,
  candidates: readonly Environment[],
): { env: Environment; text: string } | undefined {
  for (const env of candidates)
    for (const text of identityValues(env.oidc!)) if (mentions(value, text)) return { env, text };
  return undefined;
}

const NAME_CHAR = '[A-Za-z0-9_.-]';
const tokenPattern = (text: string) =>
  new RegExp(`(?<!${NAME_CHAR})${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!${NAME_CHAR})`);
const hostOf = (address: string) =>
  vaultAddress(address)
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/[/:].*$/, '');
/** A host name in any case, also with the trailing dot of a fully qualified name. */
const hostPattern = (host: string) =>
  new RegExp(
    `(?<!${NAME_CHAR})${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.?(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`,
    'i',
  );
/** A piece of text also as a server reads a path in it: percent-decoded, `//`, `/./` and `..` resolved. */
const READ_AS_PATH = /%[0-9A-Fa-f]{2}|\/\/|\/\.\.?\//;
// Loops, not flatMap: this runs over every string of every step, and flatMap's array per piece was a
// tenth of the provider's time on a 100-step pipeline (npm run bench).
function addSpellings(piece: string, out: string[]): void {
  out.push(piece);
  if (READ_AS_PATH.test(piece)) out.push(vaultPath(piece));
}

function spellings(pieces: readonly string[]): string[] {
  const out: string[] = [];
  for (const piece of pieces) addSpellings(piece, out);
  return out;
}

/** Every key and string of a JSON value in each of its spellings, gathered in one walk. */
function spelledStringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') addSpellings(value, out);
  else if (Array.isArray(value)) for (const item of value) spelledStringsOf(item, out);
  else if (isPlainObject(value))
    for (const key in value) {
      addSpellings(key, out);
      spelledStringsOf(value[key], out);
    }
  return out;
}

/**
 * Texts that name `other`'s identity to a step of `env`. Beyond the identity values: a Vault mount
 * env does not use, as its login path (`auth/<mount>/login`, also under `/v1/`); and a Vault role
 * name, which alone is too short to search for, when the step also names that foreign mount or a
 * Vault server env does not use (curl to the login API, a vault-agent config, a pipe's variables).
 */
type ForeignTexts = {
  values: readonly string[];
  role?: { pattern: RegExp; role: string; company: Array<{ pattern: RegExp; text: string }> };
};
const foreignTextsCache = new WeakMap<Environment, WeakMap<Environment, ForeignTexts>>();
function foreignTexts(other: Environment, env: Environment): ForeignTexts {
  let byEnv = foreignTextsCache.get(other);
  if (!byEnv) foreignTextsCache.set(other, (byEnv = new WeakMap()));
  let texts = byEnv.get(env);
  if (!texts) byEnv.set(env, (texts = computeForeignTexts(other, env)));
  return texts;
}

function computeForeignTexts(other: Environment, env: Environment): ForeignTexts {
  const oidc = other.oidc!;
  if (oidc.provider !== 'vault') return { values: identityValues(oidc) };
  const own = env.oidc?.provider === 'vault' ? env.oidc : undefined;
  const foreignMount = own?.mount !== oidc.mount;
  const host = hostOf(oidc.address);
  const company = [
    ...(foreignMount ? [{ pattern: tokenPattern(oidc.mount), text: `mount ${oidc.mount}` }] : []),
    ...(host && (!own || hostOf(own.address) !== host) ? [{ pattern: hostPattern(host), text: host }] : []),
  ];
  return {
    values: [...identityValues(oidc), ...(foreignMount ? [`auth/${oidc.mount}/login`] : [])],
    role:
      company.length && own?.role !== oidc.role
        ? { pattern: tokenPattern(oidc.role), role: oidc.role, company }
        : undefined,
  };
}

const MAY_HIDE = /['"\\\n]/;
/** Shared by every command the shell reads as written: nothing adds to it. */
const NO_READINGS: readonly string[] = [];

/**
 * The last-resort search: another environment's identity named in the step's raw text, or in a
 * command's words as the shell reads them (quote splicing, backslashes and line continuations put
 * back together), for the tools the credential reader does not know.
 */
function foreignMention(
  site: StepSite,
  commands: readonly ScriptCommand[],
  foreign: readonly Environment[],
  env: Environment,
  variables: RequestVariables,
): { env: Environment; text: string; command?: ScriptCommand; through?: RequestVariable } | undefined {
  let readings: Array<readonly string[]> | undefined;
  const readingsOf = () =>
    (readings ??= commands.map((command) =>
      MAY_HIDE.test(command.text) ? spellings(shellTexts(command.text)) : NO_READINGS,
    ));
  // The step's keys and strings are gathered once instead of walking the step again for every identity value.
  let stepStrings: string[] | undefined;
  let strings: string[] | undefined;
  for (const other of foreign) {
    const { values, role } = foreignTexts(other, env);
    for (const text of values) {
      stepStrings ??= spelledStringsOf(site.step);
      if (stepStrings.some((piece) => piece.includes(text)))
        return { env: other, text, command: commands.find((c) => c.text.includes(text)) };
      const index = readingsOf().findIndex((pieces) => pieces.some((piece) => piece.includes(text)));
      if (index >= 0) return { env: other, text, command: commands[index] };
      // A `$NAME` whose value the request carries is read with that value (src/engine/variables.ts).
      const held = variables.list.length
        ? variableHolding(
            commands.map((command) => command.text),
            text,
            variables,
          )
        : undefined;
      if (held) return { env: other, text, command: commands[held.index], through: held.variable };
      const heldInStep = variables.list.length ? variableHolding(stepStrings, text, variables) : undefined;
      if (heldInStep) return { env: other, text, through: heldInStep.variable };
    }
    if (!role) continue;
    strings ??= [...(stepStrings ??= spelledStringsOf(site.step)), ...readingsOf().flat()];
    if (!strings.some((text) => role.pattern.test(text))) continue;
    const companion = role.company.find((c) => strings!.some((text) => c.pattern.test(text)));
    if (!companion) continue;
    const index = commands.findIndex(
      (c, i) => role.pattern.test(c.text) || readingsOf()[i].some((piece) => role.pattern.test(piece)),
    );
    return {
      env: other,
      text: `${role.role} with ${companion.text}`,
      command: index >= 0 ? commands[index] : undefined,
    };
  }
  return undefined;
}

const ROLE_LIKE_PIPE_VARIABLE = /ROLE|SERVICE_ACCOUNT|IMPERSONAT|WORKLOAD_IDENTITY/i;

function pipeVariableUse(name: string, value: string): CredentialUse | undefined {
  const spec = CREDENTIAL_VARIABLES[name];
  if (spec) return { ...spec, what: `sets ${name}`, value, variable: name };
  // `JAVA_TOOL_OPTIONS: -Daws.roleArn=…` and config text handed to a pipe.
  const inText = configTextUses(value)[0];
  if (inText) return { ...inText, what: `sets ${name}, which ${inText.what}` };
  if (!ROLE_LIKE_PIPE_VARIABLE.test(name)) return undefined;
  if (/WORKLOAD_IDENTITY/i.test(name))
    return { provider: 'gcp', field: 'workloadIdentityProvider', what: `sets ${name}`, value };
  if (/SERVICE_ACCOUNT|IMPERSONAT/i.test(name))
    return { provider: 'gcp', field: 'serviceAccount', what: `sets ${name}`, value };
  if (/VAULT/i.test(name)) return { provider: 'vault', field: 'vaultRole', what: `sets ${name}`, value };
  return { provider: 'aws', field: 'roleArn', what: `sets ${name}`, value };
}

/**
 * Services a step gets: those it names, and `docker` when it runs a pipe or the pipeline enables Docker for every step.
 */
function servicesOf(step: JsonObject, config: JsonObject): string[] {
  const named = Array.isArray(step.services) ? step.services.filter((s): s is string => typeof s === 'string') : [];
  const usesPipe = ['script', 'after-script'].some(
    (key) => Array.isArray(step[key]) && (step[key] as unknown[]).some((line) => isPlainObject(line) && 'pipe' in line),
  );
  const globalDocker = isPlainObject(config.options) && config.options.docker === true;
  return [...new Set([...named, ...(usesPipe || globalDocker ? ['docker'] : [])])];
}

/** One step under check: what every part of the check needs, and the one way to report. */
interface StepCheck {
  readonly context: ChainContext;
  readonly site: StepSite;
  readonly env: Environment;
  readonly setupLength: number;
  readonly warnMode: boolean;
  readonly asksForToken: boolean;
  readonly governed: ReadonlySet<string>;
  /** How many findings the check has reported so far. */
  reported: number;
  report(segments: Path, message: string, fix: string, disarm?: Disarm): void;
}

function stepCheck(context: ChainContext, site: StepSite, env: Environment, setupLength: number): StepCheck {
  const warnMode = context.policy.modeOf('oidc-role') === 'warn';
  const check: StepCheck = {
    context,
    site,
    env,
    setupLength,
    warnMode,
    asksForToken: requestsOidc(site.step, context.config),
    governed: governedProviders(context.policy.policy.environments),
    reported: 0,
    report(segments, message, fix, disarm) {
      check.reported++;
      const disarmed = warnMode && disarm ? disarm() : undefined;
      if (disarmed) site.changes.push(disarmed);
      context.report({
        rule: 'oidc-role',
        severity: 'high',
        site,
        segments,
        message,
        fix,
        mode: warnMode && !disarmed ? 'enforce' : undefined,
      });
    },
  };
  return check;
}

/**
 * What the reader knows about a step's lines before it reads one: the single place where known
 * variable values enter the reader (the step's own assignments; values seeded from outside the step go here too).
 */
export function stepReaderContext(commands: readonly ScriptCommand[]): ReaderContext {
  return readerContextOf(commands.map((command) => command.text));
}

function checkStep(context: ChainContext, site: StepSite, env: Environment, setupLength: number): void {
  const check = stepCheck(context, site, env, setupLength);
  const commands = commandsOf(site, setupLength);
  checkCommands(check, commands);
  checkPipes(check);
  checkAudiences(check);
  checkImageRoles(check);
  checkCaches(check);
  checkServices(check);
  checkTokenWithoutIdentity(check);
  checkLastResort(check, commands);
}

function checkCommands(check: StepCheck, commands: readonly ScriptCommand[]): void {
  const { site, env } = check;
  const reader = stepReaderContext(commands);
  for (const command of commands) {
    for (const use of credentialUsesIn(command.text, reader)) {
      if (!matters(use, env, check.asksForToken, check.governed) || isOwnUse(use, env)) continue;
      const disarm: Disarm = () => {
        (site.step[command.key] as unknown[])[command.index] = REMOVED_COMMAND;
        return `\`${command.key}\` line ${command.lineNumber} removed: it pointed at another cloud identity`;
      };
      check.report(
        command.segments,
        `runs in environment "${env.name}", but \`${command.key}\` line ${command.lineNumber} ` +
          describeUse(use, excerpt(use.value, 60)) +
          (use.provider === 'aws' ? '' : ` (${CLOUD_NAMES[use.provider]})`) +
          `: \`${excerpt(command.text)}\`.`,
        identityFix(env),
        disarm,
      );
    }
  }
}

function checkPipes(check: StepCheck): void {
  const { site, env } = check;
  for (const pipe of pipesOf(site)) {
    for (const [name, raw] of Object.entries(pipe.variables)) {
      const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
      const use = pipeVariableUse(name, value);
      if (!use || !matters(use, env, check.asksForToken, check.governed) || isOwnUse(use, env)) continue;
      if (use.field === 'vaultRole' && env.oidc?.provider === 'vault' && value === env.oidc.role) continue;
      const disarm: Disarm = () => {
        delete pipe.variables[name];
        return `pipe ${pipe.pipe}: variable ${name} removed, it pointed at another cloud identity`;
      };
      const own = env.oidc && providerOf(env.oidc) !== 'aws' ? ` (${describeIdentity(env.oidc)})` : '';
      check.report(
        [...pipe.segments, 'variables', name],
        `runs in environment "${env.name}", but pipe ${pipe.pipe} sets ${name} to "${excerpt(value, 60)}", ` +
          `which is not the environment's ${env.oidc && providerOf(env.oidc) !== 'aws' ? 'identity' : 'role'}${own}.`,
        env.oidc?.provider === undefined && env.oidc
          ? `Set ${name}: $AWS_ROLE_ARN (Pipeline Guard sets it to ${env.oidc.roleArn}) and \`oidc: true\` on the step.`
          : identityFix(env),
        disarm,
      );
    }
  }
}

/**
 * Another environment's custom audience in the step's token lets the token be exchanged where only that environment's
 * may.
 */
function checkAudiences(check: StepCheck): void {
  const { context, site, env } = check;
  const requested = isPlainObject(site.step.oidc)
    ? { value: site.step.oidc, segments: [...site.segments, 'step', 'oidc', 'audiences'] as Path }
    : site.step.oidc === undefined &&
        isPlainObject(context.config.options) &&
        isPlainObject(context.config.options.oidc)
      ? { value: context.config.options.oidc, segments: ['options', 'oidc', 'audiences'] as Path }
      : undefined;
  if (requested && Array.isArray(requested.value.audiences)) {
    const ownAudience = env.oidc?.audience;
    for (const other of context.policy.policy.environments) {
      const audience = other.oidc?.audience;
      if (other === env || !audience || audience === ownAudience || !requested.value.audiences.includes(audience))
        continue;
      check.report(
        requested.segments,
        `runs in environment "${env.name}", but asks for a token with audience "${excerpt(audience, 60)}", ` +
          `the custom audience of environment "${other.name}" ` +
          `(\`${requested.segments[0] === 'options' ? 'options.' : ''}oidc: { audiences: … }\`).`,
        ownAudience
          ? `Ask for "${ownAudience}", the audience of "${env.name}", instead.`
          : `Remove "${audience}" from \`audiences\`: environment "${env.name}" has no custom audience, ` +
              'so `oidc: true` is enough.',
      );
    }
  }
}

const ownAwsRole = (env: Environment) =>
  env.oidc && providerOf(env.oidc) === 'aws' && 'roleArn' in env.oidc ? env.oidc.roleArn : undefined;

function awsRoleFix(env: Environment, field: string): string {
  const ownRole = ownAwsRole(env);
  if (ownRole) return `Use \`oidc-role: ${ownRole}\`, the role of "${env.name}".`;
  const identity = env.oidc ? ` (its identity is the ${describeIdentity(env.oidc)})` : '';
  return (
    `Remove \`${field}\`: environment "${env.name}" has no AWS role${identity}; ` +
    'ask a workspace admin if this step needs one.'
  );
}

/** Image roles are AWS roles: they matter only where the policy governs AWS. */
function checkImageRole(check: StepCheck, image: unknown, segments: () => Path, what: string): void {
  const { env } = check;
  const ownRole = ownAwsRole(env);
  const oidcRole = isPlainObject(image) && isPlainObject(image.aws) ? image.aws['oidc-role'] : undefined;
  if (oidcRole === undefined || !check.governed.has('aws') || (ownRole && oidcRole === ownRole)) return;
  check.report(
    segments(),
    `runs in environment "${env.name}", but ${what} ${imageName(image) ?? ''} ` +
      `is pulled with role "${excerpt(String(oidcRole), 80)}" (\`image.aws.oidc-role\`).`,
    awsRoleFix(env, 'image.aws.oidc-role'),
  );
}

/**
 * The step's image, and a self-hosted runner's artifact and cache storage, which can assume a role with the step's
 * token too.
 */
function checkImageRoles(check: StepCheck): void {
  const { context, site, env } = check;
  const ownRole = ownAwsRole(env);
  const ownImage = site.step.image;
  checkImageRole(
    check,
    ownImage ?? context.config.image,
    () =>
      ownImage !== undefined ? [...site.segments, 'step', 'image', 'aws', 'oidc-role'] : ['image', 'aws', 'oidc-role'],
    'its image',
  );
  const storageRole = (runtime: unknown): unknown => {
    const selfHosted = isPlainObject(runtime) ? runtime['self-hosted'] : undefined;
    const storage = isPlainObject(selfHosted) ? selfHosted.storage : undefined;
    return isPlainObject(storage) && isPlainObject(storage.aws) ? storage.aws['oidc-role'] : undefined;
  };
  const ownRuntime = site.step.runtime !== undefined;
  const runtimeRole = storageRole(
    ownRuntime ? site.step.runtime : isPlainObject(context.config.options) ? context.config.options.runtime : undefined,
  );
  if (runtimeRole !== undefined && check.governed.has('aws') && !(ownRole && runtimeRole === ownRole))
    check.report(
      ownRuntime
        ? [...site.segments, 'step', 'runtime', 'self-hosted', 'storage', 'aws', 'oidc-role']
        : ['options', 'runtime', 'self-hosted', 'storage', 'aws', 'oidc-role'],
      `runs in environment "${env.name}", but its runner storage uses role "${excerpt(String(runtimeRole), 80)}" ` +
        '(`runtime.self-hosted.storage.aws.oidc-role`).',
      ownRole
        ? `Use \`oidc-role: ${ownRole}\`, the role of "${env.name}", or remove it.`
        : awsRoleFix(env, 'runtime.self-hosted.storage.aws.oidc-role'),
    );
}

/**
 * A cache is saved by one step and restored in every step and branch that names it: one holding the
 * directory where a cloud CLI keeps its login would hand this environment's credentials to others.
 */
function checkCaches(check: StepCheck): void {
  const { context, site, env } = check;
  if (env.oidc && Array.isArray(site.step.caches)) {
    const definedCaches =
      isPlainObject(context.config.definitions) && isPlainObject(context.config.definitions.caches)
        ? context.config.definitions.caches
        : {};
    site.step.caches.forEach((name, index) => {
      if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(definedCaches, name)) return;
      const definition = definedCaches[name];
      const cachePath =
        typeof definition === 'string'
          ? definition
          : isPlainObject(definition) && typeof definition.path === 'string'
            ? definition.path
            : undefined;
      if (cachePath === undefined || !holdsCredentials(cachePath)) return;
      check.report(
        [...site.segments, 'step', 'caches', index],
        `runs in environment "${env.name}" with the ${describeIdentity(env.oidc!)}, ` +
          `but caches "${name}" (\`${excerpt(cachePath, 60)}\`), ` +
          'where the AWS, gcloud or Vault CLI keeps credentials: ' +
          'the cache is restored in other steps and branches.',
        `Remove "${name}" from \`caches\` of this step. Cache a narrower directory that holds no credentials ` +
          "(for gcloud components, the SDK's install directory), never ~/.config/gcloud, ~/.aws or ~/.vault-token.",
      );
    });
  }
}

/** Service containers are pulled for the step too, with the step's token, and get their own variables. */
function checkServices(check: StepCheck): void {
  const { context, site, env } = check;
  const definitions = isPlainObject(context.config.definitions) ? context.config.definitions : undefined;
  const services = definitions && isPlainObject(definitions.services) ? definitions.services : {};
  for (const name of Object.keys(services).length ? servicesOf(site.step, context.config) : []) {
    const service = Object.prototype.hasOwnProperty.call(services, name) ? services[name] : undefined;
    if (!isPlainObject(service)) continue;
    checkImageRole(
      check,
      service.image,
      () => ['definitions', 'services', name, 'image', 'aws', 'oidc-role'],
      `its service "${name}" uses image`,
    );
    const variables = isPlainObject(service.variables) ? service.variables : {};
    for (const [variable, raw] of Object.entries(variables)) {
      const use = pipeVariableUse(variable, typeof raw === 'string' ? raw : JSON.stringify(raw));
      if (!use || !matters(use, env, check.asksForToken, check.governed) || isOwnUse(use, env)) continue;
      check.report(
        ['definitions', 'services', name, 'variables', variable],
        `runs in environment "${env.name}", but its service "${name}" sets ${variable} ` +
          `to "${excerpt(use.value, 60)}" (${CLOUD_NAMES[use.provider]}).`,
        `Remove ${variable} from the service; service containers get no identity of their own.`,
      );
    }
  }
}

function checkTokenWithoutIdentity(check: StepCheck): void {
  const { site, env } = check;
  if (check.asksForToken && !env.oidc)
    check.report(
      [...site.segments, 'step', 'oidc'],
      'asks for an OIDC token (' +
        (site.step.oidc === true
          ? '`oidc: true`'
          : site.step.oidc !== undefined
            ? '`oidc: { audiences: … }`'
            : '`options.oidc`') +
        `), but its environment "${env.name}" grants no AWS role. It has no GCP or Vault identity either.`,
      `Remove \`oidc\`${site.step.oidc === undefined ? ' (or set `oidc: false` on this step)' : ''}, ` +
        `or ask a workspace admin to give "${env.name}" an OIDC identity.`,
      () => {
        site.step.oidc = false;
        return '`oidc` set to false: the environment grants no cloud identity';
      },
    );
}

/**
 * The word reader cannot read every tool (boto3, --cli-input-json, files in the repository…); another
 * environment's identity written out anywhere in the step is reason enough to stop it. In warn mode
 * this looks at what is left after disarming, so that a second pass over the output decides the same.
 */
function checkLastResort(check: StepCheck, commands: readonly ScriptCommand[]): void {
  const { context, site, env, setupLength } = check;
  if (check.reported > 0 && !check.warnMode) return;
  const foreign = foreignIdentities(context.policy.policy.environments, env);
  // A disarmed command changed the script since `commands` was read.
  const current = check.reported > 0 ? commandsOf(site, setupLength) : commands;
  const other = foreign.length ? foreignMention(site, current, foreign, env, context.variables) : undefined;
  if (!other) return;
  const command = other.command;
  const where = command
    ? `\`${command.key}\` line ${command.lineNumber} (\`${excerpt(command.text)}\`)`
    : `the step definition ("${excerpt(other.text, 80)}")`;
  const outOfScope = context.environments.includes(other.env)
    ? ''
    : `, whose scope leaves ${context.repository ? context.repository.fullName : "this run's repository"} out`;
  const through = other.through
    ? ` through $${other.through.key}: ` +
      `the ${describeVariable(other.through)} holds "${excerpt(other.through.value, 100)}"`
    : '';
  const named = `${identityOf(other.env)}${outOfScope}${through}`;
  const message = `runs in environment "${env.name}", but ${where} names the ${named}.`;
  check.report(command?.segments ?? [...site.segments, 'step'], message, identityFix(env));
}

/**
 * Places outside the steps that still reach them: a custom pipeline's `variables` (names, defaults,
 * allowed values), the `input-variables` a child-pipeline step hands its pipeline, stage fields,
 * and the global sections. Each may name an identity only if every step it reaches holds it.
 */
function checkIndirect(context: ChainContext): void {
  const withIdentity = context.policy.policy.environments.filter((env) => env.oidc);
  if (
    !withIdentity.length &&
    !context.steps.some((s) => s.isChildPipeline) &&
    !context.definitions.some((d) => d.section === 'custom')
  )
    return;
  const check = indirectCheck(context, withIdentity);
  for (const definition of context.definitions) checkDefinitionPlaces(check, definition);
  checkChildPipelineInputs(check);
  if (!context.steps.some((s) => !s.injected)) return;
  checkGlobalPlaces(check);
}

/** The places outside any step that can hand an identity to the steps they reach, and how each is judged. */
interface IndirectCheck {
  readonly context: ChainContext;
  /** The environments the steps reach, by the steps (Pipeline Guard's own steps reach none). */
  envsOf(steps: readonly StepSite[]): Set<Environment>;
  /** Reports a place that names an identity foreign to some environment it reaches. */
  checkPlace(value: unknown, segments: Path, reachedBy: () => Set<Environment>, where: string): void;
  /** Reports variables, by name, that choose the credentials of a governed cloud. */
  checkVariableNames(names: Array<[string, Path]>, where: string): void;
}

function indirectCheck(context: ChainContext, withIdentity: readonly Environment[]): IndirectCheck {
  const environments = context.policy.policy.environments;
  const report = (segments: Path, message: string, fix: string) =>
    context.report({
      rule: 'oidc-role',
      severity: 'high',
      segments,
      message,
      fix,
      mode: context.policy.modeOf('oidc-role') === 'warn' ? 'enforce' : undefined,
    });
  const foreignTo = (reached: Set<Environment>) =>
    withIdentity.filter((env) =>
      [...reached].some(
        (holder) => !holder.oidc || identityValues(holder.oidc).join() !== identityValues(env.oidc!).join(),
      ),
    );
  return {
    context,
    envsOf: (steps) =>
      new Set(steps.filter((s) => !s.injected).map((s) => s.environment ?? context.policy.defaultEnvironment)),
    // Most places name no identity at all: one walk decides that before any step is looked at.
    checkPlace(value, segments, reachedBy, where) {
      if (!mentionedIdentity(value, withIdentity)) return;
      const reached = reachedBy();
      const hit = reached.size ? mentionedIdentity(value, foreignTo(reached)) : undefined;
      if (hit)
        report(
          segments,
          `${where} names the ${describeIdentity(hit.env.oidc!)} of environment "${hit.env.name}", ` +
            `and it reaches steps of ${[...reached]
              .filter((e) => e !== hit.env)
              .map((e) => `"${e.name}"`)
              .join(', ')}.`,
          "Remove it. Pipeline Guard gives each step its own environment's identity; " +
            `steps that need the "${hit.env.name}" identity get it with \`oidc: true\`.`,
        );
    },
    checkVariableNames(names, where) {
      for (const [name, segments] of names)
        if (name in CREDENTIAL_VARIABLES && governedProviders(environments).has(CREDENTIAL_VARIABLES[name].provider))
          report(
            segments,
            `${where} sets ${name}, which chooses the ` +
              `${CLOUD_NAMES[CREDENTIAL_VARIABLES[name].provider]} credentials of every step it reaches.`,
            `Remove the variable ${name}; Pipeline Guard sets up each step's identity itself.`,
          );
    },
  };
}

/** A custom pipeline's variables and each stage's own fields reach the steps of their definition. */
function checkDefinitionPlaces(check: IndirectCheck, definition: DefinitionSite): void {
  const { context, envsOf, checkPlace } = check;
  const steps = () => context.steps.filter((s) => s.definition === definition);
  const first = definition.items[0];
  if (definition.section === 'custom' && isPlainObject(first) && Array.isArray(first.variables)) {
    const segments: Path = [...definition.segments, 0, 'variables'];
    check.checkVariableNames(
      first.variables.flatMap((v, i): Array<[string, Path]> =>
        isPlainObject(v) && typeof v.name === 'string' ? [[v.name, [...segments, i, 'name']]] : [],
      ),
      `custom pipeline "${definition.key}" has a variable that`,
    );
    checkPlace(
      first.variables,
      segments,
      () => envsOf(steps()),
      `a variable of custom pipeline "${definition.key}" (its default or allowed values)`,
    );
  }
  definition.items.forEach((item, index) => {
    if (!isPlainObject(item) || !isPlainObject(item.stage)) return;
    const { steps: _steps, ...stageFields } = item.stage;
    checkPlace(
      stageFields,
      [...definition.segments, index, 'stage'],
      () => envsOf(steps().filter((s) => s.topLevelIndex === index)),
      'a stage',
    );
  });
}

/** A child-pipeline step's `input-variables` reach the child pipeline, judged with the step's environment. */
function checkChildPipelineInputs(check: IndirectCheck): void {
  const { context } = check;
  for (const site of context.steps) {
    if (!site.isChildPipeline) continue;
    const inputs = site.step['input-variables'];
    if (!isPlainObject(inputs)) continue;
    const segments: Path = [...site.segments, 'step', 'input-variables'];
    check.checkVariableNames(
      Object.keys(inputs).map((name): [string, Path] => [name, [...segments, name]]),
      `child-pipeline step "${site.name ?? site.path}" hands its pipeline a variable that`,
    );
    check.checkPlace(
      inputs,
      segments,
      () => new Set([site.environment ?? context.policy.defaultEnvironment]),
      `the \`input-variables\` of child-pipeline step "${site.name ?? site.path}"`,
    );
  }
}

/** Top-level keys and `definitions` reach every step (a service only the steps that use it). */
function checkGlobalPlaces(check: IndirectCheck): void {
  const { context, envsOf, checkPlace } = check;
  const all = () => envsOf(context.steps);
  for (const [key, value] of Object.entries(context.config)) {
    // `image` is judged for each step that uses it (its `aws.oidc-role`), with the step's environment.
    if (key === 'pipelines' || key === 'labels' || key === 'image') continue;
    if (key === 'definitions' && isPlainObject(value)) {
      for (const [section, content] of Object.entries(value)) {
        if (section === 'services' && isPlainObject(content)) {
          for (const [name, service] of Object.entries(content)) {
            const users = () =>
              envsOf(
                context.steps.filter((s) => !s.isChildPipeline && servicesOf(s.step, context.config).includes(name)),
              );
            // Its image's `aws.oidc-role` is judged for each step that uses the service; a service no step uses
            // reaches none.
            const { image: _image, ...rest } = isPlainObject(service) ? service : { image: undefined };
            checkPlace(rest, ['definitions', 'services', name], users, `service "${name}"`);
          }
        } else checkPlace(content, ['definitions', section], all, `\`definitions.${section}\``);
      }
      continue;
    }
    checkPlace(value, [key], all, `the global \`${key}\``);
  }
}

export const oidcRole: Transform = {
  id: 'oidc-role',
  description:
    "Puts the environment's cloud identity setup (AWS, GCP or Vault) before the script of every step " +
    'that asks for an OIDC token and blocks any other role, service account, Vault role, token file or profile.',

  apply(context) {
    if (context.policy.modeOf('oidc-role') === 'off') return;
    for (const site of context.steps) {
      const env = site.environment;
      if (!env || site.injected || site.isChildPipeline) continue;
      const setup = oidcSetupLines(env);
      const script = Array.isArray(site.step.script) ? site.step.script : undefined;
      const setupLength = setupLineCount(site);
      checkStep(context, site, env, setupLength);

      if (!requestsOidc(site.step, context.config) || !env.oidc || setupLength > 0) continue;
      if (script) script.unshift(...setup);
      else site.step.script = [...setup];
      site.scriptShift = setup.length;
      site.changes.push(`OIDC setup for the ${describeIdentity(env.oidc)} added before the script`);
    }
    checkIndirect(context);
    reportSteeringVariables(context);
  },
};
