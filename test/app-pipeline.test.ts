import { readFileSync } from 'fs';
import path from 'path';
import { parseYaml } from '../src/yaml/document';
import { branchRun, defaultRun, errorOf, outputOf, PROD_LABELS, pullRequestRun, run } from './support/requests';

const pipelines = parseYaml(readFileSync(path.resolve(__dirname, '../.bitbucket-pipelines.yml'), 'utf8')).value as any;

describe("the app's own pipeline (.bitbucket-pipelines.yml) under the reference policy", () => {
  it('tests every push to any branch', () => {
    const result = run(defaultRun('feature/x', pipelines.pipelines.default));
    expect(outputOf(result)).toBeDefined();
    expect(result.report.findings).toEqual([]);
  });

  it('tests every pull request', () => {
    expect(outputOf(run(pullRequestRun('feature/x', 'main', pipelines.pipelines['pull-requests']['**'])))).toBeDefined();
  });

  it('deploys from main only by hand, on PROD runners', () => {
    const config = outputOf(run(branchRun('main', pipelines.pipelines.branches.main)));
    const deploy = (config.pipelines as any).branches.main.find((item: any) => item.step.name === 'PROD deploy to Forge').step;
    expect(deploy.trigger).toBe('manual');
    expect(deploy['runs-on']).toEqual(PROD_LABELS);
  });

  it('would be blocked if its deploy step ran from a feature branch', () => {
    expect(errorOf(run(branchRun('feature/x', pipelines.pipelines.branches.main, { pattern: 'feature/*' }))).key).toBe('pipeline-guard.branch-gate');
  });
});
