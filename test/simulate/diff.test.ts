import fc from 'fast-check';
import { unifiedDiff } from '../../src/simulate/diff';

const labels = { before: 'a', after: 'b' };

/** Applies a unified diff to `before`; a diff that does not describe the change fails here. */
function applyDiff(before: string, diff: string): string {
  if (diff === '') return before;
  const source = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let next = 0;
  const lines = diff.replace(/\n$/, '').split('\n').slice(2);
  for (let i = 0; i < lines.length; i++) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(lines[i]);
    if (!header) throw new Error(`expected a hunk header, got ${lines[i]}`);
    const count = header[2] === undefined ? 1 : Number(header[2]);
    const start = count === 0 ? Number(header[1]) : Number(header[1]) - 1;
    while (next < start) out.push(source[next++]);
    for (i++; i < lines.length && !lines[i].startsWith('@@'); i++) {
      const [kind, text] = [lines[i][0], lines[i].slice(1)];
      if (kind === '+') out.push(text);
      else {
        if (source[next] !== text)
          throw new Error(
            `context mismatch at line ${next + 1}: ${JSON.stringify(source[next])} vs ${JSON.stringify(text)}`,
          );
        if (kind === ' ') out.push(text);
        next++;
      }
    }
    i--;
  }
  while (next < source.length) out.push(source[next++]);
  return out.length ? `${out.join('\n')}\n` : '';
}

describe('unified diff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', labels)).toBe('');
  });

  it('writes headers, a hunk header and three lines of context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n') + '\n';
    const after = ['1', '2', '3', '4', 'five', '6', '7', '8'].join('\n') + '\n';
    expect(unifiedDiff(before, after, labels)).toBe(
      ['--- a', '+++ b', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', ''].join('\n'),
    );
  });

  it('splits distant changes into separate hunks', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const after = before.replace('line 1\n', 'line one\n').replace('line 18\n', 'line eighteen\n');
    expect(unifiedDiff(before, after, labels).match(/^@@/gm)).toHaveLength(2);
  });

  it('describes insertions into an empty text', () => {
    expect(unifiedDiff('', 'x\n', labels)).toBe('--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n');
  });

  it('always turns the first text into the second when applied', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', 'step:', '  - x'), { maxLength: 30 })
      .map((lines) => (lines.length ? `${lines.join('\n')}\n` : ''));
    fc.assert(
      fc.property(text, text, (before, after) => {
        expect(applyDiff(before, unifiedDiff(before, after, labels))).toBe(after);
      }),
      { numRuns: 300 },
    );
  });
});
