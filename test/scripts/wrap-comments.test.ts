import { wrapComments } from '../../scripts/wrap-comments';

const words = (n: number, word = 'word') => Array.from({ length: n }, () => word).join(' ');
const longest = (text: string) => Math.max(...text.split('\n').map((line) => line.length));

describe('wrap-comments', () => {
  it('wraps a whole-line // comment under the same prefix and indentation', () => {
    const result = wrapComments('a.ts', `function f() {\n    // ${words(40)}\n  return 1;\n}\n`);
    const lines = result.text.split('\n');
    expect(lines.slice(1, 3).every((line) => line.startsWith('    // word'))).toBe(true);
    expect(longest(result.text)).toBeLessThanOrEqual(120);
    expect(result.text.replace(/\s+\/\/ /g, ' ')).toBe(`function f() { ${words(40)}\n  return 1;\n}\n`);
    expect(result).toMatchObject({ changed: 1, left: [] });
  });

  it('moves a trailing // comment above its code', () => {
    const result = wrapComments('a.ts', `const x = 1; // ${words(30)}\n`);
    expect(result.text.split('\n').slice(-2)).toEqual(['const x = 1;', '']);
    expect(result.text.startsWith('// word')).toBe(true);
    expect(longest(result.text)).toBeLessThanOrEqual(120);
  });

  it('wraps block comment lines, keeps list items hanging, and opens a one-line /** */', () => {
    const block = wrapComments('a.ts', `/**\n * - ${words(30)}\n */\nexport const x = 1;\n`);
    expect(block.text.split('\n').slice(1, 3)).toEqual([` * - ${words(23)}`, ` *   ${words(7)}`]);
    const single = wrapComments('a.ts', `  /** ${words(30)} */\n  x();\n`);
    expect(single.text.split('\n')[0]).toBe('  /**');
    expect(single.text.split('\n')[3]).toBe('   */');
    expect(longest(single.text)).toBeLessThanOrEqual(120);
  });

  it('leaves strings, templates, directives and unbreakable words alone, and lists them', () => {
    const text = [
      `const s = '// ${words(30)}';`,
      `const t = \`\n// ${words(30)}\n\`;`,
      `// @ts-expect-error ${words(30)}`,
      `// ${'x'.repeat(130)}`,
      '',
    ].join('\n');
    const result = wrapComments('a.ts', text);
    expect(result.text).toBe(text);
    expect(result.left).toEqual([1, 3, 5, 6]);
  });
});
