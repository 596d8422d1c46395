import { comparePullRequest, violationKey, type CompareInput } from '../../src/pullrequest/compare';
import { comparisonMessage } from '../../src/pullrequest/message';
import { POLICY, resolved, sharedReader } from './support';

async function compare(source: string, destination: string | undefined, extra: Partial<CompareInput> = {}) {
  return comparePullRequest({
    source: await resolved(source, sharedReader),
    destination: destination === undefined ? undefined : await resolved(destination, sharedReader),
    sourceBranch: 'feature/x',
    destinationBranch: 'main',
    policy: POLICY,
    ...extra,
  });
}

const run = (comparison: Awaited<ReturnType<typeof compare>>, id: string) => {
  const found = comparison.runs.find((r) => r.id === id);
  if (!found) throw new Error(`no run ${id}: ${comparison.runs.map((r) => r.id).join(', ')}`);
  return found;
};

describe('comparePullRequest', () => {
  it('passes an unchanged file and simulates every run the merge makes possible', async () => {
    const comparison = await compare('main.yml', 'main.yml');
    expect(comparison.passed).toBe(true);
    expect(comparison.runs.map((r) => r.id)).toEqual(['push', 'custom:redeploy', 'pullrequest']);
    expect(run(comparison, 'push').outcomeAfter).toBe('allowed');
    expect(run(comparison, 'pullrequest').outcomeAfter).toBe('none');
  });

  it('fails a pull request that newly blocks main, naming rule, step, line and fix', async () => {
    const comparison = await compare('newly-blocks-main.yml', 'main.yml');
    expect(comparison.passed).toBe(false);
    const push = run(comparison, 'push');
    expect(push.fails).toBe(true);
    expect([push.outcomeBefore, push.outcomeAfter]).toEqual(['allowed', 'blocked']);
    expect(push.introduced.map((v) => [v.rule, v.step, v.line])).toEqual([['deny-script', 'Install tools', 15]]);
    const message = comparisonMessage(comparison, { seeMore: 'See the panel.' });
    expect(message).toContain('push to main: allowed on main today, BLOCKED after this merge');
    expect(message).toMatch(
      new RegExp(
        String.raw`\[deny-script\] step "Install tools" at pipelines\.branches\.main\[1\]\.step\.script\[0\] ` +
          String.raw`\(bitbucket-pipelines\.yml line 15\): .* Fix: `,
      ),
    );
    expect(message.endsWith('See the panel.')).toBe(true);
    expect(run(comparison, 'custom:redeploy').fails).toBe(false);
  });

  it('passes a pull request that fixes a blocked main and lists what it fixed', async () => {
    const comparison = await compare('fixes-main.yml', 'blocked-main.yml');
    expect(comparison.passed).toBe(true);
    const push = run(comparison, 'push');
    expect([push.outcomeBefore, push.outcomeAfter]).toEqual(['blocked', 'allowed']);
    expect(push.fixed.map((v) => v.rule)).toEqual(['deny-script']);
    expect(comparisonMessage(comparison)).toContain(
      'push to main: blocked on main today, allowed after this merge (fixed)',
    );
  });

  it('lists a violation already on the destination as such, even when the pull request moves it down', async () => {
    const comparison = await compare('keeps-blocked-main.yml', 'blocked-main.yml');
    expect(comparison.passed).toBe(true);
    const push = run(comparison, 'push');
    expect(push.introduced).toEqual([]);
    expect(push.existing.map((v) => [v.rule, v.step, v.line, v.path])).toEqual([
      ['deny-script', 'Install tools', 15, 'pipelines.branches.main[1].step.script[0]'],
    ]);
    const before = push.before.kind === 'simulated' ? push.before.result.violations : [];
    expect(before.map((v) => [v.line, v.path])).toEqual([[10, 'pipelines.branches.main[0].step.script[0]']]);
    const message = comparisonMessage(comparison);
    expect(message).toContain('blocked already on main; this pull request adds nothing');
    expect(message).toContain('Already on main (not caused by this pull request, not failing this check):');
  });

  it('counts the same violation twice when the pull request adds a second copy', async () => {
    const [first] = (await compare('blocked-main.yml', undefined)).runs[0].introduced;
    expect(violationKey({ ...first, line: 99, path: 'pipelines.branches.main[7]' })).toBe(violationKey(first));
    expect(violationKey({ ...first, step: 'Other' })).not.toBe(violationKey(first));
  });

  it('never fails on warn-mode findings, and lists them', async () => {
    const comparison = await compare('warn-only.yml', 'main.yml');
    expect(comparison.passed).toBe(true);
    expect(run(comparison, 'push').warnings.map((v) => [v.rule, v.step])).toEqual([['deny-image', 'Test']]);
    expect(comparisonMessage(comparison)).toContain('Warnings (warn mode: recorded, never failing):');
  });

  it('treats a file the destination does not have as new: every enforce violation counts', async () => {
    const comparison = await compare('blocked-main.yml', undefined);
    expect(comparison.passed).toBe(false);
    expect(run(comparison, 'push').outcomeBefore).toBe('absent');
  });

  it('simulates imported pipelines, with lines in the imported file', async () => {
    const comparison = await compare('with-imports.yml', 'main.yml');
    const push = run(comparison, 'push');
    expect(push.after.kind === 'simulated' && push.after.result.steps.map((s) => s.name)).toEqual([
      'Build',
      'PROD deploy',
    ]);
    const nightly = run(comparison, 'custom:nightly');
    expect(nightly.fails).toBe(true);
    expect(nightly.introduced.map((v) => [v.rule, v.file, v.line])).toEqual([
      ['deny-script', 'shared-pipelines@main:ci/standard.yml', 9],
    ]);
    expect(run(comparison, 'custom:redeploy').outcomeAfter).toBe('absent');
    expect(comparisonMessage(comparison)).toContain('(shared-pipelines@main:ci/standard.yml line 9)');
  });
});
