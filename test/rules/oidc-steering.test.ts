import { spawnSync } from 'child_process';
import { CREDENTIAL_VARIABLES } from '../../src/engine/credentials';
import { CLEARED, oidcSetupLines, SET } from '../../src/rules/oidc-setup';
import { branchRun, compiled, DEV_ROLE, errorOf, outputOf, PROD_ROLE, run, step } from '../support/requests';

const withVariables = (request: Record<string, unknown>, variables: unknown) => ({ ...request, variables });
const STEERING_BY_ISSUE = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'CLOUDSDK_CONFIG',
  'VAULT_ADDR',
  'VAULT_TOKEN',
];

describe('credential-steering variables in the request', () => {
  it("every variable that chooses credentials is cleared or set by its cloud's setup", () => {
    const handled = (provider: keyof typeof CLEARED) => new Set<string>([...CLEARED[provider], ...SET[provider]]);
    for (const [name, spec] of Object.entries(CREDENTIAL_VARIABLES))
      expect([name, handled(spec.provider).has(name)]).toEqual([name, true]);
    for (const name of STEERING_BY_ISSUE)
      expect(
        Object.values(CLEARED).some((list) => (list as readonly string[]).includes(name)) ||
          Object.values(SET).some((list) => (list as readonly string[]).includes(name)),
      ).toBe(true);
  });

  it('the AWS setup, run by bash with every steering variable set by Bitbucket, leaves only its own values', () => {
    const env = compiled().policy.environments.find((e) => e.name === 'dev')!;
    const hostile = Object.fromEntries(
      [...CLEARED.aws, 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'].map((name) => [name, `hostile-${name}`]),
    );
    const script = [...oidcSetupLines(env), 'env'].join('\n');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', script], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', BITBUCKET_STEP_OIDC_TOKEN: 'a.b.c', ...hostile },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('hostile-');
    expect(result.stdout).toContain(`AWS_ROLE_ARN=${DEV_ROLE}`);
  });

  it(
    'a steering variable in the request does not block; ' +
      'it is recorded with its name and scope, and the setup clears it',
    () => {
      const items = [step('Upload', { oidc: true, script: ['aws s3 ls'] })];
      const result = run(
        withVariables(branchRun('feature/x', items), [
          { key: 'AWS_PROFILE', value: 'prod', scope: 'WORKSPACE' },
          { key: 'AWS_CONFIG_FILE', value: './prod-config', scope: 'PIPELINE' },
        ]),
      );
      const warnings = result.report.findings.filter((f) => f.rule === 'oidc-role' && f.mode === 'warn');
      expect(warnings.map((f) => f.message)).toEqual([
        expect.stringContaining(
          'the workspace variable AWS_PROFILE (scope WORKSPACE) would choose the AWS credentials',
        ),
        expect.stringContaining('the pipeline variable AWS_CONFIG_FILE (scope PIPELINE)'),
      ]);
      const out = (outputOf(result).pipelines as any).branches['feature/x'];
      expect(out[out.length - 1].step.script[0]).toMatch(/^unset .*\bAWS_PROFILE\b.*\bAWS_CONFIG_FILE\b/);
    },
  );

  const upload = [step('Upload', { oidc: true, script: ['aws s3 ls'] })];

  it.each([
    ['PIPELINE', 'HTTPS_PROXY', 'http://attacker.example:3128'],
    ['STEP', 'AWS_CA_BUNDLE', './attacker-ca.pem'],
    ['PIPELINE', 'all_proxy', 'socks5://attacker.example:1080'],
  ])('blocks a %s-scoped %s, which would route the token exchange to whoever started the run', (scope, key, value) => {
    for (const mode of ['enforce', 'warn'] as const) {
      const policy = compiled((p) => (p.rules = { ...p.rules, 'oidc-role': mode }));
      const result = run(withVariables(branchRun('feature/x', upload), [{ key, value, scope }]), policy);
      const error = errorOf(result);
      expect(error.message).toContain('oidc-role');
      expect(error.message).toContain(
        `variable ${key} (scope ${scope}) would route the AWS token exchange of the steps that get an OIDC token`,
      );
      expect(error.message).toContain(`Start the run without ${key}.`);
    }
  });

  it('leaves a proxy or certificate authority an admin set for the workspace, repository or deployment alone', () => {
    for (const scope of ['WORKSPACE', 'REPOSITORY', 'DEPLOYMENT']) {
      const result = run(
        withVariables(branchRun('feature/x', upload), [{ key: 'HTTPS_PROXY', value: 'http://proxy:3128', scope }]),
      );
      expect([scope, result.report.findings]).toEqual([scope, []]);
    }
  });

  it('lets a run-scoped proxy through when no step of the run gets a token', () => {
    const result = run(
      withVariables(branchRun('feature/x', [step('Build')]), [
        { key: 'HTTPS_PROXY', value: 'http://attacker.example:3128', scope: 'PIPELINE' },
      ]),
    );
    expect(result.report.findings).toEqual([]);
  });

  it('is not recorded when no step of the run gets a token of that cloud', () => {
    const result = run(
      withVariables(branchRun('feature/x', [step('Build')]), [
        { key: 'AWS_PROFILE', value: 'prod', scope: 'REPOSITORY' },
      ]),
    );
    expect(result.report.findings).toEqual([]);
  });
});

describe('a role held in a repository variable', () => {
  const items = (script: string[]) => [step('Report', { oidc: true, script })];

  it('is caught like a literal where only the last-resort search can see it', () => {
    const result = run(
      withVariables(branchRun('feature/x', items(['python report.py --assume "${DEPLOY_ROLE}"'])), [
        { key: 'DEPLOY_ROLE', value: PROD_ROLE, scope: 'REPOSITORY' },
      ]),
    );
    const error = errorOf(result);
    expect(error.key).toBe('pipeline-guard.oidc-role');
    expect(error.message).toContain('names the role of environment "prod"');
    expect(error.message).toContain(
      `through $DEPLOY_ROLE: the repository variable DEPLOY_ROLE (scope REPOSITORY) holds "${PROD_ROLE}"`,
    );
  });

  it('in any scope, since the step may see any of them at run time', () => {
    const result = run(
      withVariables(branchRun('feature/x', items(['python report.py --assume $ROLE'])), [
        { key: 'ROLE', value: DEV_ROLE, scope: 'REPOSITORY' },
        { key: 'ROLE', value: PROD_ROLE, scope: 'DEPLOYMENT' },
      ]),
    );
    expect(errorOf(result).message).toContain('the deployment variable ROLE (scope DEPLOYMENT)');
  });

  it("passes when the variable holds no other environment's identity, and without variables runs as before", () => {
    expect(
      run(
        withVariables(branchRun('feature/x', items(['python report.py --assume $DEPLOY_ROLE'])), [
          { key: 'DEPLOY_ROLE', value: DEV_ROLE, scope: 'REPOSITORY' },
        ]),
      ).report.outcome,
    ).toBe('allowed');
    expect(run(branchRun('feature/x', items(['python report.py --assume $DEPLOY_ROLE']))).report.outcome).toBe(
      'allowed',
    );
  });

  it(
    'a reference in an identity position stays blocked whatever the value, ' +
      'since the step can change it at run time',
    () => {
      const result = run(
        withVariables(branchRun('feature/x', items(['export AWS_ROLE_ARN=$DEPLOY_ROLE'])), [
          { key: 'DEPLOY_ROLE', value: DEV_ROLE, scope: 'REPOSITORY' },
        ]),
      );
      expect(errorOf(result).message).toContain('sets AWS_ROLE_ARN to "$DEPLOY_ROLE"');
    },
  );
});
