/**
 * The policy being edited, as plain JSON the way the admin writes it. The editor, the YAML tab and
 * the save button all read this one draft. Free of zod and the YAML parser, so the first view can
 * show it before those load (validation.ts and yaml-text.ts).
 */
import type { Path } from '../../src/primitives/path';

export type Json = unknown;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function getAt(root: Json, path: Path): unknown {
  let node = root;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isObject(node) && typeof segment === 'string') node = node[segment];
    else return undefined;
  }
  return node;
}

/**
 * A copy of `root` with `value` at `path`. `undefined` removes the key, and an object left empty by
 * the removal is removed too, so clearing every field of `oidc` leaves no `oidc: {}` behind.
 */
export function setAt(root: Json, path: Path, value: unknown): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...root] : [];
    const next = setAt(list[head], rest, value);
    if (next === undefined) list.splice(head, 1);
    else list[head] = next;
    return list;
  }
  const object: Record<string, unknown> = isObject(root) ? { ...root } : {};
  const next = setAt(object[head], rest, value);
  if (next === undefined || (isObject(next) && Object.keys(next).length === 0 && rest.length > 0)) delete object[head];
  else object[head] = next;
  return object;
}

export function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

export function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);
}
