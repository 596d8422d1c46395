import { compileGlob, globSyntaxError, NAME_GLOB } from '../../src/primitives/glob';

describe('Bitbucket glob matching', () => {
  const cases: Array<[string, string, boolean]> = [
    ['feature/*', 'feature/x', true],
    ['feature/*', 'feature/x/y', false],
    ['*', 'main', true],
    ['*', 'feature/x', false],
    ['**', 'feature/x/y', true],
    ['prod/**', 'prod/a/b', true],
    ['prod/**', 'production', false],
    ['mas*', 'master', true],
    ['Main', 'main', false],
    ['v?', 'v1', true],
    ['v?', 'v10', false],
    ['{feature/*,hotfix/*,develop,main}', 'hotfix/urgent', true],
    ['{feature/*,hotfix/*,develop,main}', 'develop', true],
    ['{feature/*,hotfix/*,develop,main}', 'release/1', false],
    ['release/{1.*,2.{0,1}}', 'release/2.1', true],
    ['release/{1.*,2.{0,1}}', 'release/2.2', false],
    ['v*.*.*', 'v1.2.3', true],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
  ];
  it.each(cases)('%s against %s → %s', (pattern, value, expected) => {
    expect(compileGlob(pattern)(value)).toBe(expected);
  });

  it('lets * cross "/" in image and pipe patterns', () => {
    expect(compileGlob('*:latest', NAME_GLOB)('aquasec/trivy:latest')).toBe(true);
    expect(compileGlob('*:latest', NAME_GLOB)('aquasec/trivy:0.58.1')).toBe(false);
  });

  it.each([
    ['{a,b', 'unclosed "{"'],
    ['a}', 'unmatched "}"'],
    ['', 'empty pattern'],
    ['a\nb', 'control character'],
  ])('rejects %j', (pattern, problem) => {
    expect(globSyntaxError(pattern)).toContain(problem);
  });
});
