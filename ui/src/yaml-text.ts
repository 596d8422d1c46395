/**
 * The policy's YAML text, kept as a `yaml` Document so that what the admin wrote (comments, key
 * order, flow or block style) survives edits made in the form: a form edit changes only the nodes
 * whose value changed, and a key added by the form goes after the existing ones. Flow collections
 * are written without inner padding (`[main, dev]`), the common hand-written style.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, stringify, type Document, type Node } from 'yaml';
import { parseYaml } from '../../src/yaml/document';

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const keyOf = (pair: unknown) => (isPair(pair) ? (isScalar(pair.key) ? pair.key.value : pair.key) : undefined);

/** Makes `node` hold `value`, reusing every node (and so every comment) whose value is still there. */
function syncNode(doc: Document, node: unknown, value: unknown): unknown {
  if (isMap(node) && isPlainObject(value)) {
    for (const pair of [...node.items]) {
      const key = keyOf(pair);
      if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(value, key)) node.items.splice(node.items.indexOf(pair), 1);
    }
    for (const [key, child] of Object.entries(value)) {
      const pair = node.items.find((item) => keyOf(item) === key);
      if (pair) pair.value = syncNode(doc, pair.value, child) as Node;
      else node.items.push(doc.createPair(key, child) as (typeof node.items)[number]);
    }
    return node;
  }
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
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The draft the YAML text stands for; while the text does not parse, the last good draft stays. */
export function parsePolicyDraft(text: string, lastGood: unknown): { draft: unknown; text: string; syntaxError?: string } {
  try {
    return { draft: parseYaml(text).value ?? {}, text };
  } catch (error) {
    return { draft: lastGood, text, syntaxError: (error as Error).message };
  }
}
