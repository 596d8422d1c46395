/**
 * Scopes: under examples/policy-multi-team.yaml, a repository reaching for another team's
 * environment, runners or role, however it asks. The lookup failing or hanging is a provider
 * matter (test/provider/repository-lookup.test.ts).
 */
import type { RepositoryIdentity } from '../../../src/policy/repository';
import type { AdversarialCase, AdversarialFamily } from '../case';
import { step, T } from '../harness';

const POLICY = 'examples/policy-multi-team.yaml';
const MAIN = T.branch('main');
const PAYMENTS_ROLE = 'arn:aws:iam::111111111111:role/payments-prod';
const repo = (slug: string, projectKey?: string): RepositoryIdentity => ({
  uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
  slug,
  fullName: `acme/${slug}`,
  ...(projectKey ? { projectKey } : {}),
});

const MARKETING = repo('marketing-site', 'MKT');
const SEARCH = repo('search-api', 'SRCH');

const outsider = (
  name: string,
  items: unknown[],
  repository: RepositoryIdentity | undefined = MARKETING,
  mentions: string[] = [],
): AdversarialCase => ({
  name,
  target: MAIN,
  policyFile: POLICY,
  repository,
  items,
  expect: {
    blocked: ['repository-scope'],
    mentions: [repository ? repository.fullName : 'does not know it', ...mentions],
  },
});

const LOOK_ALIKES: Array<[string, RepositoryIdentity]> = [
  ['a slug without the dash (payments)', repo('payments', 'MKT')],
  ['a slug with a prefix glued on (xpayments-api)', repo('xpayments-api', 'MKT')],
  ['a singular slug (payment-api)', repo('payment-api', 'MKT')],
  ['an underscore for the dash (payments_api)', repo('payments_api', 'MKT')],
  ['a repository of another project named like the team (payments-evil in MKT)', repo('payments-evil', 'MKT')],
  ['the excluded sandbox (payments-sandbox), even in project PAY', repo('payments-sandbox', 'PAY')],
  ['a project key that only differs in case (pay)', repo('ledger', 'pay')],
  ['a project key in mixed case (Pay)', repo('ledger', 'Pay')],
  ['a project key with a trailing space', repo('ledger', 'PAY ')],
  ['no project at all', repo('ledger')],
];

const BORROWED: Array<[string, unknown[], 'runner-labels' | 'oidc-role']> = [
  [
    'the payments PROD label on a build step',
    [step('Build', { 'runs-on': ['self.hosted', 'linux', 'prod.payments'] })],
    'runner-labels',
  ],
  ['the payments PROD label in upper case', [step('Build', { 'runs-on': ['PROD.PAYMENTS'] })], 'runner-labels'],
  ['the payments DEV label', [step('Build', { 'runs-on': ['self.hosted', 'linux', 'dev.payments'] })], 'runner-labels'],
  [
    "the payments label on its own team's PROD step",
    [step('PROD deploy', { 'runs-on': ['self.hosted', 'linux', 'prod.payments'] })],
    'runner-labels',
  ],
  [
    'the payments role exported in a script',
    [step('Build', { oidc: true, script: [`export AWS_ROLE_ARN=${PAYMENTS_ROLE}`, 'aws s3 ls'] })],
    'oidc-role',
  ],
  [
    'the payments role passed to assume-role',
    [step('Build', { script: [`aws sts assume-role --role-arn ${PAYMENTS_ROLE} --role-session-name x`] })],
    'oidc-role',
  ],
  [
    'the payments role in a pipe variable',
    [
      step('Build', {
        script: [{ pipe: 'atlassian/aws-s3-deploy:1.1.0', variables: { AWS_OIDC_ROLE_ARN: PAYMENTS_ROLE } }],
      }),
    ],
    'oidc-role',
  ],
  [
    'the payments role pulling an image',
    [step('Build', { image: { name: 'acme/builder:1', aws: { 'oidc-role': PAYMENTS_ROLE } } })],
    'oidc-role',
  ],
];

