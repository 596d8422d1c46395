/**
 * Shared pipelines (`import:`), resolved the way Bitbucket does before any provider runs
 * (shared/reference/pipelines-yaml.md §11), so that the check simulates the steps that would really run:
 * - form A, `import: <repository>:<ref>:<pipeline>`: `definitions.pipelines.<pipeline>` of that repository's
 *   `bitbucket-pipelines.yml` at the branch or tag, which must say `export: true`;
 * - form B, `import: <pipeline>@<source>` with `definitions.imports.<source>` naming `<file>` (this repository,
 *   at the same commit), `<repository>:<ref>` or `<repository>:<ref>:<file>`.
 * Reading is a port, so this stays pure; a file that cannot be read or an import that cannot be resolved is a
 * problem the caller reports, never a silently empty pipeline.
 */
import { isPlainObject } from '../engine/clone';
import type { Path } from '../primitives/path';
import { parsePipelineFile, type ParsedPipelineFile, type SourcePosition } from '../simulate/simulate';
import { parseYaml, YamlInputError } from '../yaml/document';

export const PIPELINE_FILE = 'bitbucket-pipelines.yml';
/** More imports than any real file has; each one costs a Bitbucket call on a cache miss. */
export const MAX_IMPORTS = 20;

/** Where an imported file lives: `repository` absent means the importing repository, at the importing commit. */
export interface ImportLocation {
  readonly repository?: string;
  readonly ref?: string;
  readonly path: string;
}

/** A reader that cannot reach a file by design (the command line and another repository), as opposed to a fault. */
export class ImportOutOfReach extends Error {}

/**
 * Reads a file: its text, or undefined when it does not exist. Rejects on a fault (Bitbucket down, 429 past the
 * budget), or with ImportOutOfReach when this reader cannot reach that file at all.
 */
export type FileReader = (location: ImportLocation) => Promise<string | undefined>;

export interface ImportProblem {
  /** The `import:` value as written. */
  readonly import: string;
  readonly line?: number;
  readonly reason: string;
  /** True when reading failed (a fault, worth re-running), false when the file or pipeline is wrong. */
  readonly fault: boolean;
}

export interface ResolvedImport {
  readonly import: string;
  readonly location: ImportLocation;
  /** `other-repo@main:bitbucket-pipelines.yml`: how messages and annotations name the file. */
  readonly label: string;
  /** The line of the `import:` in the importing file. */
  readonly line?: number;
}

export interface ResolvedFile {
  readonly parsed: ParsedPipelineFile;
  readonly imports: readonly ResolvedImport[];
  readonly problems: readonly ImportProblem[];
}

export function locationLabel(location: ImportLocation): string {
  return location.repository === undefined ? location.path : `${location.repository}@${location.ref}:${location.path}`;
}

const locationKey = (location: ImportLocation) =>
  JSON.stringify([location.repository ?? null, location.ref ?? null, location.path]);

type Parsed = { ok: true; target: { location: ImportLocation; pipeline: string } } | { ok: false; reason: string };

/**
 * A path or name that stays where it is written: the check reads imports as the app, so `..`, `.`, an empty
 * segment (a leading or doubled `/`), a backslash or `%` could otherwise walk the REST path into another
 * repository.
 */
const staysInPlace = (value: string, slashes: boolean) =>
  !/[\\%\u0000-\u001f]/.test(value) &&
  (slashes ? value.split('/') : [value]).every((segment) => segment !== '' && segment !== '.' && segment !== '..');

function parseLocation(text: string): ImportLocation | undefined {
  const parts = text.split(':');
  if (parts.some((part) => part.trim() === '') || parts.length > 3) return undefined;
  const location =
    parts.length === 1 ? { path: parts[0] } : { repository: parts[0], ref: parts[1], path: parts[2] ?? PIPELINE_FILE };
  const inPlace =
    staysInPlace(location.path, true) &&
    (location.repository === undefined || staysInPlace(location.repository, false)) &&
    (location.ref === undefined || staysInPlace(location.ref, true));
  return inPlace ? location : undefined;
}

