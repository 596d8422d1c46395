/**
 * No function over 80 lines in src/ or ui/src/ (issue 20). Long functions do several things; split
 * them into parts named for what each does. There is no allowlist: the last offenders were split.
 * Lengths are line spans from the TypeScript parser (first to last line, both counted), nested
 * functions included in their enclosing one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { functionSpans } from './support/function-spans';

const ROOT = path.resolve(__dirname, '..');
const LIMIT = 80;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Functions over the limit, each said in words. */
function lengthProblems(files: ReadonlyArray<{ file: string; text: string }>): string[] {
  return files.flatMap(({ file, text }) =>
    functionSpans(file, text)
      .filter((span) => span.lines > LIMIT)
      .map(
        (span) =>
          `${file}: ${span.name} has ${span.lines} lines (limit ${LIMIT}); split it into parts that each do one thing`,
      ),
  );
}

describe('function length', () => {
  const files = ['src', 'ui/src']
    .flatMap((dir) => sources(path.join(ROOT, dir)))
    .map((full) => ({ file: path.relative(ROOT, full).split(path.sep).join('/'), text: readFileSync(full, 'utf8') }));

  it(`has no function over ${LIMIT} lines in src/ and ui/src/`, () => {
    expect(files.length).toBeGreaterThan(100);
    expect(lengthProblems(files)).toEqual([]);
  });

  const body = (lines: number) => Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`).join('\n');
  it('flags a long function of every kind', () => {
    const text =
      `export function long() {\n${body(81)}\n}\n` +
      `const arrow = () => {\n${body(90)}\n};\n` +
      `class K {\n  method() {\n${body(85)}\n  }\n}\n`;
    expect(lengthProblems([{ file: 'src/x.ts', text }])).toEqual([
      'src/x.ts: long has 81 lines (limit 80); split it into parts that each do one thing',
      'src/x.ts: arrow has 90 lines (limit 80); split it into parts that each do one thing',
      'src/x.ts: K > method has 85 lines (limit 80); split it into parts that each do one thing',
    ]);
  });

  it('accepts a function of exactly the limit', () => {
    const text = `function ok() {\n${body(80)}\n}\n`;
    expect(lengthProblems([{ file: 'src/y.ts', text }])).toEqual([]);
  });

  it('names JSX handlers and callbacks by where they stand', () => {
    const text = `export function Tab() {\n  return <button onClick={() => {\n${body(82)}\n  }} />;\n}\n`;
    expect(lengthProblems([{ file: 'ui/src/t.tsx', text }])).toEqual([
      'ui/src/t.tsx: Tab has 84 lines (limit 80); split it into parts that each do one thing',
      'ui/src/t.tsx: Tab > <onClick> has 82 lines (limit 80); split it into parts that each do one thing',
    ]);
  });
});
