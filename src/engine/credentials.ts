/**
 * Every way a command chooses a cloud identity, read from its shell words (src/engine/shell-words.ts):
 * the environment variables and config keys through which the AWS SDKs and CLI, gcloud and Google's
 * client libraries, and the Vault CLI pick credentials, a role, a token file, a profile or a server;
 * every bash form that sets a variable; and the commands that write them. docs/rules/oidc-role.md
 * lists the forms and the known limits. Pure and free of policy types: the rule decides whose
 * identity a use names.
 */
import { shellQuote } from './shell';
import { parseShell, type SimpleCommand } from './shell-words';

export type CloudProvider = 'aws' | 'gcp' | 'vault';
/**
 * What the value names. `selector`s point at an identity (a role, a profile, a service account, a
 * Vault role or server) and are checked in every step; `secret`s are credentials themselves (static
 * keys, key files, tokens), which only matter where they would override the identity Pipeline Guard set up.
 */
export type CredentialField = 'roleArn' | 'tokenFile' | 'profile' | 'awsConfig' | 'serviceAccount' | 'workloadIdentityProvider' | 'vaultAddress' | 'vaultLogin' | 'vaultRole' | 'vaultNamespace' | 'secret';

export interface CredentialUse {
  readonly provider: CloudProvider;
  readonly field: CredentialField;
  /** "sets AWS_ROLE_ARN", "passes --impersonate-service-account", "logs in to Vault"… */
  readonly what: string;
  readonly value: string;
  /** The variable the use assigns: `NAME=$NAME` passes its value through unchanged. Flags assign none. */
  readonly variable?: string;
  /** What joins `what` to the value in a message (default " to"); `null` when `what` already names the value. */
  readonly link?: string | null;
}

/** The use in a developer's words: `sets AWS_ROLE_ARN to "…"`, `appends to AWS_ROLE_ARN, making it "…"`, `writes ~/.aws/config`. */
export function describeUse(use: CredentialUse, shownValue: string): string {
  return use.link === null ? use.what : `${use.what}${use.link ?? ' to'} "${shownValue}"`;
}

interface VariableSpec {
  readonly provider: CloudProvider;
  readonly field: CredentialField;
}

const v = (provider: CloudProvider, field: CredentialField): VariableSpec => ({ provider, field });

/** Environment variables that choose credentials (AWS CLI/SDK "Environment variables" docs, gcloud properties, Google auth libraries, Vault CLI). */
export const CREDENTIAL_VARIABLES: Readonly<Record<string, VariableSpec>> = {
  AWS_ROLE_ARN: v('aws', 'roleArn'),
  AWS_WEB_IDENTITY_TOKEN_FILE: v('aws', 'tokenFile'),
  AWS_PROFILE: v('aws', 'profile'),
  AWS_DEFAULT_PROFILE: v('aws', 'profile'),
  AWS_CONFIG_FILE: v('aws', 'awsConfig'),
  AWS_SHARED_CREDENTIALS_FILE: v('aws', 'awsConfig'),
  AWS_CONTAINER_CREDENTIALS_FULL_URI: v('aws', 'awsConfig'),
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: v('aws', 'awsConfig'),
  AWS_CONTAINER_AUTHORIZATION_TOKEN: v('aws', 'secret'),
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: v('aws', 'secret'),
  AWS_ACCESS_KEY_ID: v('aws', 'secret'),
  AWS_SECRET_ACCESS_KEY: v('aws', 'secret'),
  AWS_SESSION_TOKEN: v('aws', 'secret'),
  AWS_SECURITY_TOKEN: v('aws', 'secret'),
  GOOGLE_APPLICATION_CREDENTIALS: v('gcp', 'secret'),
  GOOGLE_CREDENTIALS: v('gcp', 'secret'),
  GOOGLE_OAUTH_ACCESS_TOKEN: v('gcp', 'secret'),
  GOOGLE_CLOUD_KEYFILE_JSON: v('gcp', 'secret'),
  GCLOUD_KEYFILE_JSON: v('gcp', 'secret'),
  GOOGLE_IMPERSONATE_SERVICE_ACCOUNT: v('gcp', 'serviceAccount'),
  CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT: v('gcp', 'serviceAccount'),
  CLOUDSDK_CORE_ACCOUNT: v('gcp', 'serviceAccount'),
  CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: v('gcp', 'secret'),
  CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: v('gcp', 'secret'),
  CLOUDSDK_CONFIG: v('gcp', 'secret'),
  CLOUDSDK_ACTIVE_CONFIG_NAME: v('gcp', 'secret'),
  VAULT_ADDR: v('vault', 'vaultAddress'),
  VAULT_AGENT_ADDR: v('vault', 'vaultAddress'),
  VAULT_NAMESPACE: v('vault', 'vaultNamespace'),
  VAULT_TOKEN: v('vault', 'secret'),
  VAULT_CLIENT_CERT: v('vault', 'secret'),
  VAULT_CLIENT_KEY: v('vault', 'secret'),
  // The private directory Pipeline Guard's GCP setup writes the token and credential file to
  // (src/rules/oidc-setup.ts): a step that points it elsewhere chooses which file counts as "its own".
  PIPELINE_GUARD_OIDC_DIR: v('gcp', 'tokenFile'),
};

