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
import { words } from '../primitives/words';

export type CloudProvider = 'aws' | 'gcp' | 'vault';
/**
 * What the value names. `selector`s point at an identity (a role, a profile, a service account, a
 * Vault role or server) and are checked in every step; `secret`s are credentials themselves (static
 * keys, key files, tokens), which only matter where they would override the identity Pipeline Guard set up.
 */
export type CredentialField =
  | 'roleArn'
  | 'tokenFile'
  | 'profile'
  | 'awsConfig'
  | 'serviceAccount'
  | 'workloadIdentityProvider'
  | 'vaultAddress'
  | 'vaultLogin'
  | 'vaultRole'
  | 'vaultNamespace'
  | 'secret';

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
  /** A credential file or directory the command writes: its content is never verifiably the step's own. */
  readonly written?: true;
}

/**
 * The use in a developer's words: `sets AWS_ROLE_ARN to "…"`, `appends to AWS_ROLE_ARN, making it "…"`, `writes
 * ~/.aws/config`.
 */
export function describeUse(use: CredentialUse, shownValue: string): string {
  return use.link === null ? use.what : `${use.what}${use.link ?? ' to'} "${shownValue}"`;
}

interface VariableSpec {
  readonly provider: CloudProvider;
  readonly field: CredentialField;
}

const v = (provider: CloudProvider, field: CredentialField): VariableSpec => ({ provider, field });

/**
 * The tables below are written as text, one `[provider] field name…` line each, in order: the provider's bundle
 * is not minified, and an object literal costs it a line and its indentation per name.
 */
const lines = (table: string) => table.trim().split('\n').map(words);
const variableTable = (table: string): Record<string, VariableSpec> =>
  Object.fromEntries(
    lines(table).flatMap(([provider, field, ...names]) =>
      names.map((name) => [name, v(provider as CloudProvider, field as CredentialField)]),
    ),
  );
const fieldTable = (table: string): Record<string, CredentialField> =>
  Object.fromEntries(lines(table).flatMap(([field, ...keys]) => keys.map((key) => [key, field as CredentialField])));

/**
 * Environment variables that choose credentials (AWS CLI/SDK "Environment variables" docs, gcloud properties, Google
 * auth libraries, Vault CLI).
 */
// PIPELINE_GUARD_OIDC_DIR: the private directory Pipeline Guard's GCP setup writes the token and credential file to
// (src/rules/oidc-setup.ts): a step that points it elsewhere chooses which file counts as "its own".
export const CREDENTIAL_VARIABLES: Readonly<Record<string, VariableSpec>> = variableTable(`
aws roleArn AWS_ROLE_ARN
aws tokenFile AWS_WEB_IDENTITY_TOKEN_FILE
aws profile AWS_PROFILE AWS_DEFAULT_PROFILE
aws awsConfig AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_CONTAINER_CREDENTIALS_FULL_URI
aws awsConfig AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
aws secret AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_ACCESS_KEY_ID
aws secret AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN
gcp secret GOOGLE_APPLICATION_CREDENTIALS GOOGLE_CREDENTIALS GOOGLE_OAUTH_ACCESS_TOKEN GOOGLE_CLOUD_KEYFILE_JSON
gcp secret GCLOUD_KEYFILE_JSON
gcp serviceAccount GOOGLE_IMPERSONATE_SERVICE_ACCOUNT CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT CLOUDSDK_CORE_ACCOUNT
gcp secret CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE CLOUDSDK_AUTH_ACCESS_TOKEN_FILE CLOUDSDK_CONFIG
gcp secret CLOUDSDK_ACTIVE_CONFIG_NAME
vault vaultAddress VAULT_ADDR VAULT_AGENT_ADDR
vault vaultNamespace VAULT_NAMESPACE
vault secret VAULT_TOKEN VAULT_CLIENT_CERT VAULT_CLIENT_KEY
gcp tokenFile PIPELINE_GUARD_OIDC_DIR
`);

/**
 * Keys of ~/.aws/config and ~/.aws/credentials that choose credentials (AWS CLI "Configuration and credential file
 * settings").
 */
export const AWS_CONFIG_KEYS: Readonly<Record<string, CredentialField>> = fieldTable(`
roleArn role_arn
tokenFile web_identity_token_file
profile source_profile
awsConfig credential_source credential_process sso_session sso_start_url sso_account_id sso_role_name
secret aws_access_key_id aws_secret_access_key aws_session_token
`);

/** Keys of gcloud configurations, Terraform's google provider and boto (gsutil) files that choose the GCP identity. */
export const GCP_CONFIG_KEYS: Readonly<Record<string, CredentialField>> = fieldTable(`
serviceAccount impersonate_service_account gs_impersonate_service_account
secret gs_service_key_file credential_file_override
`);

/** The AWS SDK for Java's system properties (`-Daws.roleArn=…`, Gradle's `systemProp.aws.roleArn=…`). */
export const AWS_JAVA_PROPERTIES: Readonly<Record<string, CredentialField>> = fieldTable(`
roleArn roleArn
tokenFile webIdentityTokenFile
profile profile
awsConfig configFile sharedCredentialsFile containerCredentialsFullUri containerCredentialsPath
secret containerAuthorizationToken accessKeyId secretAccessKey secretKey sessionToken
`);