export const scopes: AdversarialFamily = {
  family: 'scopes',
  cases: [
    outsider(
      'a repository outside every PROD scope using the PROD prefix is blocked',
      [step('PROD deploy')],
      MARKETING,
      ['"prod-payments"', 'may use: "dev" (its default)'],
    ),
    outsider('a repository outside every PROD scope using the deployment is blocked', [
      step('Ship', { deployment: 'production' }),
    ]),
    outsider("a repository outside every PROD scope using its stage's deployment is blocked", [
      { stage: { name: 'Release', deployment: 'production', steps: [step('Ship')] } },
    ]),
    outsider('a repository outside every PROD scope using `environment: Production` in odd case is blocked', [
      step('Ship', { environment: 'Production' }),
    ]),
    outsider('a PROD step inside a parallel group of an outside repository is blocked', [
      { parallel: [step('Lint'), step('[PROD] apply')] },
    ]),
    outsider(
      'a run whose repository is unknown is in no scope, so its PROD step is blocked',
      [step('PROD deploy')],
      undefined,
    ),
    ...LOOK_ALIKES.map(([what, repository]) =>
      outsider(`look-alike: ${what} is not in the payments scope`, [step('PROD deploy')], repository, [
        '"prod-payments"',
      ]),
    ),
    ...BORROWED.map(([what, items, rule]): AdversarialCase => ({
      name: `a search repository borrowing ${what} is blocked by ${rule}`,
      target: MAIN,
      policyFile: POLICY,
      repository: SEARCH,
      items,
      expect: { blocked: [rule] },
    })),
    {
      name: "the search team's own PROD step runs on its own runners with its own role",
      target: MAIN,
      policyFile: POLICY,
      repository: SEARCH,
      items: [step('Build'), step('PROD deploy', { oidc: true })],
      expect: { allowed: true, prod: true, check: (output) => expect(JSON.stringify(output)).toContain('prod.search') },
    },
    {
      name: 'a repository excluded from one PROD environment but in another gets the other one',
      target: MAIN,
      policyFile: POLICY,
      policy: (p) => {
        p.environments.splice(3, 0, {
          name: 'prod-sandbox',
          scope: { repositories: ['payments-sandbox'] },
          branches: ['main'],
          match: { stepNamePrefix: 'PROD' },
          runner: { labels: ['self.hosted', 'linux', 'prod.sandbox'] },
        });
      },
      repository: repo('payments-sandbox', 'PAY'),
      items: [step('PROD deploy')],
      expect: {
        allowed: true,
        prod: true,
        check: (output) => expect(JSON.stringify(output)).toContain('prod.sandbox'),
      },
    },
    {
      name: "a search repository named payments-evil gets the search team's PROD, never the payments runners or role",
      target: MAIN,
      policyFile: POLICY,
      repository: repo('payments-evil', 'SRCH'),
      items: [step('PROD deploy', { oidc: true })],
      expect: {
        allowed: true,
        prod: true,
        check: (output) => {
          expect(JSON.stringify(output)).toContain('prod.search');
          expect(JSON.stringify(output)).not.toContain('prod.payments');
          expect(JSON.stringify(output)).not.toContain('payments-prod');
        },
      },
    },
    {
      name: 'a payments PROD step on a feature branch is still gated by branch-gate',
      target: T.branch('feature/x', 'feature/*'),
      policyFile: POLICY,
      repository: repo('payments-api', 'PAY'),
      items: [step('PROD deploy')],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'warn mode runs an outside PROD step on the default runners without the deployment',
      target: MAIN,
      policyFile: POLICY,
      policy: (p) => {
        p.rules = { 'repository-scope': 'warn' };
      },
      repository: MARKETING,
      items: [step('PROD deploy', { deployment: 'production', oidc: true })],
      expect: {
        allowed: true,
        warns: ['repository-scope'],
        check: (output) => {
          expect(JSON.stringify(output)).not.toContain('"deployment"');
          expect(JSON.stringify(output)).toContain('shared-dev');
        },
      },
    },
    {
      name: "warn mode drops every out-of-scope environment's deployment, not only the first matching environment's",
      target: MAIN,
      policyFile: POLICY,
      policy: (p) => {
        p.rules = { 'repository-scope': 'warn' };
        p.environments[1].match = { stepNamePrefix: 'PROD', deployments: ['search-production'] };
      },
      repository: MARKETING,
      items: [step('PROD deploy', { deployment: 'search-production' })],
      expect: {
        allowed: true,
        warns: ['repository-scope'],
        check: (output) => {
          expect(JSON.stringify(output)).not.toContain('search-production');
          expect(JSON.stringify(output)).toContain('"runs-on":["self.hosted","linux","dev"]}}]');
        },
      },
    },
    {
      name: 'the Run-pipeline dialog of an outside repository gets its configuration back untouched',
      target: T.definitions(),
      policyFile: POLICY,
      repository: MARKETING,
      items: [step('PROD deploy')],
      expect: { passthrough: true },
    },
  ],
};