/** Keys of ~/.aws/config and ~/.aws/credentials that choose credentials (AWS CLI "Configuration and credential file settings"). */
export const AWS_CONFIG_KEYS: Readonly<Record<string, CredentialField>> = {
  role_arn: 'roleArn',
  web_identity_token_file: 'tokenFile',
  source_profile: 'profile',
  credential_source: 'awsConfig',
  credential_process: 'awsConfig',
  sso_session: 'awsConfig',
  sso_start_url: 'awsConfig',
  sso_account_id: 'awsConfig',
  sso_role_name: 'awsConfig',
  aws_access_key_id: 'secret',
  aws_secret_access_key: 'secret',
  aws_session_token: 'secret',
};

/** gcloud properties (`gcloud config set …`) that choose the identity. */
const GCLOUD_PROPERTIES: Readonly<Record<string, CredentialField>> = {
  account: 'serviceAccount',
  'core/account': 'serviceAccount',
  'auth/impersonate_service_account': 'serviceAccount',
  'auth/credential_file_override': 'secret',
  'auth/access_token_file': 'secret',
};

const AWS_TOOLS = new Set(['aws', 'aws2', 'sam', 'cdk', 'eb', 'copilot', 'serverless', 'sls', 'chalice', 'cdk8s', 'awslocal', 'samlocal']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'busybox']);
const WRAPPERS = new Set(['sudo', 'command', 'exec', 'time', 'nice', 'nohup', 'builtin', 'stdbuf', 'timeout', 'xargs', 'doas', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', '{', 'retry']);
const DECLARERS = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);
const READERS = new Set(['read', 'mapfile', 'readarray', 'getopts']);
const FILE_WRITERS = new Set(['tee', 'cp', 'mv', 'install', 'ln', 'rsync', 'dd']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VARIABLE_NAMES = Object.keys(CREDENTIAL_VARIABLES).join('|');
/** `NAME=value` and `NAME+=value` anywhere in a word (`docker run -e NAME=…`, `--env=NAME=…`, text written to a file). */
const ASSIGNMENT_IN_WORD = new RegExp(`(?<![A-Za-z0-9_])(${VARIABLE_NAMES})(\\+?=)([^\\s;&|'"]*)`, 'g');
/** `${NAME:=value}` and `${NAME=value}` assign when NAME is unset. */
const DEFAULT_ASSIGNMENT = new RegExp(`\\$\\{(${VARIABLE_NAMES}):?=([^}]*)\\}`, 'g');
const CONFIG_KEY_TEXT = new RegExp(`(${Object.keys(AWS_CONFIG_KEYS).join('|')})[ \\t]*=[ \\t]*([^\\s'"\\\\]+)`, 'g');
/** Files whose content chooses credentials. */
const CREDENTIAL_FILES = /(?:^|\/)\.aws\/(?:config|credentials)$|(?:^|\/)\.vault-token$|(?:^|\/)\.config\/gcloud(?:\/|$)|^\$\{?(?:AWS_CONFIG_FILE|AWS_SHARED_CREDENTIALS_FILE)\}?$/;
/**
 * Quick filters, so that most commands skip the word reader: every name and key above holds a `_`,
 * and the other forms are spelled out below; a name split by quoting, escapes or braces holds one of
 * those characters instead. Without them a command must name one of the forms contiguously.
 */
const MAYBE = /[_'"\\{]|--role-arn|--profile|gcloud|vault|\.aws|\.config|workloadIdentityPools|gserviceaccount/;
const QUOTING = /['"\\{]/;
const CONTIGUOUS = new RegExp(`${VARIABLE_NAMES}|--role-arn|--profile|${Object.keys(AWS_CONFIG_KEYS).join('|')}|gcloud|vault|\\.aws|\\.config|workloadIdentityPools|gserviceaccount`);

const basename = (word: string) => word.slice(word.lastIndexOf('/') + 1);

/** Options of wrappers that take a value: `sudo -u ci aws …` runs `aws`. */
const WRAPPER_OPTIONS_WITH_VALUE: Readonly<Record<string, readonly string[]>> = {
  sudo: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U'],
  doas: ['-u', '-C'],
  nice: ['-n'],
  timeout: ['-s', '-k', '--signal', '--kill-after'],
  xargs: ['-I', '-n', '-P', '-d', '-L', '-s', '-E', '-a'],
  stdbuf: ['-i', '-o', '-e'],
  env: ['-u', '-C', '-S'],
};

/** The command's name and its arguments, past assignments, keywords, wrappers with their options, and `env`'s assignments. */
function commandOf(words: readonly string[]): { name: string; args: string[] } | undefined {
  let i = 0;
  while (i < words.length) {
    const word = words[i];
    const name = basename(word);
    if (/^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/.test(word)) {
      i++;
      continue;
    }
    // `function f { …; }` and `coproc [NAME] { …; }`: the body runs when f is called (the rule reads it where it is defined).
    if (name === 'function') {
      i += 2;
      while (i < words.length && (words[i] === '()' || words[i] === '(' || words[i] === ')')) i++;
      continue;
    }
    if (name === 'coproc') {
      i += i + 2 < words.length && NAME.test(words[i + 1]) && words[i + 2] === '{' ? 2 : 1;
      continue;
    }
    if (!WRAPPERS.has(name) && name !== 'env') break;
    i++;
    const withValue = WRAPPER_OPTIONS_WITH_VALUE[name] ?? [];
    while (i < words.length && (words[i].startsWith('-') || (name === 'env' && words[i].includes('=')))) i += withValue.includes(words[i]) ? 2 : 1;
    if (name === 'timeout' && i < words.length) i++; // the duration
  }
  return i < words.length ? { name: basename(words[i]), args: words.slice(i + 1) } : undefined;
}

/** The value of `--flag value` or `--flag=value` (and `-flag` for Vault's Go-style flags). */
function flagValues(args: readonly string[], ...flags: string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    for (const flag of flags) {
      if (args[i] === flag && i + 1 < args.length) values.push(args[i + 1]);
      else if (args[i].startsWith(`${flag}=`)) values.push(args[i].slice(flag.length + 1));
    }
  }
  return values;
}

const positional = (args: readonly string[]) => args.filter((arg) => !arg.startsWith('-'));

function vaultUses(args: readonly string[], add: (use: CredentialUse) => void): void {
  for (const value of flagValues(args, '-address', '--address')) add({ provider: 'vault', field: 'vaultAddress', what: 'passes -address', value });
  for (const value of flagValues(args, '-namespace', '--namespace', '-ns')) add({ provider: 'vault', field: 'vaultNamespace', what: 'passes -namespace', value });
  const [subcommand, ...rest] = positional(args);
  const role = rest.find((arg) => arg.startsWith('role='))?.slice(5);
  if ((subcommand === 'write' || subcommand === 'read') && rest.length) {
    const login = /^\/?(?:v1\/)?auth\/(.+?)\/login(?:\/.*)?$/.exec(rest[0]);
    if (login) add({ provider: 'vault', field: 'vaultLogin', what: `logs in to Vault through ${rest[0]}`, link: ', using', value: `auth/${login[1]}/role/${role ?? ''}` });
    else if (/^\/?(?:v1\/)?auth\//.test(rest[0]) && subcommand === 'write') add({ provider: 'vault', field: 'vaultLogin', what: `writes Vault auth configuration ${rest[0]}`, value: rest[0], link: null });
  }
  if (subcommand === 'login') {
    const method = flagValues(args, '-method', '--method')[0] ?? 'token';
    const mount = flagValues(args, '-path', '--path')[0] ?? method;
    if (method === 'token') add({ provider: 'vault', field: 'secret', what: 'logs in to Vault with a token', link: ':', value: rest[0] ?? '(token from input)' });
    else add({ provider: 'vault', field: 'vaultLogin', what: `logs in to Vault (-method=${method})`, link: ', using', value: `auth/${mount}/role/${role ?? ''}` });
  }
}

function gcloudUses(args: readonly string[], add: (use: CredentialUse) => void): void {
  for (const value of flagValues(args, '--impersonate-service-account')) add({ provider: 'gcp', field: 'serviceAccount', what: 'passes --impersonate-service-account', value });
  for (const value of flagValues(args, '--account')) add({ provider: 'gcp', field: 'serviceAccount', what: 'passes --account', value });
  for (const value of flagValues(args, '--access-token-file')) add({ provider: 'gcp', field: 'secret', what: 'passes --access-token-file', value });
  const words = positional(args);
  const joined = words.slice(0, 4).join(' ');
  if (/^config configurations activate/.test(joined)) add({ provider: 'gcp', field: 'secret', what: 'activates another gcloud configuration', link: '', value: words[3] ?? '' });
  if (/^config set /.test(joined) && words[2] in GCLOUD_PROPERTIES) add({ provider: 'gcp', field: GCLOUD_PROPERTIES[words[2]], what: `sets the gcloud property ${words[2]}`, value: words[3] ?? '' });
  if (/^auth (login|activate-service-account)/.test(joined)) {
    for (const value of flagValues(args, '--cred-file', '--key-file')) add({ provider: 'gcp', field: 'secret', what: `logs gcloud in with ${value}`, value, link: null });
    if (words[1] === 'activate-service-account' && words[2]?.includes('@')) add({ provider: 'gcp', field: 'serviceAccount', what: 'activates the service account', link: '', value: words[2] });
  }
  if (/^iam workload-identity-pools create-cred-config/.test(joined)) {
    if (words[3]) add({ provider: 'gcp', field: 'workloadIdentityProvider', what: 'writes a credential configuration for', link: '', value: words[3] });
    for (const value of flagValues(args, '--service-account')) add({ provider: 'gcp', field: 'serviceAccount', what: 'writes a credential configuration for service account', link: '', value });
  }
}

function awsUses(name: string, args: readonly string[], add: (use: CredentialUse) => void): void {
  for (const value of flagValues(args, '--profile')) add({ provider: 'aws', field: 'profile', what: 'passes --profile', value });
  if (name !== 'aws' && name !== 'aws2') return;
  const words = positional(args);
  if (words[0] !== 'configure') return;
  if (words[1] === 'set' && words[2]) {
    const key = words[2].slice(words[2].lastIndexOf('.') + 1);
    if (key in AWS_CONFIG_KEYS) add({ provider: 'aws', field: AWS_CONFIG_KEYS[key], what: `sets ${key} with aws configure`, value: words[3] ?? '' });
  } else if (words[1] === 'import') add({ provider: 'aws', field: 'secret', what: 'imports keys with aws configure import', link: ' from', value: flagValues(args, '--csv')[0] ?? '' });
}

function usesInCommand(command: SimpleCommand, add: (use: CredentialUse) => void, depth: number): void {
  const { words } = command;
  for (const word of words) {
    // A word that is the assignment keeps its whole value (`X=$(cmd arg)` is one word); inside other text the value ends at white space.
    for (const match of word.matchAll(ASSIGNMENT_IN_WORD)) add(assignmentUse(match, match.index === 0 ? word.slice(match[1].length + match[2].length) : match[3], 'sets'));
    for (const match of word.matchAll(DEFAULT_ASSIGNMENT)) add(variableUse(match[1], `sets ${match[1]} with \${${match[1]}:=…}`, match[2]));
    for (const value of configKeyUses(word)) add(value);
  }
  // A here-document is a file the step writes, often to `source` later: its assignments count too.
  for (const body of command.heredocs) {
    for (const value of configKeyUses(body)) add(value);
    for (const match of body.matchAll(ASSIGNMENT_IN_WORD)) add(assignmentUse(match, match[3], 'writes'));
  }
  for (const target of command.redirects) if (CREDENTIAL_FILES.test(target)) add(fileUse(target));
  for (const value of flagValues(words, '--role-arn')) add({ provider: 'aws', field: 'roleArn', what: 'passes --role-arn', value });
  for (const word of words)
    if (/^projects\/[^/]+\/locations\/[^/]+\/workloadIdentityPools\/[^/]+\/providers\/[^/]+$/.test(word)) add({ provider: 'gcp', field: 'workloadIdentityProvider', what: 'names the workload identity provider', link: '', value: word });

  // `env -S '…'` / `env --split-string='…'` splits its argument into a command line.
  if (depth < 4 && words.some((word) => basename(word) === 'env')) for (const text of flagValues(words, '-S', '--split-string')) usesInText(text, add, depth + 1);
  const resolved = commandOf(words);
  if (!resolved) return;
  const { name, args } = resolved;
  if (DECLARERS.has(name) && args.some((arg) => /^-[a-zA-Z]*n/.test(arg)))
    for (const arg of args) {
      const [target, source] = arg.split('=');
      if (source && source in CREDENTIAL_VARIABLES) add(variableUse(source, `makes ${target} a name reference to ${source}`, '(any value)'));
    }
  if (READERS.has(name)) for (const arg of args) if (arg in CREDENTIAL_VARIABLES) add(variableUse(arg, `reads ${arg} with ${name}`, '(read from input)'));
  if (name === 'printf') for (const target of flagValues(args, '-v')) if (target in CREDENTIAL_VARIABLES) add(variableUse(target, `sets ${target} with printf -v`, args.slice(2).join(' ')));
  if ((name === 'for' || name === 'select') && args[0] in CREDENTIAL_VARIABLES) add(variableUse(args[0], `sets ${args[0]} in a ${name} loop`, args.slice(2).join(' ')));
  if (FILE_WRITERS.has(name) || (name === 'sed' && args.some((arg) => /^-[a-zA-Z]*i/.test(arg) || arg.startsWith('--in-place')))) for (const arg of args) if (CREDENTIAL_FILES.test(arg)) add(fileUse(arg));
  if (AWS_TOOLS.has(name)) awsUses(name, args, add);
  if (name === 'gcloud') gcloudUses(args, add);
  if (name === 'vault') vaultUses(args, add);
  if (depth >= 4) return;
  if (name === 'eval') usesInText(args.join(' '), add, depth + 1);
  if (SHELLS.has(name)) {
    const index = args.findIndex((arg) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg));
    if (index >= 0 && index + 1 < args.length) usesInText(args[index + 1], add, depth + 1);
    // Without -c a shell reads its commands from stdin: `bash <<< '…'`, `bash <<EOF`.
    else for (const text of [...command.redirects, ...command.heredocs]) usesInText(text, add, depth + 1);
  }
  if (SHELLS.has(name) || SOURCES.has(name))
    for (const arg of args) if (arg.startsWith('<(') && arg.endsWith(')')) for (const inner of parseShell(arg.slice(2, -1))) usesInText(printedText(inner) ?? '', add, depth + 1);
  // `find … -exec CMD … ;` runs CMD.
  if (name === 'find')
    for (let i = 0; i < args.length; i++)
      if (FIND_EXEC.has(args[i])) {
        let end = i + 1;
        while (end < args.length && args[end] !== ';' && args[end] !== '+') end++;
        usesInCommand({ words: args.slice(i + 1, end), redirects: [], heredocs: [], separator: '' }, add, depth + 1);
        i = end;
      }
}

const SOURCES = new Set(['source', '.']);
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** What `echo`/`printf`/`cat <<EOF` writes to stdout, when it writes fixed text: a shell it is piped into runs it. */
function printedText(command: SimpleCommand): string | undefined {
  const resolved = commandOf(command.words);
  if (!resolved) return undefined;
  if (resolved.name === 'echo') return resolved.args.filter((arg) => !/^-[neE]+$/.test(arg)).join(' ');
  // The format and each argument on a line of its own: `printf '%s\n' 'cmd …'` prints `cmd …`.
  if (resolved.name === 'printf') return resolved.args.join('\n');
  if (resolved.name === 'cat' && command.heredocs.length) return command.heredocs.join('\n');
  return undefined;
}

/** `echo '…' | sh`: the shell after the pipe runs what the command before it prints. */
function pipedIntoShell(command: SimpleCommand, next: SimpleCommand | undefined): string | undefined {
  if (command.separator !== '|' || !next) return undefined;
  const reader = commandOf(next.words);
  if (!reader || !(SHELLS.has(reader.name) || (SOURCES.has(reader.name) && /^\/dev\/stdin$/.test(reader.args[0] ?? ''))) || reader.args.some((arg) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg))) return undefined;
  return printedText(command);
}

/**
 * `NAME=value`, or `NAME+=value`, which appends to whatever NAME held: its value is written as
 * `${NAME}value`, so it is never the environment's own identity unless nothing is appended.
 */
function assignmentUse(match: RegExpMatchArray, value: string, verb: 'sets' | 'writes'): CredentialUse {
  const [, name, operator] = match;
  if (operator === '+=') return { ...variableUse(name, verb === 'sets' ? `appends to ${name}` : `writes ${name}+= into a file`, `\${${name}}${value}`), link: ', making it' };
  return { ...variableUse(name, verb === 'sets' ? `sets ${name}` : `writes ${name}= into a file`, value), ...(verb === 'sets' ? {} : { link: ' with' }) };
}

function variableUse(name: string, what: string, value: string): CredentialUse {
  const spec = CREDENTIAL_VARIABLES[name];
  return { provider: spec.provider, field: spec.field, what, value, variable: name };
}

function fileUse(target: string): CredentialUse {
  const provider: CloudProvider = target.includes('vault') ? 'vault' : target.includes('gcloud') ? 'gcp' : 'aws';
  return { provider, field: 'secret', what: `writes ${target}`, value: target, link: null };
}

function configKeyUses(text: string): CredentialUse[] {
  if (!text.includes('=')) return [];
  return [...text.matchAll(CONFIG_KEY_TEXT)].map((match) => ({ provider: 'aws' as const, field: AWS_CONFIG_KEYS[match[1]], what: `writes ${match[1]}`, link: ' as', value: match[2] }));
}

function usesInText(text: string, add: (use: CredentialUse) => void, depth: number): void {
  const commands = parseShell(text);
  commands.forEach((command, index) => {
    usesInCommand(command, add, depth);
    const piped = depth < 4 ? pipedIntoShell(command, commands[index + 1]) : undefined;
    if (piped) usesInText(piped, add, depth + 1);
  });
}

/**
 * Simple `alias NAME='…'` definitions in a step's commands. Bitbucket runs a step's script lines in one
 * shell, so an alias defined on one line (with `shopt -s expand_aliases`) runs on the lines after it.
 */
export function aliasesIn(texts: Iterable<string>): ReadonlyMap<string, string> {
  const aliases = new Map<string, string>();
  for (const text of texts) {
    if (!text.includes('alias')) continue;
    for (const command of parseShell(text)) {
      const resolved = commandOf(command.words);
      if (resolved?.name !== 'alias') continue;
      for (const arg of resolved.args) {
        const match = /^([^\s=/$`'"\\]+)=([\s\S]*)$/.exec(arg);
        if (match) aliases.set(match[1], match[2]);
      }
    }
  }
  return aliases;
}

const NO_ALIASES: ReadonlyMap<string, string> = new Map();

/** Every identity choice in one script command, each once; commands named by `aliases` are read as what they stand for. */
export function credentialUsesIn(text: string, aliases: ReadonlyMap<string, string> = NO_ALIASES): CredentialUse[] {
  const expansions: string[] = [];
  if (aliases.size)
    for (const command of parseShell(text)) {
      const index = command.words.findIndex((word) => !/^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(word));
      const alias = index >= 0 ? aliases.get(command.words[index]) : undefined;
      if (alias !== undefined) expansions.push(`${alias} ${command.words.slice(index + 1).map(shellQuote).join(' ')}`);
    }
  if (!expansions.length && (!MAYBE.test(text) || (!QUOTING.test(text) && !CONTIGUOUS.test(text)))) return [];
  const uses: CredentialUse[] = [];
  const seen = new Set<string>();
  const add = (use: CredentialUse) => {
    const key = `${use.what}\u0000${use.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    uses.push(use);
  };
  usesInText(text, add, 0);
  for (const expansion of expansions) usesInText(expansion, add, 1);
  return uses;
}

/** `$NAME`, `${NAME}`: the value passes a variable through unchanged. */
export function referencedVariable(value: string): string | undefined {
  const match = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value);
  return match && NAME.test(match[1]) ? match[1] : undefined;
}