/** gcloud properties (`gcloud config set …`) that choose the identity. */
const GCLOUD_PROPERTIES: Readonly<Record<string, CredentialField>> = fieldTable(`
serviceAccount account core/account auth/impersonate_service_account
secret auth/credential_file_override auth/access_token_file
`);

interface FlagSpec {
  readonly flags: readonly string[];
  readonly provider: CloudProvider;
  readonly field: CredentialField;
}
const f = (provider: CloudProvider, field: CredentialField, ...flags: string[]): FlagSpec => ({
  flags,
  provider,
  field,
});

/** Flags that choose an identity, by tool; `*` for every command. Vault's Go flags take one dash or two. */
const IDENTITY_FLAGS: Readonly<Record<string, readonly FlagSpec[]>> = {
  '*': [f('aws', 'roleArn', '--role-arn'), f('gcp', 'serviceAccount', '--impersonate-service-account')],
  aws: [f('aws', 'profile', '--profile')],
  gcloud: [
    f('gcp', 'serviceAccount', '--account'),
    f('gcp', 'secret', '--access-token-file', '--credential-file-override'),
  ],
  gsutil: [f('gcp', 'serviceAccount', '-i')],
  bq: [
    f('gcp', 'serviceAccount', '--impersonate_service_account', '--service_account'),
    f(
      'gcp',
      'secret',
      '--credential_file',
      '--service_account_credential_file',
      '--service_account_private_key_file',
      '--application_default_credential_file',
    ),
  ],
  vault: [
    f('vault', 'vaultAddress', '-address', '--address', '-agent-address', '--agent-address'),
    f('vault', 'vaultNamespace', '-namespace', '--namespace', '-ns'),
    f('vault', 'secret', '-client-cert', '--client-cert', '-client-key', '--client-key'),
  ],
};

const AWS_TOOLS = new Set(words('aws aws2 sam cdk eb copilot serverless sls chalice cdk8s awslocal samlocal'));
export const SHELLS = new Set(words('sh bash dash zsh ksh ash mksh busybox'));
export const SOURCES = new Set(['source', '.']);
const WRAPPERS = new Set(
  words(`
sudo command exec time nice nohup builtin stdbuf timeout xargs doas then do else elif if while until
! { retry
`),
);
export const DECLARERS = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);
const READERS = new Set(['read', 'mapfile', 'readarray', 'getopts']);
/** Commands that name a path without writing it: a credential path among their words is no write. */
const PATH_READERS = new Set([
  ...words(`
cat less more head tail ls stat file test [ [[ grep egrep fgrep rg wc diff cmp md5sum sha256sum
chmod chown rm rmdir mkdir echo printf du realpath readlink dirname basename jq cd pushd unset trap
docker gcloud gsutil aws vault bq
`),
  ...DECLARERS,
  ...SOURCES,
]);
/** Commands whose last operand (or `-t DIR`) is where they write. */
const COPIERS = new Set(words('cp mv install ln rsync scp'));
/**
 * Commands whose subcommand copies to its last operand: `aws s3 cp`, `gsutil cp`, `gcloud storage cp`, `docker cp`,
 * `git clone`.
 */
const COPY_SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  aws: ['cp', 'mv', 'sync'],
  gsutil: ['cp', 'mv', 'rsync'],
  gcloud: ['cp', 'mv', 'rsync'],
  docker: ['cp'],
  kubectl: ['cp'],
  git: ['clone'],
};
/** Options that name the file or directory a command writes. */
const OUTPUT_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  curl: ['-o', '--output', '--output-dir'],
  wget: ['-O', '--output-document', '-P', '--directory-prefix'],
  unzip: ['-d'],
  tar: ['-C', '--directory'],
  openssl: ['-out'],
  gpg: ['-o', '--output'],
  sops: ['--output'],
  base64: ['-o', '--output'],
};
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VARIABLE_NAMES = Object.keys(CREDENTIAL_VARIABLES).join('|');
/**
 * `NAME=value` and `NAME+=value` anywhere in a word (`docker run -e NAME=…`, `--env=NAME=…`, text written to a file).
 */
const ASSIGNMENT_IN_WORD = new RegExp(`(?<![A-Za-z0-9_])(${VARIABLE_NAMES})(\\+?=)([^\\s;&|'"]*)`, 'g');
/** `${NAME:=value}` and `${NAME=value}` assign when NAME is unset. */
const DEFAULT_ASSIGNMENT = new RegExp(`\\$\\{(${VARIABLE_NAMES}):?=([^}]*)\\}`, 'g');
const CONFIG_KEYS: Readonly<Record<string, { provider: CloudProvider; field: CredentialField }>> = Object.fromEntries([
  ...Object.entries(AWS_CONFIG_KEYS).map(([key, field]) => [key, v('aws', field)]),
  ...Object.entries(GCP_CONFIG_KEYS).map(([key, field]) => [key, v('gcp', field)]),
]);
/**
 * A credential key set in any config text: INI and Terraform (`key = value`), JSON and YAML (`"key": value`),
 * quoted or not. The key must start at a word boundary (a `\n` escape counts), so `lambda_role_arn=…` and
 * `iam.role_arn=…` are other keys.
 */
