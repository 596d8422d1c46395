/** Every way a DEV step might point the AWS SDK at the PROD role, a token file or a profile. */
import type { AdversarialCase, AdversarialFamily } from '../case';
import { DEV_ROLE, PROD_ROLE, referencePolicy, step, T } from '../harness';
import { oidcSetupLines } from '../../../src/rules/oidc-role';

const F = T.branch('feature/x', 'feature/*');
const policy = referencePolicy();
const env = (name: string) => policy.policy.environments.find((e) => e.name === name)!;

const SCRIPT_LINES: Array<[string, string]> = [
  ['exports AWS_ROLE_ARN', `export AWS_ROLE_ARN=${PROD_ROLE}`],
  ['exports AWS_ROLE_ARN in double quotes', `export AWS_ROLE_ARN="${PROD_ROLE}"`],
  ['sets AWS_ROLE_ARN for one command', `AWS_ROLE_ARN=${PROD_ROLE} aws sts get-caller-identity`],
  ['sets AWS_ROLE_ARN through env', `env AWS_ROLE_ARN=${PROD_ROLE} aws s3 ls`],
  ['sets AWS_ROLE_ARN through declare -x', `declare -x AWS_ROLE_ARN=${PROD_ROLE}`],
  ['exports AWS_ROLE_ARN from a variable', 'export AWS_ROLE_ARN=$PROD_ROLE_ARN'],
  ['exports AWS_ROLE_ARN from a command substitution', 'export AWS_ROLE_ARN=$(cat role.txt)'],
  ['exports a role of another account', 'export AWS_ROLE_ARN=arn:aws:iam::999999999999:role/admin'],
  ['splits the variable name with empty quotes', `export AWS_ROLE''_ARN=${PROD_ROLE}`],
  ['splits the variable name with a backslash', `export AWS_ROLE\\_ARN=${PROD_ROLE}`],
  ['exports AWS_WEB_IDENTITY_TOKEN_FILE', 'export AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/token'],
  ['exports AWS_PROFILE', 'export AWS_PROFILE=prod'],
  ['exports AWS_CONFIG_FILE', 'export AWS_CONFIG_FILE=./ci/prod-config'],
  ['exports AWS_SHARED_CREDENTIALS_FILE', 'export AWS_SHARED_CREDENTIALS_FILE=./ci/creds'],
  ['passes --profile to the CLI', 'aws s3 ls --profile prod'],
  ['passes --role-arn to assume-role', `aws sts assume-role --role-arn ${PROD_ROLE} --role-session-name ci`],
  [
    'passes --role-arn= to assume-role-with-web-identity',
    `aws sts assume-role-with-web-identity --role-arn=${PROD_ROLE} --role-session-name ci ` +
      '--web-identity-token "$BITBUCKET_STEP_OIDC_TOKEN"',
  ],
  ['passes --role-arn from a variable', 'R=$PROD; aws sts assume-role --role-arn "$R" --role-session-name ci'],
  ['writes role_arn into an AWS config file', `printf '[profile p]\\nrole_arn = ${PROD_ROLE}\\n' >> ~/.aws/config`],
  ['writes web_identity_token_file into an AWS config file', "echo 'web_identity_token_file=/tmp/t' >> ~/.aws/config"],
  ['sets role_arn with aws configure', `aws configure set role_arn ${PROD_ROLE}`],
  [
    'passes the PROD role in --cli-input-json',
    'aws sts assume-role-with-web-identity ' +
      `--cli-input-json '{"RoleArn":"${PROD_ROLE}","RoleSessionName":"x","WebIdentityToken":"t"}'`,
  ],
  [
    'assumes the PROD role from Python',
    `python -c "import boto3; boto3.client('sts').assume_role_with_web_identity(RoleArn='${PROD_ROLE}', ` +
      `RoleSessionName='x', WebIdentityToken=open('t').read())"`,
  ],
  [
    'exports the PROD role on the second line of a block scalar',
    `echo start\nexport AWS_ROLE_ARN=${PROD_ROLE}\necho done`,
  ],
];

const inScript = ([what, line]: [string, string]): AdversarialCase => ({
  name: `a DEV step whose script ${what} is blocked`,
  target: F,
  items: [step('Build', { oidc: true, script: ['make', line] })],
  expect: { blocked: ['oidc-role'], mentions: ['Build'] },
});

const pipe = (
  variables: Record<string, unknown>,
  key: 'script' | 'after-script' = 'script',
  name = 'atlassian/aws-s3-deploy:1.6.0',
) => ({
  [key]: ['make', { pipe: name, variables: { S3_BUCKET: 'bucket', LOCAL_PATH: 'dist', ...variables } }],
});

