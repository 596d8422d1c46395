/**
 * YAML text → plain data, with positions. Used by the CLI, the settings page and policy loading;
 * never by the provider, which receives JSON (and whose bundle must stay free of a YAML parser).
 */
import {
  isAlias,
  isCollection,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
} from 'yaml';
import type { Path } from '../primitives/path';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export class YamlInputError extends Error {
  constructor(
    message: string,
    readonly position?: Position,
  ) {
    super(position ? `line ${position.line}, column ${position.column}: ${message}` : message);
  }
}

export interface ParsedYaml {
  readonly value: unknown;
  /** The line and column where the node at `path` starts, following aliases to their anchor. */
  positionOf(path: Path): Position | undefined;
}

const PARSE_OPTIONS = { merge: true, uniqueKeys: true, prettyErrors: false, strict: true } as const;
const MAX_ALIAS_COUNT = 1_000;

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** Parses one YAML document; bad YAML, a second document or a duplicate key throws YamlInputError. */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter });
  const list: Document[] = Array.isArray(documents) ? documents : [documents as unknown as Document];
  const positionAt = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const real = list.filter((doc) => doc.contents !== null || doc.errors.length > 0);
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) throw new YamlInputError(firstLine(error.message), positionAt(error.pos[0]));
  }
  if (real.length > 1) {
    const second = real[1];
    const offset = second.range?.[0] ?? 0;
    throw new YamlInputError(
      'a second YAML document (after "---") is not allowed: a pipeline file holds exactly one',
      positionAt(offset),
    );
  }
  const doc = real[0] ?? list[0];
  if (!doc) return { value: null, positionOf: () => undefined };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new YamlInputError(firstLine((error as Error).message), unresolvedAliasOffset(doc, positionAt));
  }

  const positionOf = (path: Path): Position | undefined => {
    let node: unknown = doc.contents;
    let lastOffset: number | undefined;
    for (const segment of path) {
      node = resolveAlias(doc, node);
      if (!isCollection(node)) break;
      const next = findChild(doc, node, segment);
      if (next === undefined) break;
      node = next;
      const resolved = resolveAlias(doc, node);
      if (isNode(resolved) && resolved.range) lastOffset = resolved.range[0];
    }
    return lastOffset === undefined ? undefined : positionAt(lastOffset);
  };
  return { value, positionOf };
}

function resolveAlias(doc: Document, node: unknown): unknown {
  let current = node;
  for (let hops = 0; hops < 64 && isAlias(current); hops++) current = current.resolve(doc);
  return current;
}

function findChild(doc: Document, collection: unknown, segment: string | number): unknown {
  const items = (collection as { items: unknown[] }).items;
  if (typeof segment === 'number') return isSeq(collection) ? items[segment] : undefined;
  const keyOf = (pair: unknown) => (isPair(pair) ? (isScalar(pair.key) ? pair.key.value : pair.key) : undefined);
  for (const pair of items) if (keyOf(pair) === segment) return (pair as { value: unknown }).value;
  // Keys reached through `<<` merges: shallow, and the first source that has the key wins.
  for (const pair of items) {
    if (keyOf(pair) !== '<<') continue;
    const sources = resolveAlias(doc, (pair as { value: unknown }).value);
    for (const source of isSeq(sources) ? sources.items : [sources]) {
      const resolved = resolveAlias(doc, source);
      if (!isCollection(resolved)) continue;
      const found = findChild(doc, resolved, segment);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Where the first alias without an anchor sits: toJS reports one without a position. */
function unresolvedAliasOffset(doc: Document, positionAt: (offset: number) => Position): Position | undefined {
  let found: Position | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined || !node.range) return undefined;
      found = positionAt(node.range[0]);
      return visit.BREAK;
    },
  });
  return found;
}