const CONFIG_KEY_TEXT = new RegExp(
  `(?:^|(?<=[^A-Za-z0-9_.\\-\\\\])|(?<=\\\\[nrt]))(${Object.keys(CONFIG_KEYS).join('|')})` +
    `["']?[ \\t]*[=:][ \\t]*(?:"([^"\\n]*)"|'([^'\\n]*)'|([^\\s'",;}\\\\]+))`,
  'g',
);
const JAVA_PROPERTY_TEXT = new RegExp(
  `(?:(?<![^\\s'"=])-D ?|(?<![A-Za-z0-9_.])systemProp\\.)` +
    `aws\\.(${Object.keys(AWS_JAVA_PROPERTIES).join('|')})[ \\t]*=[ \\t]*([^\\s'"]*)`,
  'g',
);
/** Variables that name a credential file or directory: writing to `$NAME` writes that file. */
const CREDENTIAL_FILE_VARIABLES: Readonly<Record<string, CloudProvider>> = {
  AWS_CONFIG_FILE: 'aws',
  AWS_SHARED_CREDENTIALS_FILE: 'aws',
  AWS_WEB_IDENTITY_TOKEN_FILE: 'aws',
  GOOGLE_APPLICATION_CREDENTIALS: 'gcp',
  CLOUDSDK_CONFIG: 'gcp',
  CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: 'gcp',
  CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: 'gcp',
  PIPELINE_GUARD_OIDC_DIR: 'gcp',
};
/**
 * Quick filters, so that most commands skip the word reader: every name and key above holds a `_`,
 * and the other forms are spelled out below; a name split by quoting, escapes or braces holds one of
 * those characters instead. Without them a command must name one of the forms contiguously.
 */
const OTHER_FORMS =
  '--role-arn|--profile|gcloud|gsutil|bq|vault|\\.aws|\\.config|aws\\.|' +
  'impersonate|workloadIdentityPools|gserviceaccount|~|HOME|/root|/home/';
const MAYBE = new RegExp(`[_'"\\\\{]|${OTHER_FORMS}`);
const QUOTING = /['"\\{]/;
const CONTIGUOUS = new RegExp(`${VARIABLE_NAMES}|${Object.keys(CONFIG_KEYS).join('|')}|${OTHER_FORMS}`);

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

/**
 * The command's name and its arguments, past assignments, keywords, wrappers with their options, and `env`'s
 * assignments.
 */
export function commandOf(words: readonly string[]): { name: string; args: string[] } | undefined {
  let i = 0;
  while (i < words.length) {
    const word = words[i];
    const name = basename(word);
    if (/^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/.test(word)) {
      i++;
      continue;
    }
    // `function f { …; }` and `coproc [NAME] { …; }`: the body runs when f is called (the rule reads it where it is
    // defined).
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
    while (i < words.length && (words[i].startsWith('-') || (name === 'env' && words[i].includes('='))))
      i += withValue.includes(words[i]) ? 2 : 1;
    if (name === 'timeout' && i < words.length) i++; // the duration
  }
  if (i >= words.length) return undefined;
  // A loop, not `slice`: the words are often parseShell's frozen ones, and V8 slices a frozen array on a slow path
  // that cost more than the rest of this function (npm run bench).
  const args: string[] = [];
  for (let j = i + 1; j < words.length; j++) args.push(words[j]);
  return { name: basename(words[i]), args };
}

/** What a flag written last on a command gets: a value that arrives at run time (from `xargs`, or a split `$VAR`). */
export const RUN_TIME_VALUE = '(given at run time)';

/**
 * Every value of the flags, in each spelling: `--flag value`, `--flag=value`, and for one-letter flags
 * `-fvalue` and clusters (`-mf value`). A flag written last gets its value at run time.
 */
function flagValues(args: readonly string[], ...flags: string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    for (const flag of flags) {
      if (arg === flag) values.push(i + 1 < args.length ? args[i + 1] : RUN_TIME_VALUE);
      else if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
      else if (flag.length === 2 && flag[0] === '-' && /^-[A-Za-z0-9]+/.test(arg) && !arg.startsWith('--')) {
        const at = arg.indexOf(flag[1], 1);
        if (at < 0) continue;
        values.push(at + 1 < arg.length ? arg.slice(at + 1) : i + 1 < args.length ? args[i + 1] : RUN_TIME_VALUE);
      }
    }
  }
  return values;
}

/**
 * The arguments after the subcommand words `path`, which may stand anywhere among options (`aws --region x configure
 * set`).
 */
function afterSubcommand(args: readonly string[], ...path: string[]): string[] | undefined {
  let from = 0;
  for (const word of path) {
    const index = args.indexOf(word, from);
    if (index < 0) return undefined;
    from = index + 1;
  }
  return args.slice(from);
}

const operands = (args: readonly string[]) => args.filter((arg) => !arg.startsWith('-'));

/** A Vault API path as the server reads it: percent-decoded, `//` and `.` segments gone, without `/v1/`. */
export function vaultPath(path: string): string {
  const segments: string[] = [];
  for (const segment of percentDecoded(path).split('/')) {
    if (segment === '..') segments.pop();
    else if (segment && segment !== '.') segments.push(segment);
  }
  if (segments[0] === 'v1') segments.shift();
  return segments.join('/');
}

