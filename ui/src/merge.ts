/**
 * A three-way merge of policies at the level of their fields, for an admin whose save was refused
 * because another admin saved first: `base` is the revision the draft was loaded from, `theirs` the
 * revision saved since, `mine` the draft. A field only one side changed takes that side's value; a
 * field both changed differently is a conflict, which keeps their value until the admin chooses
 * theirs or mine, field by field. Lists of named items (environments, scan steps) are merged item
 * by item by name; any other list is one field. Pure and free of zod and the YAML parser.
 */
export type Side = 'theirs' | 'mine';

export interface Conflict {
  /** Stable across merges of the same three inputs: the key a choice is made under. */
  readonly key: string;
  /** The field in words, such as `environment “prod” → branches`. */
  readonly label: string;
  readonly base: unknown;
  readonly theirs: unknown;
  readonly mine: unknown;
}

export interface MergeResult {
  readonly merged: unknown;
  readonly conflicts: Conflict[];
  /** Labels of the fields only the admin changed, now on top of their revision. */
  readonly mineApplied: string[];
  /** Labels of the fields only the other revision changed, taken as they saved them. */
  readonly theirsApplied: string[];
}

type Record_ = Record<string, unknown>;
const isObject = (value: unknown): value is Record_ =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const nameOf = (item: unknown) => (isObject(item) && typeof item.name === 'string' ? item.name : undefined);
const isNamedList = (value: unknown) =>
  value === undefined || (Array.isArray(value) && value.every((item) => nameOf(item) !== undefined));
/** Words for a field inside a named item: `environments` holds environments, `steps` steps. */
const ITEM_WORDS: Record<string, string> = { environments: 'environment', steps: 'scan step' };

interface Walk {
  readonly choices: ReadonlyMap<string, Side>;
  readonly conflicts: Conflict[];
  readonly mineApplied: string[];
  readonly theirsApplied: string[];
}

function mergeValue(base: unknown, theirs: unknown, mine: unknown, trail: string[], walk: Walk): unknown {
  if (same(theirs, mine)) return mine;
  const all = [base, theirs, mine];
  if (all.every((value) => value === undefined || isObject(value)) && isObject(theirs) && isObject(mine))
    return mergeObject(base as Record_ | undefined, theirs, mine, trail, walk);
  if (all.every(isNamedList) && Array.isArray(theirs) && Array.isArray(mine))
    return mergeNamedList(base as unknown[] | undefined, theirs, mine, trail, walk);
  const label = trail.join(' → ') || 'the policy';
  if (same(mine, base)) {
    walk.theirsApplied.push(label);
    return theirs;
  }
  if (same(theirs, base)) {
    walk.mineApplied.push(label);
    return mine;
  }
  const key = JSON.stringify(trail);
  walk.conflicts.push({ key, label, base, theirs, mine });
  return walk.choices.get(key) === 'mine' ? mine : theirs;
}

function mergeObject(base: Record_ | undefined, theirs: Record_, mine: Record_, trail: string[], walk: Walk): Record_ {
  const keys = [...Object.keys(theirs), ...Object.keys(mine).filter((key) => !(key in theirs))];
  const merged: Record_ = {};
  for (const key of keys) {
    const value = mergeValue(base?.[key], theirs[key], mine[key], [...trail, key], walk);
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

function mergeNamedList(
  base: unknown[] | undefined,
  theirs: unknown[],
  mine: unknown[],
  trail: string[],
  walk: Walk,
): unknown[] {
  const byName = (list: unknown[] | undefined, name: string) => list?.find((item) => nameOf(item) === name);
  // Their order first (they saved last), then items only the draft added, in the draft's order.
  const names = [...theirs.map(nameOf), ...mine.map(nameOf).filter((name) => !byName(theirs, name!))] as string[];
  const parent = trail.length ? trail.slice(0, -1) : [];
  const word = ITEM_WORDS[trail[trail.length - 1] ?? ''] ?? 'item';
  const merged: unknown[] = [];
  for (const name of names) {
    const value = mergeValue(
      byName(base, name),
      byName(theirs, name),
      byName(mine, name),
      [...parent, `${word} “${name}”`],
      walk,
    );
    if (value !== undefined) merged.push(value);
  }
  return merged;
}

/** Merges the three; each conflict takes the side `choices` names for its key (theirs when none). */
export function mergePolicies(
  base: unknown,
  theirs: unknown,
  mine: unknown,
  choices: ReadonlyMap<string, Side> = new Map(),
): MergeResult {
  const walk: Walk = { choices, conflicts: [], mineApplied: [], theirsApplied: [] };
  const merged = mergeValue(base, theirs, mine, [], walk);
  return { merged, conflicts: walk.conflicts, mineApplied: walk.mineApplied, theirsApplied: walk.theirsApplied };
}

/** A field's value for people: lists and maps in YAML's flow style, a missing field as words. */
export function describeValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'string') return value;
  if (Array.isArray(value))
    return `[${value
      .map((item) => (isObject(item) || Array.isArray(item) ? describeValue(item) : String(item)))
      .join(', ')}]`;
  if (isObject(value))
    return `{${Object.entries(value)
      .map(([key, child]) => `${key}: ${describeValue(child)}`)
      .join(', ')}}`;
  return String(value);
}
