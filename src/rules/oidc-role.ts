import { imageName } from '../engine/image';
import { isPlainObject } from '../engine/clone';
import { commandsOf, excerpt, pipesOf } from '../engine/script';
import { shellQuote } from '../engine/shell';
import type { ChainContext, StepSite, Transform } from '../engine/types';
import type { Environment } from '../policy/schema';

const TOKEN_FILE_NAME = 'web-identity-token';

/** An environment's setup lines never change within a compiled policy, and every step reads them. */
const setupCache = new WeakMap<Environment, readonly string[]>();

/**
 * The lines put before a step's own script. The token file goes into a fresh private directory
 * outside the clone directory, because an `artifacts` glob can only upload files inside the clone.
 * Static keys and profiles are cleared so that the AWS SDK cannot prefer them over the role.
 */
export function oidcSetupLines(env: Environment): readonly string[] {
  const cached = setupCache.get(env);
  if (cached) return cached;
  const lines = env.oidc
    ? [
        'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE',
        `export AWS_REGION=${shellQuote(env.oidc.region)} AWS_DEFAULT_REGION=${shellQuote(env.oidc.region)}`,
        `export AWS_ROLE_ARN=${shellQuote(env.oidc.roleArn)}`,
        `export AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp -d)/${TOKEN_FILE_NAME}"`,
        `(umask 077 && printf '%s' "$BITBUCKET_STEP_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE")`,
      ]
    : [];
  setupCache.set(env, lines);
  return lines;
}

function startsWithLines(script: unknown[], lines: readonly string[]): boolean {
  return lines.length > 0 && script.length >= lines.length && lines.every((line, i) => script[i] === line);
}

/** How many of the step's first script lines are Pipeline Guard's own setup for its environment. */
export function setupLineCount(site: StepSite): number {
  if (!site.environment) return 0;
  const setup = oidcSetupLines(site.environment);
  return Array.isArray(site.step.script) && startsWithLines(site.step.script, setup) ? setup.length : 0;
}

const ROLE_VARIABLE_REFERENCE = /^\$\{?AWS_ROLE_ARN\}?$/;
const ASSIGNMENT = /\b(AWS_ROLE_ARN|AWS_WEB_IDENTITY_TOKEN_FILE|AWS_PROFILE|AWS_CONFIG_FILE|AWS_SHARED_CREDENTIALS_FILE)\s*=\s*("[^"]*"|'[^']*'|[^\s;&|)]*)/g;
const ROLE_FLAG = /--role-arn(?:\s*=\s*|\s+)("[^"]*"|'[^']*'|[^\s;&|)]+)/g;
const PROFILE_FLAG = /--profile(?:\s*=\s*|\s+)("[^"]*"|'[^']*'|[^\s;&|)]+)/g;
const CONFIG_ROLE = /\b(role_arn|web_identity_token_file|credential_process|source_profile)\s*=\s*(\S+)/g;

