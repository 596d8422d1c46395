/**
 * Folding step names before they are compared with a policy's `stepNamePrefix` or `deployments`:
 * compatibility normalisation (fullwidth `ＰＲＯＤ`), accents and invisible characters removed,
 * common Cyrillic and Greek look-alikes mapped to Latin, then lower case. A name that only looks
 * like "PROD" is treated as PROD, which errs towards the gate rather than around it.
 */

const INVISIBLE = /[\p{Cf}\p{Cc}\p{Mn}\p{Me}\u034f\u115f\u1160\u3164\uffa0\u2800\ufe00-\ufe0f]|\udb40[\udc00-\udc7f]/gu;

const LOOKALIKES: Record<string, string> = {
  // Cyrillic
  А: 'a',
  В: 'b',
  Е: 'e',
  К: 'k',
  М: 'm',
  Н: 'h',
  О: 'o',
  Р: 'p',
  С: 'c',
  Т: 't',
  Х: 'x',
  У: 'y',
  Ѕ: 's',
  І: 'i',
  Ј: 'j',
  Ԁ: 'd',
  Ԛ: 'q',
  Ԝ: 'w',
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  х: 'x',
  у: 'y',
  ѕ: 's',
  і: 'i',
  ј: 'j',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ɡ: 'g',
  // Greek
  Α: 'a',
  Β: 'b',
  Ε: 'e',
  Ζ: 'z',
  Η: 'h',
  Ι: 'i',
  Κ: 'k',
  Μ: 'm',
  Ν: 'n',
  Ο: 'o',
  Ρ: 'p',
  Τ: 't',
  Υ: 'y',
  Χ: 'x',
  α: 'a',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  // Latin look-alikes outside ASCII
  ı: 'i',
  ȷ: 'j',
  ℓ: 'l',
  Ɩ: 'l',
};

const LOOKALIKE_PATTERN = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'gu');

/**
 * Control characters that separate words; removing them like other invisibles would glue "PROD\tdeploy" into one word.
 */
const CONTROL_SEPARATORS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/** Folding runs for every step against every environment; names and policy values repeat, so keep the results. */
const foldCache = new Map<string, string>();
const MAX_CACHED_LENGTH = 256;

export function foldForMatching(text: string): string {
  const cached = foldCache.get(text);
  if (cached !== undefined) return cached;
  const folded = fold(text);
  if (text.length <= MAX_CACHED_LENGTH) {
    if (foldCache.size >= 5_000) foldCache.clear();
    foldCache.set(text, folded);
  }
  return folded;
}

function fold(text: string): string {
  return text
    .replace(CONTROL_SEPARATORS, ' ')
    .normalize('NFKD')
    .replace(INVISIBLE, '')
    .replace(LOOKALIKE_PATTERN, (char) => LOOKALIKES[char] ?? char)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * True when `name` starts with `prefix` as a whole word, in any case: "PROD deploy", "prod: migrate",
 * "[PROD] apply", "prod-db" — but not "production" or "products".
 */
export function startsWithWord(name: string, prefix: string): boolean {
  const folded = foldForMatching(name);
  const word = foldForMatching(prefix);
  let start = 0;
  while (start < folded.length && !WORD_CHAR.test(folded[start])) start++;
  if (!folded.startsWith(word, start)) return false;
  const next = folded[start + word.length];
  return next === undefined || !WORD_CHAR.test(next);
}