export const percentDecoded = (text: string) =>
  text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function flagUses(tool: string, args: readonly string[], add: (use: CredentialUse) => void): void {
  for (const spec of IDENTITY_FLAGS[tool] ?? [])
    for (const flag of spec.flags)
      for (const value of flagValues(args, flag))
        add({ provider: spec.provider, field: spec.field, what: `passes ${flag}`, value });
}

function vaultUses(args: readonly string[], add: (use: CredentialUse) => void): void {
  const role = args.find((arg) => arg.startsWith('role='))?.slice(5);
  const index = args.findIndex((arg) => arg === 'write' || arg === 'read' || arg === 'login');
  if (index < 0) return;
  const rest = operands(args.slice(index + 1));
  if (args[index] !== 'login') {
    const path = rest[0] === undefined ? '' : vaultPath(rest[0]);
    const login = /^auth\/(.+?)\/login(?:\/.*)?$/.exec(path);
    if (login)
      add({
        provider: 'vault',
        field: 'vaultLogin',
        what: `logs in to Vault through ${rest[0]}`,
        link: ', using',
        value: `auth/${login[1]}/role/${role ?? ''}`,
      });
    else if (path.startsWith('auth/') && args[index] === 'write')
      add({
        provider: 'vault',
        field: 'vaultLogin',
        what: `writes Vault auth configuration ${rest[0]}`,
        value: rest[0],
        link: null,
      });
    return;
  }
  const method = flagValues(args, '-method', '--method')[0] ?? 'token';
  const mount = vaultPath(flagValues(args, '-path', '--path')[0] ?? method);
  const token = rest.find((arg) => !arg.includes('='));
  if (method === 'token')
    add({
      provider: 'vault',
      field: 'secret',
      what: 'logs in to Vault with a token',
      link: ':',
      value: token ?? '(token from input)',
    });
  else
    add({
      provider: 'vault',
      field: 'vaultLogin',
      what: `logs in to Vault (-method=${method})`,
      link: ', using',
      value: `auth/${mount}/role/${role ?? ''}`,
    });
}

/** The argument after `key` among `args`, for `config set [options] KEY [options] VALUE`. */
function keyedValue(args: readonly string[], isKey: (word: string) => boolean): [string, string] | undefined {
  const index = args.findIndex((arg) => !arg.startsWith('-') && isKey(arg));
  return index < 0 ? undefined : [args[index], operands(args.slice(index + 1))[0] ?? ''];
}

function gcloudUses(args: readonly string[], add: (use: CredentialUse) => void): void {
  const activate = afterSubcommand(args, 'config', 'configurations', 'activate');
  if (activate)
    add({
      provider: 'gcp',
      field: 'secret',
      what: 'activates another gcloud configuration',
      link: '',
      value: operands(activate)[0] ?? '',
    });
  const set = afterSubcommand(args, 'config', 'set');
  const property = set && keyedValue(set, (word) => word in GCLOUD_PROPERTIES);
  if (property)
    add({
      provider: 'gcp',
      field: GCLOUD_PROPERTIES[property[0]],
      what: `sets the gcloud property ${property[0]}`,
      value: property[1],
    });
  const login = afterSubcommand(args, 'auth', 'login') ?? afterSubcommand(args, 'auth', 'activate-service-account');
  if (login) {
    for (const value of flagValues(args, '--cred-file', '--key-file'))
      add({ provider: 'gcp', field: 'secret', what: `logs gcloud in with ${value}`, value, link: null });
    const account =
      afterSubcommand(args, 'auth', 'activate-service-account') && operands(login).find((arg) => arg.includes('@'));
    if (account)
      add({
        provider: 'gcp',
        field: 'serviceAccount',
        what: 'activates the service account',
        link: '',
        value: account,
      });
  }
  if (afterSubcommand(args, 'iam', 'workload-identity-pools', 'create-cred-config'))
    for (const value of flagValues(args, '--service-account'))
      add({
        provider: 'gcp',
        field: 'serviceAccount',
        what: 'writes a credential configuration for service account',
        link: '',
        value,
      });
}

function awsConfigureUses(args: readonly string[], add: (use: CredentialUse) => void): void {
  const set = afterSubcommand(args, 'configure', 'set');
  const keyOf = (word: string) => word.slice(word.lastIndexOf('.') + 1);
  const entry = set && keyedValue(set, (word) => keyOf(word) in AWS_CONFIG_KEYS);
  if (entry)
    add({
      provider: 'aws',
      field: AWS_CONFIG_KEYS[keyOf(entry[0])],
      what: `sets ${keyOf(entry[0])} with aws configure`,
      value: entry[1],
    });
  if (afterSubcommand(args, 'configure', 'import'))
    add({
      provider: 'aws',
      field: 'secret',
      what: 'imports keys with aws configure import',
      link: ' from',
      value: flagValues(args, '--csv')[0] ?? '',
    });
}

/** Credential keys and the Java SDK's system properties set in any text: a word, a here-document, a `-c` program. */
export function configTextUses(text: string): CredentialUse[] {
  const uses: CredentialUse[] = [];
  if (!text.includes('=') && !text.includes(':')) return uses;
  for (const match of text.matchAll(CONFIG_KEY_TEXT)) {
    const { provider, field } = CONFIG_KEYS[match[1]];
    uses.push({ provider, field, what: `writes ${match[1]}`, link: ' as', value: match[2] ?? match[3] ?? match[4] });
  }
  if (text.includes('aws.'))
    for (const match of text.matchAll(JAVA_PROPERTY_TEXT))
      uses.push({
        provider: 'aws',
        field: AWS_JAVA_PROPERTIES[match[1]],
        what: `sets the Java system property aws.${match[1]}`,
        value: match[2],
      });
  return uses;
}

