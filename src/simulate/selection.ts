/**
 * Which definition Bitbucket runs for a target: the emulation of its choice, with the reason in
 * words. Bitbucket documents the rules only in part (shared/reference/pipelines-yaml.md §5.2):
 * - an exact key beats a glob, and a more specific glob beats a more generic one. "Specific" is
 *   not defined, so the ranking is a heuristic: literal > fewer `**` > fewer wildcards (`*`,
 *   `?`, `{…}`) > longer literal prefix. Keys that rank equal are reported as a tie rather than
 *   silently resolved; the first in file order is simulated;
 * - `default` catches branch runs (and commit runs) that no `branches` key matches, never tags;
 * - `pull-requests` keys match the source branch; a key with `destinations` only matches when one
 *   of its destination globs matches the destination branch (otherwise the next key is tried);
 * - `custom` pipelines are chosen by exact name.
 * Pure: the CLI and the settings page both call it.
 */
import { isPlainObject } from '../engine/clone';
import { compileGlob, GlobSyntaxError, isLiteralGlob } from '../primitives/glob';
import type { Path } from '../primitives/path';
import type { Selector } from '../engine/request';

export type RefSpec =
  | { readonly kind: 'branch'; readonly name: string }
  | { readonly kind: 'tag'; readonly name: string }
  | { readonly kind: 'commit' };

/**
 * What a simulated run is for.
 * - `branch`, `tag`: a push of that ref (or a manual/scheduled run of its definition).
 * - `commit`: a run on a bare commit, which carries no branch; it selects `default`.
 * - `pullrequest`: a pull request from `source` into `destination`.
 * - `custom`: the custom pipeline `name`, run on `ref` (default: branch main).
 */
export type SimulationTarget =
  | RefSpec
  | { readonly kind: 'pullrequest'; readonly source: string; readonly destination: string }
  | { readonly kind: 'custom'; readonly name: string; readonly ref?: RefSpec };

/** The definition Bitbucket would run, and why. */
export interface Selection {
  readonly selector: Selector;
  /** Where the definition sits in the file, e.g. ['pipelines', 'branches', 'feature/*']. */
  readonly segments: Path;
  /** "exact branch key \"main\"", "glob \"feature/*\", the most specific of 2 matching keys", … */
  readonly reason: string;
  /** Other keys that rank exactly as high as the chosen one; Bitbucket's choice between them is not documented. */
  readonly ties: string[];
}

export type SelectionResult =
  { readonly kind: 'selected'; readonly selection: Selection } | { readonly kind: 'none'; readonly reason: string };

/** The file's structure prevents selection (e.g. `branches` is a list); `segments` locates the problem. */
export class SelectionError extends Error {
  constructor(
    message: string,
    readonly segments: Path,
  ) {
    super(message);
  }
}

interface Rank {
  readonly literal: boolean;
  readonly wildcards: number;
  readonly prefix: number;
  readonly doubleStars: number;
}

function rankOf(pattern: string): Rank {
  const wildcards = pattern.match(/\*+|\?|\{/g) ?? [];
  const firstWildcard = pattern.search(/[*?{]/);
  return {
    literal: isLiteralGlob(pattern),
    wildcards: wildcards.length,
    prefix: firstWildcard < 0 ? pattern.length : firstWildcard,
    doubleStars: wildcards.filter((w) => w.length >= 2).length,
  };
}

/** Negative when `a` is more specific than `b`. */
function compareRanks(a: Rank, b: Rank): number {
  if (a.literal !== b.literal) return a.literal ? -1 : 1;
  // `**` crosses "/", so a key using it is more generic than any key without it, whatever its
  // other wildcards: `release/{1,2}.*` must beat the catch-all `**`.
  if (a.doubleStars !== b.doubleStars) return a.doubleStars - b.doubleStars;
  if (a.wildcards !== b.wildcards) return a.wildcards - b.wildcards;
  return b.prefix - a.prefix;
}

function matches(pattern: string, value: string): boolean {
  try {
    return compileGlob(pattern)(value);
  } catch (error) {
    // Bitbucket cannot match a malformed key either; it simply never selects it.
    if (error instanceof GlobSyntaxError) return false;
    throw error;
  }
}

interface Ranked {
  readonly key: string;
  readonly rank: Rank;
}

/** Matching keys, most specific first (stable: file order among equals). */
function rankMatches(keys: readonly string[], value: string): Ranked[] {
  return keys
    .filter((key) => matches(key, value))
    .map((key) => ({ key, rank: rankOf(key) }))
    .sort((a, b) => compareRanks(a.rank, b.rank));
}

function tiesOf(ranked: readonly Ranked[]): string[] {
  return ranked
    .slice(1)
    .filter((r) => compareRanks(r.rank, ranked[0].rank) === 0)
    .map((r) => r.key);
}

function describeChoice(kind: string, ranked: readonly Ranked[]): string {
  const chosen = ranked[0];
  if (chosen.rank.literal)
    return (
      `exact ${kind} key "${chosen.key}"` +
      (ranked.length > 1 ? ` (beats ${ranked.length - 1} matching glob${ranked.length === 2 ? '' : 's'})` : '')
    );
  return ranked.length === 1
    ? `glob "${chosen.key}", the only matching key`
    : `glob "${chosen.key}", the most specific of ${ranked.length} matching keys`;
}

function section(pipelines: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = pipelines[name];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value))
    throw new SelectionError(`\`pipelines.${name}\` must be a mapping of keys to pipelines`, ['pipelines', name]);
  return value;
}

function hasDefault(pipelines: Record<string, unknown>): boolean {
  return Object.prototype.hasOwnProperty.call(pipelines, 'default');
}

function selected(selector: Selector, segments: Path, reason: string, ties: string[] = []): SelectionResult {
  return { kind: 'selected', selection: { selector, segments, reason, ties } };
}

