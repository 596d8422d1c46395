/** A location in the pipeline or policy tree, as keys and list indexes from the root. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

const BARE_KEY = /^[^.\[\]"'\s\u0000-\u001f]+$/;

/**
 * `pipelines.branches.feature/*[2]`: keys bare where that stays unambiguous, quoted otherwise
 * (`pipelines.tags["v*.*.*"][0]`), indexes in brackets.
 */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (BARE_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