const unquote = (value: string) => value.replace(/^(["'])(.*)\1$/, '$2');

interface RoleUse {
  readonly what: string;
  readonly value: string;
}

/**
 * Every pattern below needs one of these words, in this case (variable names and flags are
 * case-sensitive); most commands, `aws …` calls included, have none and skip four scans.
 */
const ROLE_WORDS = /AWS_|--role-arn|--profile|role_arn|web_identity_token_file|credential_process|source_profile/;

/** Every place a command line points the AWS SDK at a role, a token file or a profile. */
export function roleUsesIn(text: string): RoleUse[] {
  const uses: RoleUse[] = [];
  if (!ROLE_WORDS.test(text)) return uses;
  for (const match of text.matchAll(ASSIGNMENT)) uses.push({ what: `sets ${match[1]}`, value: unquote(match[2]) });
  for (const match of text.matchAll(ROLE_FLAG)) uses.push({ what: 'passes --role-arn', value: unquote(match[1]) });
  if (/\baws\b/.test(text)) for (const match of text.matchAll(PROFILE_FLAG)) uses.push({ what: 'passes --profile', value: unquote(match[1]) });
  for (const match of text.matchAll(CONFIG_ROLE)) uses.push({ what: `writes ${match[1]}`, value: unquote(match[2]) });
  return uses;
}

function pointsAtOwnRole(use: RoleUse, env: Environment): boolean {
  if (!env.oidc) return false;
  if (use.what === 'sets AWS_ROLE_ARN' || use.what === 'passes --role-arn' || use.what === 'writes role_arn')
    return use.value === env.oidc.roleArn || ROLE_VARIABLE_REFERENCE.test(use.value);
  return false;
}

function roleFix(env: Environment): string {
  return env.oidc
    ? `Delete it. With \`oidc: true\` on the step, Pipeline Guard sets AWS_ROLE_ARN to the "${env.name}" role (${env.oidc.roleArn}) and writes the token file itself.`
    : `Delete it. Environment "${env.name}" grants no AWS role; ask a workspace admin if this step needs one.`;
}

/** The command as the shell reads its words: `AWS_ROLE''_ARN` and `AWS_ROLE\_ARN` both set AWS_ROLE_ARN. */
function shellWords(text: string): string {
  return text.replace(/''|""|\\(?=[\w-])/g, '');
}

const REMOVED_COMMAND = `echo ${shellQuote('Pipeline Guard removed a command here that pointed at another AWS role (oidc-role, warn mode)')}`;

/**
 * In warn mode the run goes on, so whatever pointed at another role is taken out first; `disarm`
 * does that and says what it did, or returns undefined where nothing safe can be taken out, in
 * which case the finding is enforced after all.
 */
type Disarm = () => string | undefined;

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

function checkStep(context: ChainContext, site: StepSite, env: Environment, setupLength: number): void {
  const warnMode = context.policy.modeOf('oidc-role') === 'warn';
  let reported = 0;
  const report = (segments: StepSite['segments'], message: string, fix: string, disarm?: Disarm) => {
    reported++;
    const disarmed = warnMode && disarm ? disarm() : undefined;
    if (disarmed) site.changes.push(disarmed);
    context.report({ rule: 'oidc-role', severity: 'high', site, segments, message, fix, mode: warnMode && !disarmed ? 'enforce' : undefined });
  };

  for (const command of commandsOf(site, setupLength)) {
    for (const use of roleUsesIn(shellWords(command.text))) {
      if (pointsAtOwnRole(use, env)) continue;
      const disarm: Disarm = () => {
        (site.step[command.key] as unknown[])[command.index] = REMOVED_COMMAND;
        return `\`${command.key}\` line ${command.lineNumber} removed: it pointed at another AWS role`;
      };
      report(command.segments, `runs in environment "${env.name}", but \`${command.key}\` line ${command.lineNumber} ${use.what} to "${excerpt(use.value, 60)}": \`${excerpt(command.text)}\`.`, roleFix(env), disarm);
    }
  }

  for (const pipe of pipesOf(site)) {
    for (const [name, raw] of Object.entries(pipe.variables)) {
      if (!/ROLE/i.test(name)) continue;
      const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
      const own = env.oidc && (value === env.oidc.roleArn || ROLE_VARIABLE_REFERENCE.test(value));
      if (own) continue;
      const disarm: Disarm = () => {
        delete pipe.variables[name];
        return `pipe ${pipe.pipe}: variable ${name} removed, it pointed at another AWS role`;
      };
      report([...pipe.segments, 'variables', name], `runs in environment "${env.name}", but pipe ${pipe.pipe} sets ${name} to "${excerpt(value, 60)}", which is not the environment's role.`, env.oidc ? `Set ${name}: $AWS_ROLE_ARN (Pipeline Guard sets it to ${env.oidc.roleArn}) and \`oidc: true\` on the step.` : roleFix(env), disarm);
    }
  }

  const checkImage = (image: unknown, segments: () => StepSite['segments'], what: string) => {
    const oidcRole = isPlainObject(image) && isPlainObject(image.aws) ? image.aws['oidc-role'] : undefined;
    if (oidcRole === undefined || (env.oidc && oidcRole === env.oidc.roleArn)) return;
    report(segments(), `runs in environment "${env.name}", but ${what} ${imageName(image) ?? ''} is pulled with role "${excerpt(String(oidcRole), 80)}" (\`image.aws.oidc-role\`).`, env.oidc ? `Use \`oidc-role: ${env.oidc.roleArn}\`, the role of "${env.name}".` : roleFix(env));
  };
  const ownImage = site.step.image;
  checkImage(ownImage ?? context.config.image, () => (ownImage !== undefined ? [...site.segments, 'step', 'image', 'aws', 'oidc-role'] : ['image', 'aws', 'oidc-role']), 'its image');
  // Service containers are pulled for the step too, with the step's token.
  const definitions = isPlainObject(context.config.definitions) ? context.config.definitions : undefined;
  const services = definitions && isPlainObject(definitions.services) ? definitions.services : {};
  for (const name of Array.isArray(site.step.services) ? site.step.services : []) {
    const service = typeof name === 'string' && Object.prototype.hasOwnProperty.call(services, name) ? services[name] : undefined;
    if (isPlainObject(service)) checkImage(service.image, () => ['definitions', 'services', name as string, 'image', 'aws', 'oidc-role'], `its service "${name}" uses image`);
  }

  if (site.step.oidc === true && !env.oidc)
    report([...site.segments, 'step', 'oidc'], `asks for an OIDC token (\`oidc: true\`), but its environment "${env.name}" grants no AWS role.`, `Remove \`oidc: true\`, or ask a workspace admin to give "${env.name}" an OIDC role.`, () => {
      delete site.step.oidc;
      return '`oidc: true` removed: the environment grants no AWS role';
    });

  // The patterns above cannot read every tool (boto3, --cli-input-json, aws configure set…); another
  // environment's role written out anywhere in the step is reason enough to stop it. In warn mode this
  // looks at what is left after disarming, so that a second pass over the output decides the same.
  if (reported > 0 && !warnMode) return;
  const other = context.policy.policy.environments.find((e) => e.oidc && e.oidc.roleArn !== env.oidc?.roleArn && mentions(site.step, e.oidc.roleArn));
  if (!other?.oidc) return;
  const command = commandsOf(site, setupLength).find((c) => c.text.includes(other.oidc!.roleArn));
  const where = command ? `\`${command.key}\` line ${command.lineNumber} (\`${excerpt(command.text)}\`)` : 'the step definition';
  report(command?.segments ?? [...site.segments, 'step'], `runs in environment "${env.name}", but ${where} names the role of environment "${other.name}" (${other.oidc.roleArn}).`, roleFix(env));
}

export const oidcRole: Transform = {
  id: 'oidc-role',
  description: "Puts the environment's AWS role setup before the script of every `oidc: true` step and blocks any other role, token file or profile.",
  apply(context) {
    if (context.policy.modeOf('oidc-role') === 'off') return;
    for (const site of context.steps) {
      const env = site.environment;
      if (!env || site.injected || site.isChildPipeline) continue;
      const setup = oidcSetupLines(env);
      const script = Array.isArray(site.step.script) ? site.step.script : undefined;
      const setupLength = setupLineCount(site);
      checkStep(context, site, env, setupLength);

      if (site.step.oidc !== true || !env.oidc || setupLength > 0) continue;
      if (script) script.unshift(...setup);
      else site.step.script = [...setup];
      site.scriptShift = setup.length;
      site.changes.push(`OIDC setup for ${env.oidc.roleArn} (${env.oidc.region}) added before the script`);
    }
  },
};