export const roles: AdversarialFamily = {
  family: 'role tricks',
  cases: [
    ...SCRIPT_LINES.map(inScript),
    {
      name: 'a DEV step whose after-script exports the PROD role is blocked',
      target: F,
      items: [step('Build', { oidc: true, 'after-script': [`export AWS_ROLE_ARN=${PROD_ROLE}`, 'aws s3 ls'] })],
      expect: { blocked: ['oidc-role'], mentions: ['after-script'] },
    },
    {
      name: 'a pipe with AWS_OIDC_ROLE_ARN set to the PROD role is blocked',
      target: F,
      items: [step('Upload', { oidc: true, ...pipe({ AWS_OIDC_ROLE_ARN: PROD_ROLE }) })],
      expect: { blocked: ['oidc-role'], mentions: ['AWS_OIDC_ROLE_ARN'] },
    },
    {
      name: 'a pipe variable named in lower case (aws_oidc_role_arn) is still checked and blocked',
      target: F,
      items: [step('Upload', { oidc: true, ...pipe({ aws_oidc_role_arn: PROD_ROLE }) })],
      expect: { blocked: ['oidc-role'] },
    },
    {
      name: 'a pipe role variable given as a list is blocked',
      target: F,
      items: [step('Upload', { oidc: true, ...pipe({ AWS_OIDC_ROLE_ARN: [PROD_ROLE] }) })],
      expect: { blocked: ['oidc-role'] },
    },
    {
      name: 'a pipe in after-script with the PROD role is blocked',
      target: F,
      items: [step('Upload', { oidc: true, ...pipe({ AWS_OIDC_ROLE_ARN: PROD_ROLE }, 'after-script') })],
      expect: { blocked: ['oidc-role'] },
    },
    {
      name: 'a docker:// pipe with a ROLE_ARN variable of another account is blocked',
      target: F,
      items: [
        step(
          'Upload',
          pipe({ ROLE_ARN: 'arn:aws:iam::111111111111:role/other' }, 'script', 'docker://example/aws-tool:1.0.0'),
        ),
      ],
      expect: { blocked: ['oidc-role'] },
    },
    {
      name: 'a pipe with AWS_OIDC_ROLE_ARN: $AWS_ROLE_ARN uses the DEV role and runs',
      target: F,
      items: [step('Upload', { oidc: true, ...pipe({ AWS_OIDC_ROLE_ARN: '$AWS_ROLE_ARN' }) })],
      expect: { allowed: true },
    },
    {
      name: 'a pipe with the DEV role written out runs',
      target: F,
      items: [step('Upload', { oidc: true, ...pipe({ AWS_OIDC_ROLE_ARN: DEV_ROLE }) })],
      expect: { allowed: true },
    },
    {
      name: 'a step image pulled with the PROD role (image.aws.oidc-role) is blocked',
      target: F,
      items: [
        step('Build', {
          oidc: true,
          image: { name: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1', aws: { 'oidc-role': PROD_ROLE } },
        }),
      ],
      expect: { blocked: ['oidc-role'], mentions: ['oidc-role'] },
    },
    {
      name: 'a global image pulled with the PROD role is blocked for the steps that use it',
      target: F,
      extra: { image: { name: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1', aws: { 'oidc-role': PROD_ROLE } } },
      items: [step('Build', { oidc: true })],
      expect: { blocked: ['oidc-role'] },
    },
    {
      name: 'a service image pulled with the PROD role, used by a DEV step, is blocked',
      target: F,
      extra: {
        definitions: {
          services: {
            db: {
              image: { name: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/db:1', aws: { 'oidc-role': PROD_ROLE } },
            },
          },
        },
      },
      items: [step('Test', { oidc: true, services: ['db'] })],
      expect: { blocked: ['oidc-role'], mentions: ['service "db"'] },
    },
    {
      name: 'a DEV step whose script starts with the PROD setup lines (copied from a main run) is blocked',
      target: F,
      items: [step('Build', { oidc: true, script: [...oidcSetupLines(env('prod')), 'aws s3 ls'] })],
      expect: { blocked: ['oidc-role'] },
    },
    {
      name: 'a DEV step that forges the DEV setup and then exports the PROD role is blocked',
      target: F,
      items: [
        step('Build', { oidc: true, script: [...oidcSetupLines(env('dev')), `export AWS_ROLE_ARN=${PROD_ROLE}`] }),
      ],
      expect: { blocked: ['oidc-role'] },
    },
    {
      name: 'a PROD step on main exporting the DEV role is blocked',
      target: T.branch('main'),
      items: [step('PROD deploy', { oidc: true, script: [`export AWS_ROLE_ARN=${DEV_ROLE}`] })],
      expect: { blocked: ['oidc-role'] },
    },
    {
      name: 'a DEV step re-exporting its own role ($AWS_ROLE_ARN) runs',
      target: F,
      items: [
        step('Build', { oidc: true, script: ['export AWS_ROLE_ARN=$AWS_ROLE_ARN', 'aws sts get-caller-identity'] }),
      ],
      expect: { allowed: true },
    },
    {
      name: 'a DEV oidc step gets exactly the DEV setup lines first',
      target: F,
      items: [step('Build', { oidc: true, script: ['aws sts get-caller-identity'] })],
      expect: {
        allowed: true,
        check: (output) =>
          expect((output.pipelines as any).branches['feature/*'][1].step.script).toEqual([
            ...oidcSetupLines(env('dev')),
            'aws sts get-caller-identity',
          ]),
      },
    },
    {
      name:
        'residual: an obfuscated (base64) role export is not readable, ' +
        'so the step stays on DEV runners with the DEV role, ' +
        'the PROD trust policy is the barrier, and unverifiable-identity says so',
      target: F,
      items: [
        step('Build', {
          oidc: true,
          script: [`eval "$(echo ${Buffer.from(`export AWS_ROLE_ARN=${PROD_ROLE}`).toString('base64')} | base64 -d)"`],
        }),
      ],
      expect: { allowed: true, warns: ['unverifiable-identity'] },
    },
  ],
};
