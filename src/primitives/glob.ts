/**
 * Bitbucket's glob dialect, used for branch, tag and pull-request keys and for the policy's
 * `branches`/`tags`: `*` stops at `/`, `**` crosses it, `?` is one character, `{a,b}` alternates
 * (nesting allowed), and matching is case-sensitive. Written here rather than taken from a
 * path-glob library because those treat dot-files, `[...]` classes and `**` segments differently
 * from Bitbucket, and a mismatch in either direction is a policy bypass or a false block.
 */

export interface GlobOptions {
  /** Ref globs stop `*` at `/`; image and pipe globs do not (an image reference is not a path). */
  readonly slashIsSeparator: boolean;
}

export const REF_GLOB: GlobOptions = { slashIsSeparator: true };
export const NAME_GLOB: GlobOptions = { slashIsSeparator: false };

const MAX_BRACE_DEPTH = 8;
const MAX_PATTERN_LENGTH = 256;

export class GlobSyntaxError extends Error {}

function escapeLiteral(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char;
}

function toRegexSource(pattern: string, options: GlobOptions): string {
  const star = options.slashIsSeparator ? '[^/]*' : '[\\s\\S]*';
  const single = options.slashIsSeparator ? '[^/]' : '[\\s\\S]';
  let pos = 0;

  const sequence = (depth: number): string => {
    let out = '';
    while (pos < pattern.length) {
      const char = pattern[pos];
      if (depth > 0 && (char === ',' || char === '}')) return out;
      if (char === '*') {
        let run = 0;
        while (pattern[pos] === '*') {
          run++;
          pos++;
        }
        out += run >= 2 ? '[\\s\\S]*' : star;
        continue;
      }
      if (char === '?') {
        out += single;
        pos++;
        continue;
      }
      if (char === '{') {
        if (depth + 1 > MAX_BRACE_DEPTH) throw new GlobSyntaxError(`braces nested deeper than ${MAX_BRACE_DEPTH}`);
        pos++;
        const alternatives = [sequence(depth + 1)];
        while (pattern[pos] === ',') {
          pos++;
          alternatives.push(sequence(depth + 1));
        }
        if (pattern[pos] !== '}') throw new GlobSyntaxError(`unclosed "{" in "${pattern}"`);
        pos++;
        out += `(?:${alternatives.join('|')})`;
        continue;
      }
      if (char === '}') throw new GlobSyntaxError(`unmatched "}" in "${pattern}"`);
      out += escapeLiteral(char);
      pos++;
    }
    return out;
  };

  const source = sequence(0);
  return `^${source}$`;
}

/** Why `pattern` is not a usable glob, or undefined when it is. */
export function globSyntaxError(pattern: string, options: GlobOptions = REF_GLOB): string | undefined {
  if (pattern.length === 0) return 'empty pattern';
  if (pattern.length > MAX_PATTERN_LENGTH) return `longer than ${MAX_PATTERN_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(pattern)) return 'contains a control character';
  try {
    toRegexSource(pattern, options);
    return undefined;
  } catch (error) {
    return error instanceof GlobSyntaxError ? error.message : String(error);
  }
}

export type GlobMatcher = (value: string) => boolean;

const cache = new Map<string, GlobMatcher>();

/** A matcher for `pattern`; throws GlobSyntaxError on a malformed pattern. Compiled matchers are cached. */
export function compileGlob(pattern: string, options: GlobOptions = REF_GLOB): GlobMatcher {
  const cacheKey = `${options.slashIsSeparator ? 'r' : 'n'}:${pattern}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const problem = globSyntaxError(pattern, options);
  if (problem) throw new GlobSyntaxError(problem);
  const regex = new RegExp(toRegexSource(pattern, options));
  const matcher: GlobMatcher = (value) => regex.test(value);
  if (cache.size > 2_000) cache.clear();
  cache.set(cacheKey, matcher);
  return matcher;
}

/** The anchored regular expression a glob compiles to (also valid RE2, for CEL's `matches`); throws GlobSyntaxError. */
export function globRegexSource(pattern: string, options: GlobOptions = REF_GLOB): string {
  const problem = globSyntaxError(pattern, options);
  if (problem) throw new GlobSyntaxError(problem);
  return toRegexSource(pattern, options);
}

/** True when the pattern has no wildcard or alternation, i.e. it names exactly one ref. */
export function isLiteralGlob(pattern: string): boolean {
  return !/[*?{}]/.test(pattern);
}
