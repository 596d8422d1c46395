import { securityScan } from '../../src/rules/security-scan';
import { branchRun, compiled, customRun, DEV_LABELS, outputOf, pullRequestRun, run, step } from '../support/requests';

describe(`security-scan: ${securityScan.description}`, () => {
  const scan = {
    name: 'Security scan',
    image: 'aquasec/trivy:0.58.1',
    script: ['trivy fs --exit-code 1 --severity HIGH,CRITICAL --no-progress .'],
    'runs-on': DEV_LABELS,
  };

  it("puts the scan first, on the default environment's runners", () => {
    const items = (outputOf(run(branchRun('main', [step('build')]))).pipelines as any).branches.main;
    expect(items[0]).toEqual({ step: scan });
  });

  it('goes after the variables item of a custom pipeline', () => {
    const items = (
      outputOf(run(customRun('main', 'release', [{ variables: [{ name: 'V' }] }, step('build')]))).pipelines as any
    ).custom.release;
    expect(items.map((i: any) => Object.keys(i)[0])).toEqual(['variables', 'step', 'step']);
    expect(items[1].step).toEqual(scan);
  });

  it('covers pull-request destinations', () => {
    const request = pullRequestRun('feature/x', 'main', [], 'feature/*');
    (request as any).pipelines_configuration.pipelines['pull-requests']['feature/*'] = {
      destinations: { main: [step('build')] },
    };
    const items = (outputOf(run(request)).pipelines as any)['pull-requests']['feature/*'].destinations.main;
    expect(items[0].step.name).toBe('Security scan');
  });

  it('is not prepended to a pipeline whose first step already is the scan', () => {
    const items = (outputOf(run(branchRun('main', [{ step: scan }, step('build')]))).pipelines as any).branches.main;
    expect(items).toHaveLength(2);
  });

  it('does nothing when off', () => {
    const policy = compiled((p) => {
      p.rules = { 'security-scan': 'off' };
    });
    expect((outputOf(run(branchRun('main', [step('build')]), policy)).pipelines as any).branches.main).toHaveLength(1);
  });
});
