/**
 * No line over 120 characters in the code folders (issue 20). Prettier (`npm run format`, with
 * .prettierrc.json) breaks code lines; scripts/wrap-comments.ts rewraps long comments, which
 * prettier leaves alone; long string literals are split by hand.
 *
 * fixtures/house/line-length-baseline.json holds, per file, how many lines offended when the check
 * was added (before the tree was reformatted): a file may not gain offending lines, and a file not
 * listed may have none. The counts may only shrink; empty the file once the tree is reformatted.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const LIMIT = 120;
const FOLDERS = ['src', 'ui/src', 'test', 'e2e', 'dev', 'scripts', 'bench'];
const HOW = 'npm run format, then npx tsx scripts/wrap-comments.ts for comments';
const BASELINE_FILE = path.join(ROOT, 'fixtures/house/line-length-baseline.json');

/** Generated files: the Ajv validators (npm run gen:validators) and jest's snapshots. */
const GENERATED = [/\.validator\.cjs$/, /\.validator\.d\.cts$/, /\.snap$/];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : files(full);
    return GENERATED.some((pattern) => pattern.test(name)) ? [] : [full];
  });
}

/** Characters as a reader counts them (code points), not UTF-16 units. */
const longLines = (text: string) =>
  text.split('\n').filter((line) => [...line.replace(/\r$/, '')].length > LIMIT).length;

function lineProblems(counts: Record<string, number>, baseline: Record<string, number>): string[] {
  return Object.entries(counts).flatMap(([file, count]) => {
    const allowed = baseline[file] ?? 0;
    if (count <= allowed) return [];
    return [
      allowed === 0
        ? `${file}: ${count} line${count === 1 ? '' : 's'} over ${LIMIT} characters; ` +
          `break ${count === 1 ? 'it' : 'them'} (${HOW})`
        : `${file}: ${count} lines over ${LIMIT} characters, ` +
          `more than the ${allowed} it had when the check was added; the count may only shrink`,
    ];
  });
}

describe('line length', () => {
  const baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Record<string, number>;
  const counts = Object.fromEntries(
    FOLDERS.flatMap((folder) => files(path.join(ROOT, folder))).map((full) => [
      path.relative(ROOT, full).split(path.sep).join('/'),
      longLines(readFileSync(full, 'utf8')),
    ]),
  );

  it(`has no more lines over ${LIMIT} characters in any file than its baseline (none for files not listed)`, () => {
    expect(Object.keys(counts).length).toBeGreaterThan(250);
    expect(lineProblems(counts, baseline)).toEqual([]);
  });

  it('lists only files that exist, each with a positive count', () => {
    expect(Object.entries(baseline).filter(([file, count]) => !(file in counts) || !(count > 0))).toEqual([]);
  });

  it('flags a new offender and a listed file that gained a long line, and counts characters, not bytes', () => {
    const long = 'x'.repeat(LIMIT + 1);
    expect(longLines(`${'é'.repeat(LIMIT)}\n${'x'.repeat(LIMIT)}\r\n`)).toBe(0);
    expect(longLines(`${long}\nshort\n${long}`)).toBe(2);
    expect(
      lineProblems({ 'src/new.ts': 1, 'src/old.ts': 3, 'src/fine.ts': 2 }, { 'src/old.ts': 2, 'src/fine.ts': 5 }),
    ).toEqual([
      `src/new.ts: 1 line over ${LIMIT} characters; break it (${HOW})`,
      `src/old.ts: 3 lines over ${LIMIT} characters, more than the 2 it had when the check was added; ` +
        'the count may only shrink',
    ]);
  });
});