/**
 * The cloud whose credentials a path holds: ~/.aws (and anything in it), ~/.config/gcloud, ~/.vault-token,
 * and `$NAME` of the variables that name credential files. With `parents`, also the home directory and
 * ~/.config above them, which a copy or an archive can fill as a whole.
 */
export function credentialPathOwner(
  path: string,
  parents = false,
  variables = true,
): CloudProvider | 'all' | undefined {
  const normal = path
    .replace(/^(?:\$HOME|\$\{HOME\}|\/root|\/home\/[^/]+)(?=\/|$)/, '~')
    .replace(/\/+/g, '/')
    .replace(/\/\.(?=\/|$)/g, '')
    .replace(/(.)\/$/, '$1');
  if (/(?:^|\/)\.aws(?:\/|$)/.test(normal)) return 'aws';
  if (/(?:^|\/)\.config\/gcloud(?:\/|$)/.test(normal)) return 'gcp';
  if (/(?:^|\/)\.vault-token$/.test(normal)) return 'vault';
  if (parents && /^~(?:\/\.config)?$/.test(normal)) return 'all';
  const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?(?:\/|$)/.exec(normal)?.[1];
  return variable && variables ? CREDENTIAL_FILE_VARIABLES[variable] : undefined;
}

/** The paths a command writes, as far as its name says: redirections are read separately. */
function writtenPaths(name: string, args: readonly string[]): { paths: string[]; explicit: boolean } {
  const subcommands = COPY_SUBCOMMANDS[name];
  if (COPIERS.has(name) || (subcommands && operands(args).some((arg) => subcommands.includes(arg)))) {
    const target = flagValues(args, '-t', '--target-directory');
    return { paths: target.length ? target : operands(args).slice(-1), explicit: true };
  }
  if (name in OUTPUT_OPTIONS) return { paths: flagValues(args, ...OUTPUT_OPTIONS[name]), explicit: true };
  if (name === 'dd')
    return { paths: args.filter((arg) => arg.startsWith('of=')).map((arg) => arg.slice(3)), explicit: true };
  if (
    name === 'tee' ||
    ((name === 'sed' || name === 'yq') && args.some((arg) => /^-[a-zA-Z]*i/.test(arg) || arg.startsWith('--in-place')))
  )
    return { paths: operands(args), explicit: true };
  if (PATH_READERS.has(name)) return { paths: [], explicit: false };
  // A command Pipeline Guard does not know: any word that names a credential file, also glued to its option.
  return {
    paths: args.flatMap((arg) => [arg, arg.replace(/^--?[A-Za-z][\w-]*=|^-[A-Za-z]+(?=[~/$.])/, '')]),
    explicit: false,
  };
}

function writeUses(name: string, args: readonly string[], add: (use: CredentialUse) => void): void {
  const { paths, explicit } = writtenPaths(name, args);
  for (const path of paths) {
    // Without a name that says it writes, only a literal credential path counts: `deploy --key
    // "$GOOGLE_APPLICATION_CREDENTIALS"` reads it.
    const owner = credentialPathOwner(path, explicit, explicit);
    if (owner)
      for (const provider of owner === 'all' ? (['aws', 'gcp', 'vault'] as const) : [owner])
        add(fileUse(path, provider));
  }
}

/** What the reader knows about a step before it reads one of its commands. */
export interface ReaderContext {
  /** Simple `alias NAME='…'` definitions of the step. */
  readonly aliases: ReadonlyMap<string, string>;
  /**
   * Values a variable may hold when a command runs: every value the step assigns it, and values seeded from
   * outside the step. `$NAME` of these is read as bash expands it, so an unquoted `$OPTS` holding
   * `--role-arn ARN` is read as two words.
   */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** Names the step declares as name references (`declare -n r`): a later `r=NAME` points them at NAME. */
  readonly namerefs: ReadonlySet<string>;
}

export const EMPTY_CONTEXT: ReaderContext = { aliases: new Map(), values: new Map(), namerefs: new Set() };

/**
 * A value bash keeps as written when it expands it: no command substitution or other expansion, or one plain `$NAME`.
 */
