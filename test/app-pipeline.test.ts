import { readFileSync } from 'fs';
import path from 'path';
import { parseYaml } from '../src/yaml/document';
import {
  branchRun,
  defaultRun,
  DEV_LABELS,
  errorOf,
  outputOf,
  PROD_LABELS,
  pullRequestRun,
  run,
} from './support/requests';

const pipelines = parseYaml(readFileSync(path.resolve(__dirname, '../.bitbucket-pipelines.yml'), 'utf8')).value as any;

describe("the app's own pipeline (.bitbucket-pipelines.yml) under the reference policy", () => {
  it('tests every push to any branch', () => {
    const result = run(defaultRun('feature/x', pipelines.pipelines.default));
    expect(outputOf(result)).toBeDefined();
    expect(result.report.findings).toEqual([]);
  });

  it('tests every pull request', () => {
    const result = run(pullRequestRun('feature/x', 'main', pipelines.pipelines['pull-requests']['**']));
    expect(result.report.findings).toEqual([]);
    const items = (outputOf(result).pipelines as any)['pull-requests']['**'];
    // The security scan goes first, then the Test step, both on the default environment's runners.
    expect(items.map((item: any) => item.step.name)).toEqual(['Security scan', 'Test']);
    expect(items.map((item: any) => item.step['runs-on'])).toEqual([DEV_LABELS, DEV_LABELS]);
    expect(items[1].step.script).toEqual(['bash .ci/run']);
  });

  it('deploys from main only by hand, on PROD runners', () => {
    const config = outputOf(run(branchRun('main', pipelines.pipelines.branches.main)));
    const deploy = (config.pipelines as any).branches.main.find(
      (item: any) => item.step.name === 'PROD deploy to Forge',
    ).step;
    expect(deploy.trigger).toBe('manual');
    expect(deploy['runs-on']).toEqual(PROD_LABELS);
  });

  it('would be blocked if its deploy step ran from a feature branch', () => {
    expect(errorOf(run(branchRun('feature/x', pipelines.pipelines.branches.main, { pattern: 'feature/*' }))).key).toBe(
      'pipeline-guard.branch-gate',
    );
  });
});
