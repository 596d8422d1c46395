/**
 * The longest text the server's zod schemas accept at a field, read from the schemas themselves (a
 * `.max()` or the bound of a regex such as `^[a-z][a-z0-9-]{0,31}$`), so that an input's `maxLength`
 * can never drift from what a save or a grant accepts. Its own module because it brings zod: fields
 * load it after the first view, as they do the schema check.
 */
import type * as z from 'zod';
import type { Path } from '../../src/primitives/path';
import { GrantSchema } from '../../src/policy/grants';
import { PolicySchema } from '../../src/policy/schema';

interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly shape?: Record<string, z.ZodType>;
}

interface CheckDef {
  readonly check: string;
  readonly maximum?: number;
  readonly pattern?: RegExp;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'nonoptional', 'catch']);

/** The schema under optional/default/pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The longest match of a regex quantifier-bounded from start to end, or undefined when it is unbounded. */
export function patternMaxLength(pattern: RegExp): number | undefined {
  const source = pattern.source;
  let pos = 0;
  const atomLength = (): number => {
    const char = source[pos];
    if (char === '\\') {
      pos += 2;
      return 1;
    }
    if (char === '[') {
      pos++;
      if (source[pos] === '^') pos++;
      if (source[pos] === ']') pos++;
      while (pos < source.length && source[pos] !== ']') pos += source[pos] === '\\' ? 2 : 1;
      pos++;
      return 1;
    }
    if (char === '(') {
      pos += source.startsWith('(?:', pos) ? 3 : 1;
      const inner = alternatives();
      pos++;
      return inner;
    }
    pos++;
    return char === '^' || char === '$' ? 0 : 1;
  };
  const times = (): number => {
    const char = source[pos];
    if (char === '*' || char === '+') {
      pos++;
      return Infinity;
    }
    if (char === '?') {
      pos++;
      return 1;
    }
    const bounded = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(pos));
    if (!bounded) return 1;
    pos += bounded[0].length;
    return bounded[2] === undefined ? Number(bounded[1]) : bounded[3] ? Number(bounded[3]) : Infinity;
  };
  const sequence = (): number => {
    let total = 0;
    while (pos < source.length && source[pos] !== '|' && source[pos] !== ')') {
      const length = atomLength();
      const count = times();
      if (length > 0) total += length * count;
      if (source[pos] === '?') pos++;
    }
    return total;
  };
  const alternatives = (): number => {
    let longest = sequence();
    while (source[pos] === '|') {
      pos++;
      longest = Math.max(longest, sequence());
    }
    return longest;
  };
  const longest = alternatives();
  return Number.isFinite(longest) ? longest : undefined;
}

const smallest = (values: (number | undefined)[]) => {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length ? Math.min(...known) : undefined;
};

/** The longest text a string schema accepts, from its `.max()` and its regexes. */
function stringMaxLength(def: Def): number | undefined {
  return smallest(
    (def.checks ?? []).map(({ _zod: { def: check } }) =>
      check.check === 'max_length'
        ? check.maximum
        : check.check === 'string_format' && check.pattern
          ? patternMaxLength(check.pattern)
          : undefined,
    ),
  );
}

/**
 * The longest text a field accepts. A list typed one item a line (or comma-separated) gets room for
 * its most items at their longest, with a separator each.
 */
export function schemaMaxLength(schema: z.ZodType, separator = 1): number | undefined {
  const def = defOf(unwrap(schema));
  if (def.type === 'string') return stringMaxLength(def);
  if (def.type !== 'array' || !def.element) return undefined;
  const items = smallest((def.checks ?? []).map(({ _zod: { def: check } }) => check.maximum));
  const item = schemaMaxLength(def.element);
  return items === undefined || item === undefined ? undefined : items * (item + separator) - separator;
}

/** The schema at a path, or undefined; a key in a union is taken from every option that has it. */
function schemasAt(schema: z.ZodType, path: Path): z.ZodType[] {
  if (path.length === 0) return [schema];
  const def = defOf(unwrap(schema));
  const [segment, ...rest] = path;
  if (def.type === 'union') return (def.options ?? []).flatMap((option) => schemasAt(option, path));
  if (def.type === 'array' && typeof segment === 'number' && def.element) return schemasAt(def.element, rest);
  const field = def.type === 'object' && typeof segment === 'string' ? def.shape?.[segment] : undefined;
  return field ? schemasAt(field, rest) : [];
}

/** The policy field's length limit; the largest across a union's options, so no valid value is ever cut. */
export function policyMaxLength(path: Path, separator = 1): number | undefined {
  const limits = schemasAt(PolicySchema, path).map((schema) => schemaMaxLength(schema, separator));
  return limits.length && limits.every((limit) => limit !== undefined) ? Math.max(...limits) : undefined;
}

export type GrantTextField = 'id' | 'reason' | 'repository' | 'refs' | 'creators';

/** The grant field's length limit; lists are typed comma-separated (", " between items). */
export function grantMaxLength(field: GrantTextField): number | undefined {
  return schemaMaxLength(GrantSchema.shape[field], 2);
}