function parseImport(value: string, config: Record<string, unknown>): Parsed {
  if (/^[^@]+@[^@]+$/.test(value)) {
    const [pipeline, source] = value.split('@');
    const sources = isPlainObject(config.definitions) ? config.definitions.imports : undefined;
    const entry = isPlainObject(sources) ? sources[source] : undefined;
    const text =
      typeof entry === 'string'
        ? entry
        : isPlainObject(entry) && typeof entry.import === 'string'
          ? entry.import
          : undefined;
    if (text === undefined)
      return { ok: false, reason: `there is no import source "${source}" under definitions.imports` };
    const location = parseLocation(text);
    return location
      ? { ok: true, target: { location, pipeline } }
      : {
          ok: false,
          reason:
            `import source "${source}" (${text}) is not <file>, <repository>:<ref> or <repository>:<ref>:<file> ` +
            'with a path inside the repository (no "..", ".", empty segments, "\\" or "%")',
        };
  }
  const parts = value.split(':');
  if (
    parts.length === 3 &&
    parts.every((part) => part.trim() !== '') &&
    staysInPlace(parts[0], false) &&
    staysInPlace(parts[1], true)
  )
    return {
      ok: true,
      target: { location: { repository: parts[0], ref: parts[1], path: PIPELINE_FILE }, pipeline: parts[2] },
    };
  return {
    ok: false,
    reason:
      'not <repository>:<branch or tag>:<pipeline> or <pipeline>@<import source> ' +
      '(with no "..", ".", empty segments, "\\" or "%" in the repository or ref)',
  };
}

/** Every place a pipeline may stand (and so an import object): [path, value]. */
function pipelineSlots(pipelines: Record<string, unknown>): Array<[Path, unknown]> {
  const slots: Array<[Path, unknown]> = [];
  if ('default' in pipelines) slots.push([['pipelines', 'default'], pipelines.default]);
  for (const section of ['branches', 'tags', 'pull-requests', 'custom', 'bookmarks']) {
    const entries = pipelines[section];
    if (!isPlainObject(entries)) continue;
    for (const [key, value] of Object.entries(entries)) {
      slots.push([['pipelines', section, key], value]);
      if (section === 'pull-requests' && isPlainObject(value) && isPlainObject(value.destinations))
        for (const [destination, nested] of Object.entries(value.destinations))
          slots.push([['pipelines', section, key, 'destinations', destination], nested]);
    }
  }
  return slots;
}

const isImportObject = (value: unknown): value is { import: string } =>
  isPlainObject(value) && typeof value.import === 'string';

/** A copy of `root` with the value at `path` replaced, sharing everything off the path. */
function replaceAt(root: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  const copy = { ...root };
  copy[head as string] =
    rest.length === 0 ? value : replaceAt(root[head as string] as Record<string, unknown>, rest, value);
  return copy;
}

