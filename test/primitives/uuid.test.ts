import { bareUuid } from '../../src/primitives/uuid';

describe('bareUuid: the one spelling of a UUID in keys and comparisons', () => {
  it.each([
    ['{2FC883C6-3DEE-4E73-A354-CCEE4BD77938}', '2fc883c6-3dee-4e73-a354-ccee4bd77938'],
    ['2fc883c6-3dee-4e73-a354-ccee4bd77938', '2fc883c6-3dee-4e73-a354-ccee4bd77938'],
    ['  {2fc883c6-3dee-4e73-a354-ccee4bd77938} ', '2fc883c6-3dee-4e73-a354-ccee4bd77938'],
    // Only one enclosing pair goes: a brace inside stays, so two different texts never become one.
    ['{{a}}', '{a}'],
    ['{a', '{a'],
  ])('%s -> %s', (input, expected) => {
    expect(bareUuid(input)).toBe(expected);
  });

  it('is the spelling every caller uses (no other function strips braces in src/)', () => {
    const { execSync } = require('node:child_process') as typeof import('node:child_process');
    const hits = execSync(String.raw`grep -rnE "replace\(/\[\{\}\]|replace\(/\^\\\{" src || true`, {
      cwd: `${__dirname}/../..`,
      encoding: 'utf8',
    });
    expect(
      hits
        .split('\n')
        .filter(Boolean)
        .filter((line) => !line.startsWith('src/primitives/uuid.ts')),
    ).toEqual([]);
  });
});
