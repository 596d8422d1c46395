import { resolvePipelineFile } from '../../src/pullrequest/imports';
import { paths } from '../../src/prcheck/rest';
import { keyOf, sharedReader } from './support';

/** A pipeline file whose only pipeline imports from `source`, declared as `definitions.imports.loot`. */
const importing = (source: string) => `definitions:
  imports:
    loot: "${source}"
pipelines:
  default:
    import: deploy@loot
`;

const readsNothing = () => {
  const read: string[] = [];
  return {
    read,
    reader: async (location: Parameters<typeof sharedReader>[0]) => {
      read.push(keyOf(location));
      return undefined;
    },
  };
};

describe('imports that would climb out of the repository they name', () => {
  it.each([
    ['a path through ..', '../../../{1c2d3e4f-0000-4000-8000-000000000001}/src/main/bitbucket-pipelines.yml'],
    ['a path with a . segment', './ci/../../other/bitbucket-pipelines.yml'],
    ['an absolute path', '/etc/bitbucket-pipelines.yml'],
    ['a doubled slash', 'ci//standard.yml'],
    ['a percent-encoded climb', 'ci/%2e%2e/standard.yml'],
    ['a backslash', 'ci\\\\..\\\\standard.yml'],
    ['a repository of ..', '..:main:ci/standard.yml'],
    ['a ref through ..', 'shared-pipelines:main/../../x:ci/standard.yml'],
  ])('refuses %s without reading anything', async (_what, source) => {
    const { read, reader } = readsNothing();
    const file = await resolvePipelineFile(importing(source), reader);
    expect(read).toEqual([]);
    expect(file.problems).toEqual([
      expect.objectContaining({
        import: 'deploy@loot',
        fault: false,
        reason: expect.stringContaining('with a path inside the repository (no "..", ".", empty segments'),
      }),
    ]);
  });

  it('refuses the <repository>:<ref>:<pipeline> form with .. as the repository or in the ref', async () => {
    for (const value of ['..:main:deploy', 'shared-pipelines:v2/..:deploy']) {
      const { read, reader } = readsNothing();
      const file = await resolvePipelineFile(`pipelines:\n  default:\n    import: "${value}"\n`, reader);
      expect(read).toEqual([]);
      expect(file.problems.map((p) => p.reason)).toEqual([
        'not <repository>:<branch or tag>:<pipeline> or <pipeline>@<import source> ' +
          '(with no "..", ".", empty segments, "\\" or "%" in the repository or ref)',
      ]);
    }
  });

  it('still reads an ordinary import in the same repository and in another', async () => {
    const { read, reader } = readsNothing();
    await resolvePipelineFile(importing('ci/standard.yml'), reader);
    await resolvePipelineFile(importing('shared-pipelines:release/2.x:ci/standard.yml'), reader);
    expect(read).toEqual(['ci/standard.yml', 'shared-pipelines@release/2.x:ci/standard.yml']);
  });
});

describe('REST paths', () => {
  it('refuses a segment that URL parsing would resolve, whatever the caller checked', () => {
    for (const file of ['../x.yml', 'a/./b.yml', 'a//b.yml'])
      expect(() => paths.file('{w}', '{r}', 'main', file)).toThrow(/refusing the REST path segment/);
    expect(() => paths.file('{w}', '..', 'main', 'x.yml')).toThrow(/refusing the REST path segment/);
    expect(paths.file('{w}', '{r}', 'release/2.x', 'ci/standard.yml')).toBe(
      '/2.0/repositories/%7Bw%7D/%7Br%7D/src/release%2F2.x/ci/standard.yml',
    );
  });
});