interface Mapping {
  readonly prefix: Path;
  readonly label: string;
  readonly inner: Path;
  readonly positionOf: (path: Path) => SourcePosition | undefined;
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

interface ReadCache {
  get(location: ImportLocation): Promise<{ text: string | undefined } | { error: string; fault: boolean }>;
}

function readOnce(read: FileReader): ReadCache {
  const seen = new Map<string, Promise<{ text: string | undefined } | { error: string; fault: boolean }>>();
  return {
    get(location) {
      const key = locationKey(location);
      let pending = seen.get(key);
      if (!pending) {
        pending = read(location).then(
          (text) => ({ text }),
          (error: unknown) => ({
            error: (error as Error)?.message ?? String(error),
            fault: !(error instanceof ImportOutOfReach),
          }),
        );
        seen.set(key, pending);
      }
      return pending;
    },
  };
}

async function importedPipeline(
  target: { location: ImportLocation; pipeline: string },
  files: ReadCache,
): Promise<
  | { value: unknown; inner: Path; positionOf: (path: Path) => SourcePosition | undefined }
  | { reason: string; fault: boolean }
> {
  const label = locationLabel(target.location);
  const answer = await files.get(target.location);
  if ('error' in answer) return { reason: `${label} could not be read (${answer.error})`, fault: answer.fault };
  if (answer.text === undefined)
    return {
      reason: `${label} does not exist${target.location.ref ? ` on ${target.location.ref}` : ''}`,
      fault: false,
    };
  let parsed;
  try {
    parsed = parseYaml(answer.text);
  } catch (error) {
    if (error instanceof YamlInputError)
      return { reason: `${label} is not valid YAML (${error.message})`, fault: false };
    throw error;
  }
  const root = parsed.value;
  if (!isPlainObject(root)) return { reason: `${label} is not a mapping`, fault: false };
  if (target.location.repository !== undefined && root.export !== true)
    return {
      reason: `${label} does not say \`export: true\`, so other repositories may not import from it`,
      fault: false,
    };
  const shared =
    isPlainObject(root.definitions) && isPlainObject(root.definitions.pipelines)
      ? root.definitions.pipelines
      : undefined;
  if (!shared || !Object.prototype.hasOwnProperty.call(shared, target.pipeline)) {
    const names = shared ? Object.keys(shared) : [];
    return {
      reason:
        `${label} exports no pipeline "${target.pipeline}" ` +
        `(${names.length ? `it exports ${names.join(', ')}` : 'it exports none'})`,
      fault: false,
    };
  }
  const value = shared[target.pipeline];
  if (pipelineHasImport(value))
    return {
      reason:
        `the shared pipeline "${target.pipeline}" in ${label} itself contains \`import:\`, ` +
        'which Bitbucket does not allow',
      fault: false,
    };
  const positionOf = (path: Path) => {
    const position = parsed.positionOf(path);
    return position ? { ...position, file: label } : undefined;
  };
  return { value, inner: ['definitions', 'pipelines', target.pipeline], positionOf };
}

function pipelineHasImport(value: unknown): boolean {
  return isImportObject(value) || (Array.isArray(value) && value.some((item) => isImportObject(item)));
}

/**
 * Parses `text` and replaces every import object under `pipelines` by the shared pipeline it names. Problems
 * are collected, not thrown; only a file that cannot be simulated at all throws SimulationInputError.
 */
export async function resolvePipelineFile(text: string, read: FileReader): Promise<ResolvedFile> {
  const own = parsePipelineFile(text);
  const slots = pipelineSlots(own.config.pipelines as Record<string, unknown>).filter(([, value]) =>
    isImportObject(value),
  );
  if (slots.length === 0) return { parsed: own, imports: [], problems: [] };
  const files = readOnce(read);
  const problems: ImportProblem[] = [];
  const imports: ResolvedImport[] = [];
  const mappings: Mapping[] = [];
  let config = own.config;
  if (slots.length > MAX_IMPORTS)
    problems.push({
      import: (slots[MAX_IMPORTS][1] as { import: string }).import,
      line: own.positionOf(slots[MAX_IMPORTS][0])?.line,
      reason: `more than ${MAX_IMPORTS} imports in one file; Pipeline Guard resolves the first ${MAX_IMPORTS}`,
      fault: false,
    });
  const results = await Promise.all(
    slots.slice(0, MAX_IMPORTS).map(async ([path, value]) => {
      const written = (value as { import: string }).import;
      const parsed = parseImport(written, own.config);
      if (!parsed.ok) return { path, written, failure: { reason: parsed.reason, fault: false } };
      return { path, written, location: parsed.target.location, result: await importedPipeline(parsed.target, files) };
    }),
  );
  for (const entry of results) {
    const line = own.positionOf([...entry.path, 'import'])?.line;
    const failure = 'failure' in entry ? entry.failure : 'reason' in entry.result! ? entry.result : undefined;
    if (failure) {
      problems.push({ import: entry.written, line, reason: failure.reason, fault: failure.fault });
      continue;
    }
    const found = entry.result as Exclude<typeof entry.result, { reason: string } | undefined>;
    config = replaceAt(config, entry.path, found.value);
    const label = locationLabel(entry.location!);
    imports.push({ import: entry.written, location: entry.location!, label, line });
    mappings.push({ prefix: entry.path, label, inner: found.inner, positionOf: found.positionOf });
  }
  const positionOf = (path: Path): SourcePosition | undefined => {
    const mapping = mappings.find((m) => startsWith(path, m.prefix));
    return mapping
      ? mapping.positionOf([...mapping.inner, ...path.slice(mapping.prefix.length)])
      : own.positionOf(path);
  };
  return { parsed: { config, positionOf }, imports, problems };
}
