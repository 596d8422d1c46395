import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseYaml } from '../../src/yaml/document';
import { filterPipelines, selectDefinition, SelectionError, type SimulationTarget } from '../../src/simulate/selection';

const fixture = (name: string) =>
  (
    parseYaml(readFileSync(path.join(__dirname, '../../fixtures/cli/pipelines', name), 'utf8')).value as {
      pipelines: unknown;
    }
  ).pipelines;
const pipelines = fixture('selection.yml');

function chosen(target: SimulationTarget, source: unknown = pipelines) {
  const result = selectDefinition(source, target);
  return result.kind === 'selected' ? result.selection : undefined;
}

describe('Bitbucket definition selection', () => {
  it.each([
    ['main', ['pipelines', 'branches', 'main'], 'exact branch key "main"'],
    ['feature/x', ['pipelines', 'branches', 'feature/*'], 'glob "feature/*"'],
    ['feature/bb-9', ['pipelines', 'branches', 'feature/bb-*'], 'glob "feature/bb-*"'],
    ['feature/bb-123-fix-links', ['pipelines', 'branches', 'feature/bb-123-*'], 'glob "feature/bb-123-*"'],
    ['feature/x/y', ['pipelines', 'branches', '**'], 'glob "**", the only matching key'],
    ['develop', ['pipelines', 'branches', '**'], 'glob "**"'],
    ['release/2.4', ['pipelines', 'branches', 'release/{1,2}.*'], 'glob "release/{1,2}.*"'],
  ])('branch %s selects %j', (branch, segments, reason) => {
    const selection = chosen({ kind: 'branch', name: branch });
    expect(selection?.segments).toEqual(segments);
    expect(selection?.selector).toEqual({ type: 'branches', pattern: segments[2] });
    expect(selection?.reason).toContain(reason);
  });

  it('prefers an exact key over every glob that also matches', () => {
    const selection = chosen({ kind: 'branch', name: 'main' })!;
    expect(selection.reason).toBe('exact branch key "main" (beats 1 matching glob)');
    expect(selection.ties).toEqual([]);
  });

  it('ranks a glob with fewer wildcards above one with more, then the longer literal prefix', () => {
    // release/1.x matches "release/{1,2}.*" (2 wildcards) and "release/?.x" (1 wildcard) and "**".
    expect(chosen({ kind: 'branch', name: 'release/1.x' })?.selector.pattern).toBe('release/?.x');
    // feature/bb-123-a matches feature/* (prefix 8), feature/bb-* (prefix 11), feature/bb-123-* (prefix 15), and **.
    expect(chosen({ kind: 'branch', name: 'feature/bb-123-a' })?.reason).toBe(
      'glob "feature/bb-123-*", the most specific of 4 matching keys',
    );
  });

  it("reports keys that rank equally instead of pretending to know Bitbucket's choice", () => {
    const selection = chosen({ kind: 'branch', name: 'main' }, fixture('tie.yml'))!;
    expect(selection.selector.pattern).toBe('ma*');
    expect(selection.ties).toEqual(['ma?n']);
  });

  it('falls back to default for a branch no key matches', () => {
    const only = { default: [], branches: { main: [] } };
    const selection = chosen({ kind: 'branch', name: 'develop' }, only)!;
    expect(selection.selector).toEqual({ type: 'default' });
    expect(selection.segments).toEqual(['pipelines', 'default']);
  });

  it('never falls back to default for a tag', () => {
    const tags = fixture('tags-only.yml');
    expect(chosen({ kind: 'tag', name: 'release-1' }, tags)?.selector).toEqual({ type: 'tags', pattern: 'release-*' });
    const result = selectDefinition(tags, { kind: 'tag', name: 'v1.0.0' });
    expect(result).toEqual({
      kind: 'none',
      reason: 'no `tags` key matches tag "v1.0.0" (`default` never applies to tags)',
    });
  });

  it('prefers an exact tag key over a tag glob', () => {
    expect(chosen({ kind: 'tag', name: 'v1.0.0' })?.selector).toEqual({ type: 'tags', pattern: 'v1.0.0' });
    expect(chosen({ kind: 'tag', name: 'v2' })?.selector).toEqual({ type: 'tags', pattern: 'v*' });
  });

  it('matches pull-request keys on the source branch and destinations on the destination', () => {
    const intoMain = chosen({ kind: 'pullrequest', source: 'feature/x', destination: 'main' })!;
    expect(intoMain.selector).toEqual({ type: 'pull-requests', pattern: 'feature/*' });
    expect(intoMain.segments).toEqual(['pipelines', 'pull-requests', 'feature/*', 'destinations', 'main']);
    const intoRelease = chosen({ kind: 'pullrequest', source: 'feature/x', destination: 'release/2' })!;
    expect(intoRelease.segments).toEqual(['pipelines', 'pull-requests', 'feature/*', 'destinations', 'release/*']);
  });

  it('tries the next source key when no destination of the most specific one matches', () => {
    const selection = chosen({ kind: 'pullrequest', source: 'feature/x', destination: 'develop' })!;
    expect(selection.segments).toEqual(['pipelines', 'pull-requests', '**']);
    expect(selection.reason).toContain('skipped "feature/*": no destination matches "develop"');
  });

  it('never falls back to default for a pull request', () => {
    const result = selectDefinition(
      { default: [], 'pull-requests': { 'feature/*': [] } },
      { kind: 'pullrequest', source: 'bugfix/y', destination: 'main' },
    );
    expect(result.kind).toBe('none');
    if (result.kind === 'none') expect(result.reason).toContain('never fall back to `default`');
  });

  it('chooses a custom pipeline by its exact name and refuses an unknown one, naming the known ones', () => {
    expect(chosen({ kind: 'custom', name: 'deploy-staging' })?.selector).toEqual({
      type: 'custom',
      pattern: 'deploy-staging',
    });
    expect(() => selectDefinition(pipelines, { kind: 'custom', name: 'deploy-*' })).toThrow(
      'there is no custom pipeline "deploy-*"; the file defines: deploy-staging',
    );
  });

  it('runs default for a bare commit, which has no branch', () => {
    expect(chosen({ kind: 'commit' })?.selector).toEqual({ type: 'default' });
    expect(selectDefinition({ branches: { '**': [] } }, { kind: 'commit' }).kind).toBe('none');
  });

  it('ignores a malformed glob key, as Bitbucket cannot match it either', () => {
    expect(chosen({ kind: 'branch', name: 'a' }, { branches: { '{a,b': [], '*': [] } })?.selector.pattern).toBe('*');
  });

  it('locates a section that is not a mapping', () => {
    expect(() => selectDefinition({ branches: ['main'] }, { kind: 'branch', name: 'main' })).toThrow(SelectionError);
    try {
      selectDefinition({ branches: ['main'] }, { kind: 'branch', name: 'main' });
    } catch (error) {
      expect((error as SelectionError).segments).toEqual(['pipelines', 'branches']);
    }
  });

  it('cuts pipelines down to the selected definition, keeping the destinations level', () => {
    const selection = chosen({ kind: 'pullrequest', source: 'feature/x', destination: 'main' })!;
    const filtered = filterPipelines(pipelines as Record<string, unknown>, selection);
    expect(Object.keys(filtered)).toEqual(['pull-requests']);
    expect(filtered).toEqual({
      'pull-requests': {
        'feature/*': { destinations: { main: [{ step: { name: 'feature into main', script: ['echo pr-main'] } }] } },
      },
    });
    expect(
      filterPipelines(pipelines as Record<string, unknown>, chosen({ kind: 'branch', name: 'nothing/matches/here' })!),
    ).toEqual({ branches: { '**': expect.any(Array) } });
  });
});

describe('glob specificity', () => {
  it('ranks the catch-all ** below any key without **, even one with more wildcards', () => {
    const result = selectDefinition(
      { branches: { '**': [], 'release/{1,2}.*': [] } },
      { kind: 'branch', name: 'release/2.4' },
    );
    expect(result.kind === 'selected' && result.selection.selector.pattern).toBe('release/{1,2}.*');
  });

  it('follows the documented order my-branch-a > my-branch-* > my-* > *', () => {
    const keys = { '*': [], 'my-*': [], 'my-branch-*': [], 'my-branch-a': [] };
    const pick = (name: string, from: Record<string, unknown>) => {
      const result = selectDefinition({ branches: from }, { kind: 'branch', name });
      return result.kind === 'selected' ? result.selection.selector.pattern : undefined;
    };
    expect(pick('my-branch-a', keys)).toBe('my-branch-a');
    const { 'my-branch-a': _a, ...withoutExact } = keys;
    expect(pick('my-branch-a', withoutExact)).toBe('my-branch-*');
    const { 'my-branch-*': _b, ...onlyShort } = withoutExact;
    expect(pick('my-branch-a', onlyShort)).toBe('my-*');
    expect(pick('other', onlyShort)).toBe('*');
  });
});
