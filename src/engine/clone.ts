/**
 * The working copy of a hostile configuration. One pass that copies plain JSON, rejects anything
 * else, and breaks shared references: a YAML alias reaches the CLI as one object used in two
 * places, and rewriting it for one environment must not rewrite it for the other.
 */

export const MAX_DEPTH = 64;

export class UnsafeInputError extends Error {}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` and friends arrive as ordinary own keys from JSON.parse; keep them ordinary.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Asks cloneJson to note, in the same pass, whether any string value of the copy contains `text`. */
export interface TextProbe {
  readonly text: string;
  found: boolean;
}

export function cloneJson<T>(value: T, depth = 0, probe?: TextProbe): T {
  if (depth > MAX_DEPTH) throw new UnsafeInputError(`nested deeper than ${MAX_DEPTH} levels`);
  if (typeof value === 'string') {
    if (probe && !probe.found && value.includes(probe.text)) probe.found = true;
    return value;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnsafeInputError('holds a number that is not finite');
    return value;
  }
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i], depth + 1, probe);
    return copy as T;
  }
  if (typeof value === 'object') {
    // Any realm's Object.prototype (Forge, jest's vm, structuredClone's) ends the chain directly.
    const proto = Object.getPrototypeOf(value);
    if (proto !== null && Object.getPrototypeOf(proto) !== null)
      throw new UnsafeInputError('holds a value that is not plain JSON');
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value as object)) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      if (key === '__proto__' || key === 'constructor' || key === 'prototype')
        define(copy, key, cloneJson(item, depth + 1, probe));
      else copy[key] = cloneJson(item, depth + 1, probe);
    }
    return copy as T;
  }
  throw new UnsafeInputError(`holds a ${typeof value}, which JSON cannot carry`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality for JSON values, used to recognise Pipeline Guard's own injected steps. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}