const KNOWABLE_VALUE = /^(?:[^$`]*|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/;

const NO_SEEDS: ReadonlyMap<string, readonly string[]> = new Map();
/**
 * The reader parses a text only for these: `alias`, an assignment's `=`, a declaring command, or an option that
 * may read `-n` once bash has removed quotes and expanded it (`-'n'`, `-\n`, `-${E}n`).
 */
const MAY_TEACH = /alias|=|declare|typeset|local|readonly|export|-\S*n/;
const ALIAS_DEFINITION = /^([^\s=/$`'"\\]+)=([\s\S]*)$/;
const NAMEREF_OPTION = /^-[a-zA-Z]*n/;
/** A word bash expands before `declare` sees it (`-${E}n`, `$OPTS`): it may be `-n`, so the reader assumes it is. */
const mayBeNamerefOption = (word: string) => NAMEREF_OPTION.test(word) || (/[$`]/.test(word) && /^[-$`]/.test(word));
const VALUE_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

/** Whether the word assigns a value the reader may keep (kept once per value). */
function learnValue(values: Map<string, string[]>, word: string): boolean {
  const match = VALUE_ASSIGNMENT.exec(word);
  if (!match || match[1] in CREDENTIAL_VARIABLES || !KNOWABLE_VALUE.test(match[2])) return false;
  const list = values.get(match[1]) ?? [];
  if (!list.includes(match[2])) list.push(match[2]);
  values.set(match[1], list);
  return true;
}

interface Learned {
  readonly aliases: Map<string, string>;
  readonly values: Map<string, string[]>;
  readonly namerefs: Set<string>;
}

/** Adds what one text tells the reader; false when it tells nothing, which depends on the text alone. */
function learnFrom(text: string, { aliases, values, namerefs }: Learned): boolean {
  let taught = false;
  for (const command of parseShell(text)) {
    const resolved = commandOf(command.words);
    if (!resolved) for (const word of command.words) taught = learnValue(values, word) || taught;
    else if (resolved.name === 'alias')
      for (const arg of resolved.args) {
        const match = ALIAS_DEFINITION.exec(arg);
        if (match) aliases.set(match[1], match[2]);
        taught ||= match !== null;
      }
    else if (DECLARERS.has(resolved.name)) {
      for (const arg of resolved.args) taught = learnValue(values, arg) || taught;
      if (resolved.args.some(mayBeNamerefOption))
        for (const arg of operands(resolved.args)) {
          namerefs.add(arg.split('=')[0]);
          taught = true;
        }
    }
  }
  return taught;
}

// Most lines that pass MAY_TEACH (`aws sts get-caller-identity`) tell the reader nothing, and every run reads the
// same lines again: those are remembered, so that they are not read again. Bounded by characters, not entries,
// because a hostile script may be long.
const QUIET_CHARS = 1_000_000;
const quietTexts = new Set<string>();
let quietChars = 0;

function rememberQuiet(text: string): void {
  if (quietChars + text.length > QUIET_CHARS) {
    quietTexts.clear();
    quietChars = 0;
  }
  quietTexts.add(text);
  quietChars += text.length;
}

/**
 * The one entry point for what the reader knows about a step: its aliases, name references and the values
 * its variables may hold (assigned in the step, or `seeded` from outside it, such as a run's variables).
 */
export function readerContextOf(
  texts: Iterable<string>,
  seeded: ReadonlyMap<string, readonly string[]> = NO_SEEDS,
): ReaderContext {
  const fresh = (): Learned => ({
    aliases: new Map(),
    values: new Map([...seeded].map(([name, list]) => [name, [...list]])),
    namerefs: new Set(),
  });
  // Most steps teach nothing: they share the empty context, which no reader changes.
  let learned = seeded.size ? fresh() : undefined;
  for (const text of texts) {
    if (!MAY_TEACH.test(text) || quietTexts.has(text)) continue;
    learned ??= fresh();
    if (!learnFrom(text, learned)) rememberQuiet(text);
  }
  return learned ?? EMPTY_CONTEXT;
}

/** The one reading of a text that names no known variable: shared, as no reader changes it. */
const NO_CHOICES: ReadonlyArray<ReadonlyMap<string, string>> = [new Map()];

/**
 * The readings of a text under each value its known variables may hold (at most a few, one variable varied at a time).
 */
function valueChoices(
  text: string,
  values: ReadonlyMap<string, readonly string[]>,
): ReadonlyArray<ReadonlyMap<string, string>> {
  if (!values.size || !text.includes('$')) return NO_CHOICES;
  const referenced = [...values.keys()].filter((name) => new RegExp(`\\$\\{?${name}(?![A-Za-z0-9_])`).test(text));
  const first = new Map(referenced.map((name) => [name, values.get(name)![0]]));
  const choices: Array<ReadonlyMap<string, string>> = [first];
  for (const name of referenced)
    for (const value of values.get(name)!.slice(1, 4)) choices.push(new Map(first).set(name, value));
  return choices;
}

interface Reading {
  readonly add: (use: CredentialUse) => void;
  readonly context: ReaderContext;
  readonly values: ReadonlyMap<string, string>;
}

function usesInWords(command: SimpleCommand, reading: Reading): void {
  const { add, context } = reading;
  for (const word of command.words) {
    // A word that is the assignment keeps its whole value (`X=$(cmd arg)` is one word); inside other text the value
    // ends at white space.
    for (const match of word.matchAll(ASSIGNMENT_IN_WORD))
      add(assignmentUse(match, match.index === 0 ? word.slice(match[1].length + match[2].length) : match[3], 'sets'));
    for (const match of word.matchAll(DEFAULT_ASSIGNMENT))
      add(variableUse(match[1], `sets ${match[1]} with \${${match[1]}:=…}`, match[2]));
    for (const use of configTextUses(word)) add(use);
    const bound = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word);
    if (bound && context.namerefs.has(bound[1]) && bound[2] in CREDENTIAL_VARIABLES)
      add(variableUse(bound[2], `points the name reference ${bound[1]} at ${bound[2]}`, '(any value)'));
  }
  // `mvn -D aws.roleArn=…`: Maven takes the property as the next word.
  command.words.forEach((word, i) => {
    if (word === '-D' && i + 1 < command.words.length)
      for (const use of configTextUses(`-D${command.words[i + 1]}`)) add(use);
  });
  // A here-document is a file the step writes, often to `source` later: its assignments count too.
  for (const body of command.heredocs) {
    for (const use of configTextUses(body)) add(use);
    for (const match of body.matchAll(ASSIGNMENT_IN_WORD)) add(assignmentUse(match, match[3], 'writes'));
  }
  for (const target of command.redirects) {
    const owner = credentialPathOwner(target);
    if (owner && owner !== 'all') add(fileUse(target, owner));
  }
  flagUses('*', command.words, add);
  for (const word of command.words)
    if (/^projects\/[^/]+\/locations\/[^/]+\/workloadIdentityPools\/[^/]+\/providers\/[^/]+$/.test(word))
      add({
        provider: 'gcp',
        field: 'workloadIdentityProvider',
        what: 'names the workload identity provider',
        link: '',
        value: word,
      });
}

/** `declare -n r=NAME`, `read NAME`, `printf -v NAME`, `for NAME in`: the forms that set a variable without `NAME=`. */
function bindingUses(name: string, args: readonly string[], add: (use: CredentialUse) => void): void {
  if (DECLARERS.has(name) && args.some((arg) => /^-[a-zA-Z]*n/.test(arg)))
    for (const arg of args) {
      const [target, source] = arg.split('=');
      if (source && source in CREDENTIAL_VARIABLES)
        add(variableUse(source, `makes ${target} a name reference to ${source}`, '(any value)'));
    }
  if (READERS.has(name))
    for (const arg of args) {
      const target = arg.replace(/^-[a-zA-Z]*?[aAdnNptuCc](?=[A-Z_])/, '');
      if (target in CREDENTIAL_VARIABLES) add(variableUse(target, `reads ${target} with ${name}`, '(read from input)'));
    }
  if (name === 'printf')
    for (const target of flagValues(args, '-v'))
      if (target in CREDENTIAL_VARIABLES)
        add(variableUse(target, `sets ${target} with printf -v`, args.slice(2).join(' ')));
  if ((name === 'for' || name === 'select') && args[0] in CREDENTIAL_VARIABLES)
    add(variableUse(args[0], `sets ${args[0]} in a ${name} loop`, args.slice(2).join(' ')));
}

function usesInCommand(command: SimpleCommand, reading: Reading, depth: number): void {
  const { add } = reading;
  const { words } = command;
  usesInWords(command, reading);
  // `env -S '…'` / `env --split-string='…'` splits its argument into a command line.
  if (depth < 4 && words.some((word) => basename(word) === 'env'))
    for (const text of flagValues(words, '-S', '--split-string')) usesInText(text, reading, depth + 1);
  const resolved = commandOf(words);
  if (!resolved) return;
  const { name, args } = resolved;
  bindingUses(name, args, add);
  writeUses(name, args, add);
  if (AWS_TOOLS.has(name)) flagUses('aws', args, add);
  if (name === 'aws' || name === 'aws2') awsConfigureUses(args, add);
  flagUses(name, args, add);
  if (name === 'gcloud') gcloudUses(args, add);
  if (name === 'vault') vaultUses(args, add);
  if (depth < 4) nestedUses(command, name, args, reading, depth);
}

/**
 * Commands that run other text as commands: `eval`, `sh -c`, a shell reading a here-document, `source <(…)`, `find
 * -exec`.
 */
function nestedUses(
  command: SimpleCommand,
  name: string,
  args: readonly string[],
  reading: Reading,
  depth: number,
): void {
  if (name === 'eval') usesInText(args.join(' '), reading, depth + 1);
  if (SHELLS.has(name)) {
    const index = args.findIndex((arg) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg));
    if (index >= 0 && index + 1 < args.length) usesInText(args[index + 1], reading, depth + 1);
    // Without -c a shell reads its commands from stdin: `bash <<< '…'`, `bash <<EOF`.
    else for (const text of [...command.redirects, ...command.heredocs]) usesInText(text, reading, depth + 1);
  }
  if (SHELLS.has(name) || SOURCES.has(name))
    for (const arg of args)
      if (arg.startsWith('<(') && arg.endsWith(')'))
        for (const inner of parseShell(arg.slice(2, -1))) usesInText(printedText(inner) ?? '', reading, depth + 1);
  // `find … -exec CMD … ;` runs CMD.
  if (name === 'find')
    for (let i = 0; i < args.length; i++)
      if (FIND_EXEC.has(args[i])) {
        let end = i + 1;
        while (end < args.length && args[end] !== ';' && args[end] !== '+') end++;
        usesInCommand(
          { words: args.slice(i + 1, end), redirects: [], heredocs: [], separator: '' },
          reading,
          depth + 1,
        );
        i = end;
      }
}

