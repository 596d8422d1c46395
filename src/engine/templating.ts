/**
 * `${{NAME}}` templates, read as Bitbucket will fill them in (src/engine/variables.ts says from
 * which values). Whether the configuration reaches the provider before or after Bitbucket fills
 * them in is not documented, so the engine must be right either way: before the chain runs, every
 * template in a field the rules read is replaced by its value in the working copy, and after it the
 * fields the chain left alone get their tokens back, so the configuration goes back as it came
 * and Bitbucket still fills them in. A token in a field that decides a step's environment, runners
 * or identity that cannot be resolved blocks the run (`invalid-pipeline`); anywhere else it stays
 * as written and reads as unknown, like `$VAR`.
 */
import { isPlainObject } from './clone';
import { formatPath, type Path } from '../primitives/path';
import type { FindingInput, JsonObject } from './types';
import { BUILT_IN_TEMPLATE_VARIABLES, type RequestVariables } from './variables';

const TOKEN = /\$\{\{([^{}]*)\}\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Every template starts so: a configuration without it anywhere gives templating nothing to do. */
export const TEMPLATE_MARK = '${{';

export interface UnresolvedToken {
  readonly token: string;
  readonly name: string;
  readonly reason: string;
}

/** `text` with every template Pipeline Guard can resolve filled in, and the ones it cannot. */
export function resolveTemplates(
  text: string,
  variables: RequestVariables,
): { text: string; unresolved: UnresolvedToken[] } {
  const unresolved: UnresolvedToken[] = [];
  const resolved = text.replace(TOKEN, (token, inner: string) => {
    const name = inner.trim();
    const value = NAME.test(name) ? variables.template(name) : { reason: `"${inner}" is not a variable name` };
    if ('value' in value) return value.value;
    unresolved.push({ token, name, reason: value.reason });
    return token;
  });
  return { text: resolved, unresolved };
}

/** What an unresolved token in a field would decide: the environment, the runners or the identity. */
type Decides = 'environment' | 'runners' | 'identity' | undefined;

interface Replacement {
  readonly holder: JsonObject | unknown[];
  readonly key: string | number;
  readonly original: unknown;
  readonly resolved: unknown;
  /** The list's length when it was resolved: lines put before it later (OIDC setup) shift the index. */
  readonly length?: number;
}

export interface TemplateOptions {
  /** Some environment matches on a step-name prefix, so a step's `name` decides its environment. */
  readonly namesDecide: boolean;
  /** Some environment matches on deployments, so `deployment`/`environment` decide it. */
  readonly deploymentsDecide: boolean;
}

export interface Templating {
  /** Fills in a step's or stage's fields in place, before the walker reads them. */
  prepare(holder: JsonObject, kind: 'step' | 'stage', segments: Path): void;
  /** Fills in the global fields the rules read (`options`, `image`, `definitions`). */
  prepareGlobals(config: JsonObject): void;
  /** Blocking findings for unresolved tokens in deciding fields. */
  readonly problems: FindingInput[];
  /** Puts every token back where the chain left the filled-in value untouched. */
  restore(): void;
}

const YAML_BOOLEANS: Record<string, boolean> = {
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
};

const WHAT_IT_DECIDES: Record<Exclude<Decides, undefined>, string> = {
  environment: 'which environment the step runs in (its runners and cloud identity)',
  runners: 'which runners the step runs on',
  identity: 'which cloud identity the step gets',
};

function describeField(segments: Path): string {
  const index =
    segments.lastIndexOf('step') >= 0
      ? segments.lastIndexOf('step') + 1
      : segments.lastIndexOf('stage') >= 0
        ? segments.lastIndexOf('stage') + 1
        : 0;
  return formatPath(segments.slice(index)).replace(/\[\d+\]$/, '');
}

/** The blocking finding for a token that cannot be resolved in a field that decides `decides`. */
function unresolvedFinding(
  segments: Path,
  original: string,
  token: UnresolvedToken,
  decides: Exclude<Decides, undefined>,
  owner?: string,
): FindingInput {
  const field = describeField(segments);
  const builtIn = (BUILT_IN_TEMPLATE_VARIABLES as readonly string[]).includes(token.name);
  return {
    rule: 'invalid-pipeline',
    severity: 'high',
    segments,
    message:
      `${owner ? `${owner}: ` : ''}\`${field}\` is "${original.slice(0, 120)}", and Bitbucket fills in ` +
      `${token.token} before the run, but Pipeline Guard cannot tell with what: ${token.reason}. ` +
      `\`${field}\` decides ${WHAT_IT_DECIDES[decides]}, so Pipeline Guard blocked the run rather than guess.`,
    fix:
      builtIn || !NAME.test(token.name)
        ? `Write the value of \`${field}\` out in bitbucket-pipelines.yml instead of ${token.token}.`
        : `Write the value of \`${field}\` out in bitbucket-pipelines.yml, or define ${token.name} as an unsecured ` +
          'repository or workspace variable, so that Bitbucket and Pipeline Guard read the same value. ' +
          `A value that changes from run to run belongs in the script (\`$${token.name}\`), not in \`${field}\`.`,
  };
}

interface Resolvers {
  resolveAt(
    holder: JsonObject | unknown[],
    key: string | number,
    segments: () => Path,
    decides: Decides,
    owner?: string,
  ): void;
  resolveList(holder: JsonObject, key: string, segments: Path, decides: Decides, owner?: string): void;
  resolveImage(holder: JsonObject, segments: Path, owner?: string): void;
}

/** The global fields the rules read: `options`, the global image, services and cache paths. */
function prepareGlobalFields(config: JsonObject, { resolveAt, resolveList, resolveImage }: Resolvers): void {
  if (isPlainObject(config.options)) {
    resolveList(config.options, 'runs-on', ['options'], 'runners');
    resolveAt(config.options, 'oidc', () => ['options', 'oidc'], 'identity');
  }
  resolveImage(config, []);
  const definitions = isPlainObject(config.definitions) ? config.definitions : undefined;
  if (isPlainObject(definitions?.services))
    for (const [name, service] of Object.entries(definitions.services)) {
      if (!isPlainObject(service)) continue;
      resolveImage(service, ['definitions', 'services', name], `service "${name}"`);
      if (isPlainObject(service.variables))
        for (const key of Object.keys(service.variables)) resolveAt(service.variables, key, () => [], undefined);
    }
  if (isPlainObject(definitions?.caches))
    for (const [name, cache] of Object.entries(definitions.caches)) {
      if (typeof cache === 'string') resolveAt(definitions.caches, name, () => [], undefined);
      else if (isPlainObject(cache)) resolveAt(cache, 'path', () => [], undefined);
    }
}

/** Puts each token back where the chain left its filled-in value untouched. */
function restoreTokens(replacements: readonly Replacement[]): void {
  for (let i = replacements.length - 1; i >= 0; i--) {
    const { holder, key, original, resolved, length } = replacements[i];
    const target = holder as Record<string | number, unknown>;
    const shifted = length !== undefined ? (key as number) + (holder as unknown[]).length - length : key;
    if (target[shifted] === resolved) target[shifted] = original;
    else if (target[key] === resolved) target[key] = original;
  }
}

export function createTemplating(variables: RequestVariables, options: TemplateOptions): Templating {
  const replacements: Replacement[] = [];
  const problems: FindingInput[] = [];
  const seen = new WeakSet<object>();

  const report = (...args: Parameters<typeof unresolvedFinding>) => problems.push(unresolvedFinding(...args));

  const resolveAt = (
    holder: JsonObject | unknown[],
    key: string | number,
    segments: () => Path,
    decides: Decides,
    owner?: string,
    list = false,
  ) => {
    const value = (holder as Record<string | number, unknown>)[key];
    if (typeof value !== 'string' || !value.includes(TEMPLATE_MARK)) return;
    const { text, unresolved } = resolveTemplates(value, variables);
    if (decides) for (const token of unresolved) report(segments(), value, token, decides, owner);
    if (text === value) return;
    const resolved = key === 'oidc' && text in YAML_BOOLEANS ? YAML_BOOLEANS[text] : text;
    (holder as Record<string | number, unknown>)[key] = resolved;
    replacements.push({
      holder,
      key,
      original: value,
      resolved,
      ...(list ? { length: (holder as unknown[]).length } : {}),
    });
  };

  const resolveList = (holder: JsonObject, key: string, segments: Path, decides: Decides, owner?: string) => {
    const value = holder[key];
    if (typeof value === 'string') return resolveAt(holder, key, () => [...segments, key], decides, owner);
    if (!Array.isArray(value)) return;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === 'string') resolveAt(value, i, () => [...segments, key, i], decides, owner, true);
      // A pipe's name and variables are values Bitbucket fills in too.
      else if (isPlainObject(item)) {
        resolveAt(item, 'pipe', () => [...segments, key, i, 'pipe'], undefined);
        if (isPlainObject(item.variables))
          for (const name of Object.keys(item.variables)) resolveAt(item.variables, name, () => [], undefined);
      }
    }
  };

  const resolveImage = (holder: JsonObject, segments: Path, owner?: string) => {
    const image = holder.image;
    if (typeof image === 'string') return resolveAt(holder, 'image', () => [...segments, 'image'], undefined);
    if (!isPlainObject(image)) return;
    resolveAt(image, 'name', () => [...segments, 'image', 'name'], undefined);
    if (isPlainObject(image.aws))
      resolveAt(image.aws, 'oidc-role', () => [...segments, 'image', 'aws', 'oidc-role'], 'identity', owner);
  };

  return {
    problems,
    prepare(holder, kind, segments) {
      if (seen.has(holder)) return;
      seen.add(holder);
      const nameDecides = kind === 'step' && options.namesDecide ? 'environment' : undefined;
      resolveAt(holder, 'name', () => [...segments, 'name'], nameDecides);
      const owner = typeof holder.name === 'string' ? `${kind} "${holder.name.slice(0, 80)}"` : undefined;
      for (const key of ['deployment', 'environment'])
        resolveAt(holder, key, () => [...segments, key], options.deploymentsDecide ? 'environment' : undefined, owner);
      if (kind === 'stage') return;
      resolveList(holder, 'runs-on', segments, 'runners', owner);
      resolveAt(holder, 'oidc', () => [...segments, 'oidc'], 'identity', owner);
      resolveImage(holder, segments, owner);
      resolveList(holder, 'script', segments, undefined);
      resolveList(holder, 'after-script', segments, undefined);
    },
    prepareGlobals(config) {
      prepareGlobalFields(config, { resolveAt, resolveList, resolveImage });
    },
    restore: () => restoreTokens(replacements),
  };
}
