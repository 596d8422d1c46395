import { runnerLabels } from '../../src/rules/runner-labels';
import {
  branchRun,
  compiled,
  DEV_LABELS,
  errorOf,
  outputOf,
  PROD_LABELS,
  run,
  rulesOf,
  step,
} from '../support/requests';

const items = (result: ReturnType<typeof run>, key = 'main') =>
  ((outputOf(result).pipelines as any).branches[key] as any[]).map((i) => i.step);

describe(`runner-labels: ${runnerLabels.description}`, () => {
  it("fills in a missing runs-on with the environment's labels", () => {
    const [, build, deploy] = items(run(branchRun('main', [step('build'), step('PROD deploy')])));
    expect(build['runs-on']).toEqual(DEV_LABELS);
    expect(deploy['runs-on']).toEqual(PROD_LABELS);
  });

  it('accepts a string runs-on and an allowed extra label', () => {
    const [, build] = items(run(branchRun('main', [step('build', { 'runs-on': 'dev.large' })])));
    expect(build['runs-on']).toEqual([...DEV_LABELS, 'dev.large']);
  });

  it("accepts the environment's own labels asked for explicitly", () => {
    const [, build] = items(run(branchRun('main', [step('build', { 'runs-on': ['self.hosted', 'linux'] })])));
    expect(build['runs-on']).toEqual(DEV_LABELS);
  });

  it.each([
    ['a list', ['self.hosted', 'prod']],
    ['a string', 'prod'],
    ['odd case', ['PROD']],
    ['padding', [' prod ']],
  ])("blocks a DEV step asking for another environment's label as %s", (_form, runsOn) => {
    const result = run(branchRun('main', [step('build', { 'runs-on': runsOn })]));
    const { message, key } = errorOf(result);
    expect(key).toBe('pipeline-guard.runner-labels');
    expect(message).toContain('which belongs to environment "prod"');
    expect(message).toContain('runs in environment "dev"');
  });

  it('explains that labels are lowercase when the case differs', () => {
    expect(errorOf(run(branchRun('main', [step('build', { 'runs-on': ['Prod'] })]))).message).toContain(
      '"Prod" is read as "prod"',
    );
  });

  it('blocks a label that no environment provides', () => {
    const message = errorOf(run(branchRun('main', [step('build', { 'runs-on': ['gpu'] })]))).message;
    expect(message).toContain('runner label "gpu"');
    expect(message).toContain('which no environment in the workspace policy provides');
    expect(message).toContain(
      'Pipeline Guard gives steps of "dev" the labels self.hosted, linux, dev itself; ' +
        'a step may also ask for dev.large.',
    );
  });

  it('blocks a PROD step asking for a DEV extra label (extras belong to one environment)', () => {
    expect(errorOf(run(branchRun('main', [step('PROD deploy', { 'runs-on': ['dev.large'] })]))).message).toContain(
      'belongs to environment "dev"',
    );
  });

  it("does not let a global options.runs-on reach another environment's runners", () => {
    const request = branchRun('main', [step('build'), step('test')], {
      extra: { options: { 'runs-on': ['self.hosted', 'prod'] } },
    });
    const result = run(request);
    const violations = result.report.findings.filter((f) => f.rule === 'runner-labels');
    expect(violations).toHaveLength(1);
    expect(violations[0].message).toContain('the global `options.runs-on` asks for runner label "prod"');
  });

  it('removes options.runs-on because every step carries its own labels', () => {
    const policy = compiled((p) => {
      p.rules = { 'runner-labels': 'warn' };
    });
    const result = run(
      branchRun('main', [step('build')], { extra: { options: { 'runs-on': ['prod'], docker: true } } }),
      policy,
    );
    const config = outputOf(result);
    expect(config.options).toEqual({ docker: true });
    expect((config.pipelines as any).branches.main[1].step['runs-on']).toEqual(DEV_LABELS);
    expect(rulesOf(result, 'warn')).toEqual(['runner-labels']);
  });

  it('in warn mode drops the foreign label instead of passing it on', () => {
    const policy = compiled((p) => {
      p.rules = { 'runner-labels': 'warn' };
    });
    const [, build] = items(run(branchRun('main', [step('build', { 'runs-on': ['prod', 'dev.large'] })]), policy));
    expect(build['runs-on']).toEqual([...DEV_LABELS, 'dev.large']);
  });

  it('leaves child-pipeline steps alone (Bitbucket forbids runs-on on them)', () => {
    const child = { step: { name: 'child', type: 'pipeline', custom: 'deploy-all' } };
    const [, kid] = items(run(branchRun('main', [child])));
    expect(kid).toEqual(child.step);
  });

  it('removes runs-on for an environment that runs on Atlassian cloud', () => {
    const policy = compiled((p) => {
      p.environments.splice(1, 0, { name: 'cloud', branches: ['**'], match: { stepNamePrefix: 'CLOUD' } });
    });
    const result = run(branchRun('main', [step('CLOUD lint', { 'runs-on': ['self.hosted'] })]), policy);
    expect(errorOf(result).message).toContain(
      'Steps of "cloud" run on Atlassian cloud runners and take no runner labels.',
    );
    const relaxed = compiled((p) => {
      p.environments.splice(1, 0, { name: 'cloud', branches: ['**'], match: { stepNamePrefix: 'CLOUD' } });
      p.rules = { 'runner-labels': 'warn' };
    });
    expect(
      items(run(branchRun('main', [step('CLOUD lint', { 'runs-on': ['self.hosted'] })]), relaxed))[1],
    ).not.toHaveProperty('runs-on');
  });

  it('blocks a cloud-only size on a step that now runs on self-hosted runners', () => {
    expect(errorOf(run(branchRun('main', [step('build', { size: '16x' })]))).message).toContain(
      'asks for size 16x, which only Atlassian cloud runners offer',
    );
    expect(errorOf(run(branchRun('main', [step('build')], { extra: { options: { size: '32x' } } }))).message).toContain(
      '(from `options.size`)',
    );
    expect(run(branchRun('main', [step('build', { size: '8x' })])).report.findings).toEqual([]);
  });
});