const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** What `echo`/`printf`/`cat <<EOF` writes to stdout, when it writes fixed text: a shell it is piped into runs it. */
export function printedText(command: SimpleCommand): string | undefined {
  const resolved = commandOf(command.words);
  if (!resolved) return undefined;
  if (resolved.name === 'echo') return resolved.args.filter((arg) => !/^-[neE]+$/.test(arg)).join(' ');
  // The format and each argument on a line of its own: `printf '%s\n' 'cmd …'` prints `cmd …`.
  if (resolved.name === 'printf') return resolved.args.join('\n');
  if (resolved.name === 'cat' && command.heredocs.length) return command.heredocs.join('\n');
  return undefined;
}

/** A shell that reads commands from a pipe: `… | sh`, `… | bash -s`, `… | source /dev/stdin`. */
export function readsCommandsFromPipe(command: SimpleCommand): boolean {
  const reader = commandOf(command.words);
  if (!reader) return false;
  return (
    (SHELLS.has(reader.name) || (SOURCES.has(reader.name) && /^\/dev\/stdin$/.test(reader.args[0] ?? ''))) &&
    !reader.args.some((arg) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg))
  );
}

/**
 * `NAME=value`, or `NAME+=value`, which appends to whatever NAME held: its value is written as
 * `${NAME}value`, so it is never the environment's own identity unless nothing is appended.
 */
