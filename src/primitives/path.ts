/** A location in the pipeline or policy tree, as keys and list indexes from the root. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

const BARE_KEY = /^[^.\[\]"'\s\u0000-\u001f]+$/;

/**
 * `pipelines.branches.feature/*[2]`: keys bare where that stays unambiguous, quoted otherwise
 * (`pipelines.tags["v*.*.*"][0]`), indexes in brackets.
 */
/**
 * Keys repeat across steps and runs (`pipelines`, `branches`, `steps`…): each is judged once. Bounded, since keys come
 * from the pipeline.
 */
const bareKeys = new Map<string, boolean>();
function isBareKey(key: string): boolean {
  let bare = bareKeys.get(key);
  if (bare === undefined) {
    if (bareKeys.size >= 2_000) bareKeys.clear();
    bare = BARE_KEY.test(key);
    bareKeys.set(key, bare);
  }
  return bare;
}

export function formatPath(path: Path): string {
  return extendPath('', path, 0);
}

/** formatPath of `path`, given `prefix` = formatPath of its first `from` segments: a walk formats a prefix once. */
export function extendPath(prefix: string, path: Path, from: number): string {
  let out = prefix;
  for (let i = from; i < path.length; i++) {
    const segment = path[i];
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (isBareKey(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
