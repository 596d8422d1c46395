import { credentialUsesIn } from '../../src/engine/credentials';
import { holdsCredentials, oidcRole, oidcSetupLines } from '../../src/rules/oidc-role';
import { branchRun, compiled, DEV_ROLE, errorOf, outputOf, PROD_ROLE, run, step } from '../support/requests';

const main = (result: ReturnType<typeof run>) =>
  ((outputOf(result).pipelines as any).branches.main as any[]).map((i) => i.step);

describe(`oidc-role: ${oidcRole.description}`, () => {
  const [prod] = compiled().policy.environments;

  it("puts the environment's setup lines before the script of an oidc step, values shell-quoted", () => {
    const [, deploy] = main(
      run(branchRun('main', [step('PROD deploy', { oidc: true, script: ['aws sts get-caller-identity'] })])),
    );
    expect(deploy.script).toEqual([...oidcSetupLines(prod), 'aws sts get-caller-identity']);
    expect(deploy.script).toContain(`export AWS_ROLE_ARN='${PROD_ROLE}'`);
    expect(deploy.script).toContain("export AWS_REGION='eu-west-1' AWS_DEFAULT_REGION='eu-west-1'");
  });

  it('writes the token file outside the clone directory, where no artifacts glob can reach it', () => {
    const lines = oidcSetupLines(prod).join('\n');
    expect(lines).toContain('export AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp -d)/web-identity-token"');
    expect(lines).toContain('"$BITBUCKET_STEP_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"');
    expect(lines).not.toMatch(/\$\(pwd\)|BITBUCKET_CLONE_DIR/);
  });

  it('keeps pipe items intact after the injected lines', () => {
    const pipe = {
      pipe: 'atlassian/aws-s3-deploy:1.1.0',
      variables: { AWS_OIDC_ROLE_ARN: '$AWS_ROLE_ARN', S3_BUCKET: 'b' },
    };
    const [, deploy] = main(run(branchRun('main', [step('PROD deploy', { oidc: true, script: [pipe] })])));
    expect(deploy.script.at(-1)).toEqual(pipe);
  });

  it('does not touch steps without oidc: true', () => {
    const [, build] = main(run(branchRun('main', [step('build')])));
    expect(build.script).toEqual(['echo run']);
  });

  it('blocks oidc: true in an environment that grants no role', () => {
    const policy = compiled((p) => {
      delete p.environments[1].oidc;
    });
    const { message } = errorOf(run(branchRun('main', [step('build', { oidc: true })]), policy));
    expect(message).toContain(
      '[oidc-role] step "build" at pipelines.branches.main[0]: asks for an OIDC token (`oidc: true`), ' +
        'but its environment "dev" grants no AWS role.',
    );
  });

  it.each([
    ['export AWS_ROLE_ARN=' + PROD_ROLE, 'sets AWS_ROLE_ARN'],
    ['AWS_ROLE_ARN="arn:aws:iam::333333333333:role/x" aws s3 ls', 'sets AWS_ROLE_ARN'],
    ['export AWS_WEB_IDENTITY_TOKEN_FILE=$(pwd)/token', 'sets AWS_WEB_IDENTITY_TOKEN_FILE'],
    ['export AWS_PROFILE=prod', 'sets AWS_PROFILE'],
    [
      `aws sts assume-role-with-web-identity --role-arn ${PROD_ROLE} --web-identity-token "$BITBUCKET_STEP_OIDC_TOKEN"`,
      'passes --role-arn',
    ],
    ['aws s3 ls --profile prod', 'passes --profile'],
    ['printf "role_arn = arn:aws:iam::111111111111:role/x\\n" >> ~/.aws/config', 'writes role_arn'],
  ])('blocks a DEV step whose script points at another role: %s', (line, what) => {
    const { message } = errorOf(run(branchRun('main', [step('build', { oidc: true, script: [line] })])));
    expect(message).toContain(what);
    expect(message).toContain('runs in environment "dev"');
  });

  it('checks after-script too', () => {
    const { message } = errorOf(
      run(branchRun('main', [step('build', { 'after-script': ['export AWS_ROLE_ARN=' + PROD_ROLE] })])),
    );
    expect(message).toContain('`after-script` line 1 sets AWS_ROLE_ARN');
  });

  it("accepts a script that names its own environment's role", () => {
    const result = run(
      branchRun('main', [
        step('build', {
          oidc: true,
          script: [
            `aws sts assume-role-with-web-identity --role-arn ${DEV_ROLE}`,
            'aws sts assume-role --role-arn "$AWS_ROLE_ARN"',
          ],
        }),
      ]),
    );
    expect(result.report.findings).toEqual([]);
  });

  it('blocks a pipe variable pointing at another role and accepts $AWS_ROLE_ARN', () => {
    const bad = { pipe: 'atlassian/aws-s3-deploy:1.1.0', variables: { AWS_OIDC_ROLE_ARN: PROD_ROLE } };
    const good = { pipe: 'atlassian/aws-s3-deploy:1.1.0', variables: { AWS_OIDC_ROLE_ARN: '${AWS_ROLE_ARN}' } };
    expect(errorOf(run(branchRun('main', [step('build', { oidc: true, script: [bad] })]))).message).toContain(
      'pipe atlassian/aws-s3-deploy:1.1.0 sets AWS_OIDC_ROLE_ARN',
    );
    expect(run(branchRun('main', [step('build', { oidc: true, script: [good] })])).report.findings).toEqual([]);
  });

  it('blocks image.aws.oidc-role pointing at another role, on the step and globally', () => {
    const image = { name: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1', aws: { 'oidc-role': PROD_ROLE } };
    expect(errorOf(run(branchRun('main', [step('build', { image })]))).message).toContain('`image.aws.oidc-role`');
    const global = run(branchRun('main', [step('build')], { extra: { image } }));
    expect(global.report.findings.map((f) => f.path)).toEqual(['pipelines.branches.main[0]']);
    expect(global.report.findings[0].segments).toEqual(['image', 'aws', 'oidc-role']);
  });

  it('does not mistake its own setup lines for a role trick on a second pass', () => {
    const request = branchRun('main', [step('PROD deploy', { oidc: true })]);
    const once = outputOf(run(request));
    expect(run({ ...request, pipelines_configuration: once }).report.findings).toEqual([]);
  });

  it('finds every role use on one line', () => {
    expect(credentialUsesIn('AWS_PROFILE=a AWS_ROLE_ARN=b cmd --role-arn c').map((u) => u.value)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  describe('warn mode', () => {
    const warn = compiled((p) => {
      p.rules = { 'oidc-role': 'warn' };
    });

    it('takes out the command that points at another role and lets the run go on', () => {
      const result = run(
        branchRun('main', [step('build', { oidc: true, script: [`export AWS_ROLE_ARN=${PROD_ROLE}`, 'aws s3 ls'] })]),
        warn,
      );
      const script = main(result)[1].script as string[];
      expect(script.join('\n')).not.toContain('111111111111');
      expect(script.at(-2)).toMatch(/^echo 'Pipeline Guard removed a command/);
      expect(script.at(-1)).toBe('aws s3 ls');
      expect(result.report.findings).toEqual([expect.objectContaining({ rule: 'oidc-role', mode: 'warn' })]);
    });

    it('removes a pipe variable that points at another role', () => {
      const pipe = {
        pipe: 'atlassian/aws-s3-deploy:1.1.0',
        variables: { AWS_OIDC_ROLE_ARN: PROD_ROLE, S3_BUCKET: 'b' },
      };
      const script = main(run(branchRun('main', [step('build', { oidc: true, script: [pipe] })]), warn))[1].script;
      expect(script.at(-1)).toEqual({ pipe: 'atlassian/aws-s3-deploy:1.1.0', variables: { S3_BUCKET: 'b' } });
    });

    it('still blocks what it cannot take out safely', () => {
      const image = { name: 'app:1', aws: { 'oidc-role': PROD_ROLE } };
      expect(errorOf(run(branchRun('main', [step('build', { image })]), warn)).key).toBe('pipeline-guard.oidc-role');
    });
  });

  it("refuses a cache of a cloud CLI's credential directory in a step with an identity", () => {
    const items = [step('PROD deploy', { oidc: true, caches: ['node', 'aws-cli'], script: ['aws s3 ls'] })];
    const { message } = errorOf(
      run(
        branchRun('main', items, {
          extra: { definitions: { caches: { 'aws-cli': { key: { files: ['x'] }, path: '$HOME/.aws' } } } },
        }),
      ),
    );
    expect(message).toContain(
      '[oidc-role] step "PROD deploy" at pipelines.branches.main[0]: runs in environment "prod" with the AWS role',
    );
    expect(message).toContain('but caches "aws-cli" (`$HOME/.aws`)');
    const noIdentity = compiled((p) => {
      delete p.environments[1].oidc;
    });
    expect(
      outputOf(
        run(
          branchRun('main', [step('build', { caches: ['aws-cli'] })], {
            extra: { definitions: { caches: { 'aws-cli': '~/.aws' } } },
          }),
          noIdentity,
        ),
      ),
    ).toBeDefined();
  });

  it.each([
    ['~/.config/gcloud', true],
    ['$HOME/.config/gcloud/', true],
    ['${HOME}/.config/gcloud/configurations', true],
    ['/root/.aws', true],
    ['/home/ci/.vault-token', true],
    ['~/.config', true],
    ['~', true],
    ['~/./.aws', true],
    ['~//.aws/credentials', true],
    ['~/.cache/pip', false],
    ['~/.config/gcloud-sdk-components', false],
    ['node_modules', false],
    ['/opt/google-cloud-sdk', false],
  ])('holdsCredentials(%j) is %s', (cachePath, expected) => expect(holdsCredentials(cachePath)).toBe(expected));
});