function assignmentUse(match: RegExpMatchArray, value: string, verb: 'sets' | 'writes'): CredentialUse {
  const [, name, operator] = match;
  if (operator === '+=')
    return {
      ...variableUse(
        name,
        verb === 'sets' ? `appends to ${name}` : `writes ${name}+= into a file`,
        `\${${name}}${value}`,
      ),
      link: ', making it',
    };
  return {
    ...variableUse(name, verb === 'sets' ? `sets ${name}` : `writes ${name}= into a file`, value),
    ...(verb === 'sets' ? {} : { link: ' with' }),
  };
}

function variableUse(name: string, what: string, value: string): CredentialUse {
  const spec = CREDENTIAL_VARIABLES[name];
  return { provider: spec.provider, field: spec.field, what, value, variable: name };
}

function fileUse(target: string, provider: CloudProvider): CredentialUse {
  return { provider, field: 'secret', what: `writes ${target}`, value: target, link: null, written: true };
}

function usesInText(text: string, reading: Reading, depth: number): void {
  const commands = parseShell(text, 0, reading.values);
  commands.forEach((command, index) => {
    usesInCommand(command, reading, depth);
    const previous = commands[index - 1];
    if (depth >= 4 || previous?.separator !== '|') return;
    const printed = printedText(previous);
    if (printed === undefined) return;
    // `echo '…' | sh` runs the text; `echo --role-arn ARN | xargs aws …` adds its words to the command.
    if (readsCommandsFromPipe(command)) usesInText(printed, reading, depth + 1);
    else if (command.words.some((word) => basename(word) === 'xargs'))
      usesInCommand(
        { ...command, words: [...command.words, ...printed.split(/\s+/).filter(Boolean)] },
        reading,
        depth + 1,
      );
  });
}

/**
 * Every identity choice in one script command, each once; `context` holds what the step's other lines tell about it.
 */
export function credentialUsesIn(text: string, context: ReaderContext = EMPTY_CONTEXT): CredentialUse[] {
  const expansions: string[] = [];
  if (context.aliases.size)
    for (const command of parseShell(text)) {
      const index = command.words.findIndex((word) => !/^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(word));
      const alias = index >= 0 ? context.aliases.get(command.words[index]) : undefined;
      if (alias !== undefined)
        expansions.push(
          `${alias} ${command.words
            .slice(index + 1)
            .map(shellQuote)
            .join(' ')}`,
        );
    }
  const choices = valueChoices(text, context.values);
  const bound = context.namerefs.size > 0 && [...context.namerefs].some((name) => text.includes(`${name}=`));
  if (
    !expansions.length &&
    !choices[0].size &&
    !bound &&
    (!MAYBE.test(text) || (!QUOTING.test(text) && !CONTIGUOUS.test(text)))
  )
    return [];
  const uses: CredentialUse[] = [];
  const seen = new Set<string>();
  const add = (use: CredentialUse) => {
    const key = `${use.provider}\u0000${use.what}\u0000${use.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    uses.push(use);
  };
  for (const values of choices) {
    const reading: Reading = { add, context, values };
    usesInText(text, reading, 0);
    for (const expansion of expansions) usesInText(expansion, reading, 1);
  }
  return uses;
}

/** `$NAME`, `${NAME}`: the value passes a variable through unchanged. */
export function referencedVariable(value: string): string | undefined {
  const match = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value);
  return match && NAME.test(match[1]) ? match[1] : undefined;
}

/**
 * A Vault server address in one spelling: scheme and host in lower case, no trailing dot, no default port, the path
 * normalised.
 */
export function vaultAddress(address: string): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(address.trim());
  if (!match) return vaultPath(address.trim().toLowerCase());
  const scheme = match[1].toLowerCase();
  const defaultPort = scheme === 'https' ? ':443' : scheme === 'http' ? ':80' : undefined;
  let host = percentDecoded(match[2])
    .toLowerCase()
    .replace(/^[^@]*@/, '')
    .replace(/\.(?=:\d*$|$)/, '');
  if (defaultPort && host.endsWith(defaultPort)) host = host.slice(0, -defaultPort.length);
  const path = vaultPath(match[3]);
  return `${scheme}://${host}${path ? `/${path}` : ''}`;
}