function selectRef(pipelines: Record<string, unknown>, ref: RefSpec): SelectionResult {
  if (ref.kind === 'commit')
    return hasDefault(pipelines)
      ? selected(
          { type: 'default' },
          ['pipelines', 'default'],
          '`default`: a run on a bare commit has no branch, so only `default` applies',
        )
      : { kind: 'none', reason: 'a run on a bare commit can only use `default`, and the file has none' };
  const sectionName = ref.kind === 'branch' ? 'branches' : 'tags';
  const keys = Object.keys(section(pipelines, sectionName) ?? {});
  const ranked = rankMatches(keys, ref.name);
  if (ranked.length > 0)
    return selected(
      { type: sectionName, pattern: ranked[0].key },
      ['pipelines', sectionName, ranked[0].key],
      describeChoice(ref.kind, ranked),
      tiesOf(ranked),
    );
  if (ref.kind === 'tag')
    return { kind: 'none', reason: `no \`tags\` key matches tag "${ref.name}" (\`default\` never applies to tags)` };
  if (hasDefault(pipelines))
    return selected(
      { type: 'default' },
      ['pipelines', 'default'],
      `\`default\`: no \`branches\` key matches branch "${ref.name}"`,
    );
  return { kind: 'none', reason: `no \`branches\` key matches branch "${ref.name}" and there is no \`default\`` };
}

function selectPullRequest(pipelines: Record<string, unknown>, source: string, destination: string): SelectionResult {
  const prs = section(pipelines, 'pull-requests') ?? {};
  const ranked = rankMatches(Object.keys(prs), source);
  const skipped: string[] = [];
  for (let i = 0; i < ranked.length; i++) {
    const { key } = ranked[i];
    const value = prs[key];
    const base = ['pipelines', 'pull-requests', key];
    const reason =
      describeChoice('source-branch', ranked.slice(i)) +
      (skipped.length
        ? ` (skipped ${skipped.map((k) => `"${k}"`).join(', ')}: no destination matches "${destination}")`
        : '');
    const ties = tiesOf(ranked.slice(i));
    if (!(isPlainObject(value) && 'destinations' in value))
      return selected({ type: 'pull-requests', pattern: key }, base, reason, ties);
    if (!isPlainObject(value.destinations))
      throw new SelectionError('`destinations` must be a mapping of destination-branch globs to pipelines', [
        ...base,
        'destinations',
      ]);
    const destinations = rankMatches(Object.keys(value.destinations), destination);
    if (destinations.length === 0) {
      skipped.push(key);
      continue;
    }
    const chosen = destinations[0].key;
    return selected(
      { type: 'pull-requests', pattern: key },
      [...base, 'destinations', chosen],
      `${reason}; for destination "${destination}": ${describeChoice('destination', destinations)}`,
      [...ties, ...tiesOf(destinations).map((d) => `${key} → ${d}`)],
    );
  }
  const why =
    ranked.length === 0
      ? `no \`pull-requests\` key matches source branch "${source}"`
      : `the \`pull-requests\` keys matching "${source}" have no destination matching "${destination}"`;
  return { kind: 'none', reason: `${why} (pull requests never fall back to \`default\`)` };
}

/** Bitbucket's choice of definition for `target` among the file's `pipelines`. */
export function selectDefinition(pipelines: unknown, target: SimulationTarget): SelectionResult {
  if (!isPlainObject(pipelines))
    throw new SelectionError('`pipelines` must be a mapping of sections such as `default:` and `branches:`', [
      'pipelines',
    ]);
  switch (target.kind) {
    case 'branch':
    case 'tag':
    case 'commit':
      return selectRef(pipelines, target);
    case 'pullrequest':
      return selectPullRequest(pipelines, target.source, target.destination);
    case 'custom': {
      const custom = section(pipelines, 'custom') ?? {};
      if (!Object.prototype.hasOwnProperty.call(custom, target.name)) {
        const names = Object.keys(custom);
        throw new SelectionError(
          `there is no custom pipeline "${target.name}"; ` +
            (names.length ? `the file defines: ${names.join(', ')}` : 'the file defines none'),
          names.length ? ['pipelines', 'custom'] : ['pipelines'],
        );
      }
      return selected(
        { type: 'custom', pattern: target.name },
        ['pipelines', 'custom', target.name],
        `custom pipeline "${target.name}", chosen by name`,
      );
    }
  }
}

/** `pipelines` cut down to the selected definition, as Bitbucket sends it to providers on a run. */
export function filterPipelines(pipelines: Record<string, unknown>, selection: Selection): Record<string, unknown> {
  const [, sectionName, key, nested, destination] = selection.segments as [string, string, string?, string?, string?];
  if (sectionName === 'default') return { default: pipelines.default };
  const sectionValue = pipelines[sectionName] as Record<string, unknown>;
  if (nested === 'destinations' && destination !== undefined) {
    const holder = sectionValue[key!] as Record<string, unknown>;
    return {
      [sectionName]: {
        [key!]: { destinations: { [destination]: (holder.destinations as Record<string, unknown>)[destination] } },
      },
    };
  }
  return { [sectionName]: { [key!]: sectionValue[key!] } };
}

export function describeTarget(target: SimulationTarget): string {
  const ref = (spec: RefSpec) => (spec.kind === 'commit' ? 'a bare commit (no branch)' : `${spec.kind} ${spec.name}`);
  if (target.kind === 'pullrequest') return `pull request ${target.source} → ${target.destination}`;
  if (target.kind === 'custom') return `custom pipeline "${target.name}" on ${ref(target.ref ?? DEFAULT_REF)}`;
  return ref(target);
}

export const DEFAULT_REF: RefSpec = { kind: 'branch', name: 'main' };
