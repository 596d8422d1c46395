/**
 * The policy's YAML text, kept as a `yaml` Document so that what the admin wrote (comments, key
 * order, flow or block style) survives edits made in the form: a form edit changes only the nodes
 * whose value changed, and a key added by the form goes after the existing ones. Flow collections
 * are written without inner padding (`[main, dev]`), the common hand-written style.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, stringify, type Document, type Node, type YAMLSeq } from 'yaml';
import { parseYaml } from '../../src/yaml/document';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const keyOf = (pair: unknown) => (isPair(pair) ? (isScalar(pair.key) ? pair.key.value : pair.key) : undefined);

const nameOf = (value: unknown) => (isPlainObject(value) && typeof value.name === 'string' ? value.name : undefined);
const isNamedList = (value: unknown[]) => value.length > 0 && value.every((item) => nameOf(item) !== undefined);
const nodeName = (item: unknown) => (isMap(item) ? item.items.find((pair) => keyOf(pair) === 'name') : undefined);

/**
 * A list of named items (environments, scan steps) follows its items by name: moving or removing
 * one moves or removes its node, comments included, and leaves every other node as it was.
 */
function syncNamedSeq(doc: Document, node: YAMLSeq, value: unknown[]): YAMLSeq {
  // The parser keeps a comment above the first item on the list; it belongs to that item.
  const first = node.items[0] as Node | undefined;
  if (node.commentBefore && first && !first.commentBefore) {
    first.commentBefore = node.commentBefore;
    node.commentBefore = undefined;
  }
  const unused = [...node.items];
  node.items = value.map((child, index) => {
    const name = nameOf(child);
    let at = unused.findIndex((item) => {
      const pair = nodeName(item);
      return isPair(pair) && isScalar(pair.value) && pair.value.value === name;
    });
    // A renamed item keeps its node when it stays where it was.
    if (at < 0 && unused.includes(node.items[index])) at = unused.indexOf(node.items[index]);
    if (at < 0) return doc.createNode(child);
    const [item] = unused.splice(at, 1);
    return syncNode(doc, item, child) as Node;
  });
  return node;
}

/** Makes `node` hold `value`, reusing every node (and so every comment) whose value is still there. */
function syncNode(doc: Document, node: unknown, value: unknown): unknown {
  if (isMap(node) && isPlainObject(value)) {
    for (const pair of [...node.items]) {
      const key = keyOf(pair);
      if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(value, key))
        node.items.splice(node.items.indexOf(pair), 1);
    }
    for (const [key, child] of Object.entries(value)) {
      const pair = node.items.find((item) => keyOf(item) === key);
      if (pair) pair.value = syncNode(doc, pair.value, child) as Node;
      else node.items.push(doc.createPair(key, child) as (typeof node.items)[number]);
    }
    return node;
  }
  if (isSeq(node) && Array.isArray(value) && isNamedList(value)) return syncNamedSeq(doc, node, value);
  if (isSeq(node) && Array.isArray(value)) {
    value.forEach((child, index) => {
      if (index < node.items.length) node.items[index] = syncNode(doc, node.items[index], child);
      else node.items.push(doc.createNode(child));
    });
    node.items.splice(value.length);
    return node;
  }
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    if (node.value !== value) node.value = value;
    return node;
  }
  return doc.createNode(value);
}

const lineKey = (line: string) => line.replace(/\s+#/, ' #').trimEnd();

/**
 * The YAML printer re-spaces comments and blank lines even on nodes it did not change; a line that
 * says the same as a line of the admin's text gets the admin's bytes back, so untouched lines diff
 * as untouched.
 */
function restoreUntouchedLines(original: string, printed: string): string {
  const byKey = new Map<string, string[]>();
  for (const line of original.split('\n')) {
    const key = lineKey(line);
    byKey.set(key, [...(byKey.get(key) ?? []), line]);
  }
  return printed
    .split('\n')
    .map((line) => byKey.get(lineKey(line))?.shift() ?? line)
    .join('\n');
}

/** Plain YAML for a policy that has no text of its own yet. */
export function toYamlText(value: unknown): string {
  return value === undefined ? '' : stringify(value, { lineWidth: 0 });
}

/** `text` changed as little as possible so that it parses to `value`; `text` itself when it already does. */
export function syncYamlText(text: string | undefined, value: unknown): string {
  if (value === undefined) return '';
  if (!text?.trim()) return toYamlText(value);
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) return toYamlText(value);
  if (JSON.stringify(doc.toJS()) === JSON.stringify(value)) return text;
  doc.contents = syncNode(doc, doc.contents, value) as typeof doc.contents;
  return restoreUntouchedLines(text, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
}

/** The draft the YAML text stands for; while the text does not parse, the last good draft stays. */
export function parsePolicyDraft(
  text: string,
  lastGood: unknown,
): { draft: unknown; text: string; syntaxError?: string } {
  try {
    return { draft: parseYaml(text).value ?? {}, text };
  } catch (error) {
    return { draft: lastGood, text, syntaxError: (error as Error).message };
  }
}
