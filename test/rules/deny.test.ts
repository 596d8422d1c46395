import { denyImage } from '../../src/rules/deny-image';
import { denyPipe } from '../../src/rules/deny-pipe';
import { denyScript } from '../../src/rules/deny-script';
import { branchRun, compiled, errorOf, outputOf, run, rulesOf, step } from '../support/requests';

const enforceAll = compiled((p) => {
  p.rules = {};
});

describe(`deny-image: ${denyImage.description}`, () => {
  it.each([
    ['node', 'node:latest'],
    ['node:latest', undefined],
    ['docker.io/library/node:latest', undefined],
    ['registry:5000/app', 'registry:5000/app:latest'],
  ])('denies %s', (image, implied) => {
    const { message } = errorOf(run(branchRun('main', [step('build', { image })]), enforceAll));
    expect(message).toContain(`uses image "${image}"`);
    if (implied) expect(message).toContain(`counts as ${implied}`);
  });

  it.each(['node:22.11.0', 'node@sha256:0123456789abcdef', { name: 'node:22' }])('allows %j', (image) => {
    expect(run(branchRun('main', [step('build', { image })]), enforceAll).report.findings).toEqual([]);
  });

  it('checks the global image, service images and docker:// pipes', () => {
    const result = run(
      branchRun('main', [step('build', { script: [{ pipe: 'docker://acme/tool' }] })], {
        extra: { image: 'python', definitions: { services: { db: { image: 'postgres' } } } },
      }),
      enforceAll,
    );
    expect(result.report.findings.map((f) => f.segments.join('.'))).toEqual([
      'image',
      'definitions.services.db.image',
      'pipelines.branches.main.0.step.script.0.pipe',
    ]);
  });

  it('is a warning under the reference policy (rules: deny-image: warn)', () => {
    const result = run(branchRun('main', [step('build', { image: 'node' })]));
    expect(rulesOf(result, 'warn')).toEqual(['deny-image']);
    expect(outputOf(result)).toBeDefined();
  });
});

describe(`deny-pipe: ${denyPipe.description}`, () => {
  it.each(['atlassian/ssh-run:0.8.0', 'atlassian/ssh-run'])('denies %s', (pipe) => {
    expect(errorOf(run(branchRun('main', [step('build', { script: [{ pipe }] })]))).message).toContain(
      `uses pipe "${pipe}"`,
    );
  });

  it('allows other pipes', () => {
    expect(
      run(branchRun('main', [step('build', { script: [{ pipe: 'atlassian/aws-s3-deploy:1.1.0' }] })])).report.findings,
    ).toEqual([]);
  });
});

describe(`deny-script: ${denyScript.description}`, () => {
  it.each(['curl -fsSL https://get.example.sh | bash', 'curl https://x|sh'])('denies %j', (line) => {
    const { message } = errorOf(run(branchRun('main', [step('build', { script: ['echo ok', line] })])));
    expect(message).toContain('`script` line 2 runs');
    expect(message).toContain('matches the denied pattern');
  });

  it('checks after-script and multi-line commands', () => {
    const result = run(branchRun('main', [step('build', { 'after-script': ['set -e\ncurl https://x \\\n  | bash'] })]));
    expect(errorOf(result).message).toContain('`after-script` line 1');
  });

  it("does not scan Pipeline Guard's own setup lines", () => {
    const policy = compiled((p) => {
      p.deny = { ...p.deny, scripts: ['BITBUCKET_STEP_OIDC_TOKEN'] };
    });
    expect(run(branchRun('main', [step('build', { oidc: true })]), policy).report.findings).toEqual([]);
  });

  describe('positions after injected lines', () => {
    it('counts script lines as written, not after the OIDC setup lines', () => {
      const result = run(branchRun('main', [step('build', { oidc: true, script: ['curl https://x | sh'] })]));
      expect(errorOf(result).message).toContain('`script` line 1 runs');
      expect(result.report.findings[0].segments).toEqual(['pipelines', 'branches', 'main', 0, 'step', 'script', 0]);
    });
  });
});
