/**
 * No line over 120 characters in the code folders (issue 20). Prettier (`npm run format`, with
 * .prettierrc.json) breaks code lines; scripts/wrap-comments.ts rewraps long comments, which
 * prettier leaves alone; long string literals are split by hand.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const LIMIT = 120;
const FOLDERS = ['src', 'ui/src', 'test', 'e2e', 'dev', 'scripts', 'bench'];
const HOW = 'npm run format, then npx tsx scripts/wrap-comments.ts for comments';

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
  text.split('\n').flatMap((line, index) => ([...line.replace(/\r$/, '')].length > LIMIT ? [index + 1] : []));

function lineProblems(linesByFile: Record<string, number[]>): string[] {
  return Object.entries(linesByFile).flatMap(([file, lines]) =>
    lines.length === 0
      ? []
      : [
          `${file}: line${lines.length === 1 ? '' : 's'} ${lines.join(', ')} over ${LIMIT} characters; break ` +
            `${lines.length === 1 ? 'it' : 'them'} (${HOW})`,
        ],
  );
}

describe('line length', () => {
  const linesByFile = Object.fromEntries(
    FOLDERS.flatMap((folder) => files(path.join(ROOT, folder))).map((full) => [
      path.relative(ROOT, full).split(path.sep).join('/'),
      longLines(readFileSync(full, 'utf8')),
    ]),
  );

  it(`has no line over ${LIMIT} characters in any file of ${FOLDERS.join(', ')}`, () => {
    expect(Object.keys(linesByFile).length).toBeGreaterThan(250);
    expect(lineProblems(linesByFile)).toEqual([]);
  });

  it('names each long line by file and number, and counts characters, not bytes', () => {
    const long = 'x'.repeat(LIMIT + 1);
    expect(longLines(`${'é'.repeat(LIMIT)}\n${'x'.repeat(LIMIT)}\r\n`)).toEqual([]);
    expect(longLines(`${long}\nshort\n${long}`)).toEqual([1, 3]);
    expect(lineProblems({ 'src/new.ts': [7], 'src/old.ts': [2, 9], 'src/fine.ts': [] })).toEqual([
      `src/new.ts: line 7 over ${LIMIT} characters; break it (${HOW})`,
      `src/old.ts: lines 2, 9 over ${LIMIT} characters; break them (${HOW})`,
    ]);
  });
});
