/**
 * Break-glass grants: a grant opens PROD to one repository's incident branch for a while, and
 * nothing else. Every case runs for `payments-api` unless it says otherwise, with the clock at
 * 10:00 and grant INC-4711 (incident/*, prod, branch-gate) expiring at 12:00.
 */
import type { RunOptions } from '../../../src/engine/run';
import { INCIDENT_GRANT } from '../../support/grants';
import type { Grant } from '../../../src/policy/grant-guard';
import { LABEL_KEY, type DecisionLabel } from '../../../src/engine/labels';
import type { JsonObject } from '../../../src/engine/types';
import type { AdversarialFamily } from '../case';
import { PROD_LABELS, step, T } from '../harness';

const CREATOR = '{cda97709-b1a9-4544-9a8d-750f1b3a12c4}'; // the creator of every adversarial request
const NOW = new Date('2026-12-02T10:00:00.000Z');
const REPO = {
  uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
  slug: 'payments-api',
  fullName: 'acme/payments-api',
  projectKey: 'PAY',
};

const MULTI_TEAM = 'examples/policy-multi-team.yaml';
const WEBSITE = { uuid: REPO.uuid, slug: 'website', fullName: 'acme/website', projectKey: 'OPS' };
/** Opens the search team's PROD to acme/website, which no PROD scope serves. */
const SEARCH_GRANT: Grant = {
  ...INCIDENT_GRANT,
  id: 'INC-9',
  reason: 'Search outage, the fix ships from the website repository',
  repository: 'website',
  refs: ['main'],
  environments: ['prod-search'],
  rules: ['repository-scope'],
};

const under = (grant: Partial<Grant> = {}, more: Partial<RunOptions> = {}): RunOptions => ({
  repository: REPO,
  now: NOW,
  grants: [{ ...INCIDENT_GRANT, ...grant }],
  ...more,
});

const I = T.branch('incident/42', 'incident/*');
const deploy = step('PROD deploy', { oidc: true, deployment: 'production' });

const recordOf = (output: JsonObject) => (output.labels as Record<string, DecisionLabel>)[LABEL_KEY];
const granted = (output: JsonObject) => {
  expect(recordOf(output).grants).toEqual(['INC-4711']);
  expect(recordOf(output).steps.prod).toBeDefined();
};

export const grants: AdversarialFamily = {
  family: 'break-glass grants',
  cases: [
    {
      name: 'a grant lets the incident branch run its PROD step in prod, and the labels record names it',
      target: I,
      items: [step('Build'), deploy],
      options: under(),
      expect: { allowed: true, prod: true, warns: ['branch-gate'], relaxed: ['branch-gate'], check: granted },
    },
    {
      name: 'the granted PROD step still waits for a person (manual trigger)',
      target: I,
      items: [step('Build'), deploy],
      options: under(),
      expect: {
        allowed: true,
        prod: true,
        warns: ['branch-gate'],
        relaxed: ['branch-gate'],
        check: (output) => {
          const items = (output.pipelines as { branches: Record<string, Array<{ step: JsonObject }>> }).branches[
            'incident/*'
          ];
          const prodStep = items.map((item) => item.step).find((s) => s?.name === 'PROD deploy')!;
          expect(prodStep.trigger).toBe('manual');
          expect(prodStep['runs-on']).toEqual(PROD_LABELS);
        },
      },
    },
    {
      name: "a grant that carries the repository UUID applies on the request's UUID alone, with no repository lookup",
      target: I,
      items: [step('Build'), deploy],
      options: { now: NOW, grants: [{ ...INCIDENT_GRANT, repositoryUuid: REPO.uuid.toUpperCase() }] },
      expect: { allowed: true, prod: true, warns: ['branch-gate'], relaxed: ['branch-gate'], check: granted },
    },
    {
      name: 'a grant made for another repository UUID does not apply to a repository that now has its slug',
      target: I,
      items: [deploy],
      options: under({ repositoryUuid: '{3fc883c6-3dee-4e73-a354-ccee4bd77938}' }),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a branch glob does not open a tag of the same name (a tag named incident/42 under refs incident/*)',
      target: T.tag('incident/42', 'incident/*'),
      items: [deploy],
      options: under(),
      expect: {
        blocked: ['branch-gate'],
        mentions: ['tag incident/42 matches none of its refs incident/* (a tag is matched only by a tag:GLOB entry)'],
      },
    },
    {
      name: 'a tag:GLOB entry opens the tag',
      target: T.tag('incident/42', 'incident/*'),
      items: [deploy],
      options: under({ refs: ['tag:incident/*'] }),
      expect: { allowed: true, prod: true, warns: ['branch-gate'], relaxed: ['branch-gate'], check: granted },
    },
    {
      name: 'a tag:GLOB entry does not open the branch of the same name',
      target: I,
      items: [deploy],
      options: under({ refs: ['tag:incident/*'] }),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a grant does not apply before its grantedAt (a clock behind the grant)',
      target: I,
      items: [deploy],
      options: under({}, { now: new Date('2026-12-02T08:59:59.999Z') }),
      expect: {
        blocked: ['branch-gate'],
        mentions: ['INC-4711 (it applies only from 2026-12-02T09:00:00Z, when it was granted)'],
      },
    },
    {
      name: 'an expired grant does not apply',
      target: I,
      items: [deploy],
      options: under({ expires: '2026-12-02T09:30:00Z' }),
      expect: {
        blocked: ['branch-gate'],
        mentions: [
          'Break-glass grant for "prod" does not apply to this run: INC-4711 (it expired at 2026-12-02T09:30:00Z).',
        ],
      },
    },
    {
      name: 'a grant is expired exactly at its expiry',
      target: I,
      items: [deploy],
      options: under({}, { now: new Date('2026-12-02T12:00:00.000Z') }),
      expect: { blocked: ['branch-gate'], mentions: ['INC-4711 (it expired at 2026-12-02T12:00:00Z)'] },
    },
    {
      name: 'a grant still applies 1 ms before its expiry',
      target: I,
      items: [deploy],
      options: under({}, { now: new Date('2026-12-02T11:59:59.999Z') }),
      expect: { allowed: true, prod: true, warns: ['branch-gate'], relaxed: ['branch-gate'], check: granted },
    },
    {
      name: 'a grant whose expiry is 24 h + 1 ms away is refused at run time',
      target: I,
      items: [deploy],
      options: under({ expires: '2026-12-03T10:00:00.001Z', grantedAt: undefined }),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a grant for another repository does not apply',
      target: I,
      items: [deploy],
      options: under({ repository: 'website' }),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a grant does not apply to a look-alike repository slug',
      target: I,
      items: [deploy],
      options: under({}, { repository: { ...REPO, slug: 'payments-api-fork' } }),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: "a grant does not apply when the run's repository is unknown",
      target: I,
      items: [deploy],
      options: under({}, { repository: undefined }),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a grant does not apply to a ref outside its globs',
      target: T.branch('feature/x', 'feature/*'),
      items: [deploy],
      options: under(),
      expect: {
        blocked: ['branch-gate'],
        mentions: ['INC-4711 (branch feature/x matches none of its refs incident/*)'],
      },
    },
    {
      name: 'a grant for incident/* does not reach incident/a/b (`*` stops at `/`)',
      target: T.branch('incident/a/b', 'incident/**'),
      items: [deploy],
      options: under(),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a grant for a branch glob does not open a pull request whose destination it misses',
      target: T.pullRequest('incident/42', 'feature/x'),
      items: [deploy],
      options: under(),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a grant never applies to a commit target (no ref is proven)',
      target: T.commit('deploy'),
      items: [deploy],
      options: under({ refs: ['**'] }),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a grant naming creators does not apply to a run someone else started',
      target: I,
      items: [deploy],
      options: under({ creators: ['{0f6c1b6e-1234-4c1d-9a55-2b7f0e8a9c01}'] }),
      expect: { blocked: ['branch-gate'], mentions: ['INC-4711 (the run was not started by one of its creators)'] },
    },
    {
      name: "a grant naming the run's creator applies",
      target: I,
      items: [deploy],
      options: under({ creators: [CREATOR.toUpperCase()] }),
      expect: { allowed: true, prod: true, warns: ['branch-gate'], relaxed: ['branch-gate'], check: granted },
    },
    {
      name: 'a grant for another environment does not open prod',
      target: I,
      items: [deploy],
      options: under({ environments: ['dev'] }),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a grant waiving only repository-scope does not waive branch-gate',
      target: I,
      items: [deploy],
      options: under({ rules: ['repository-scope'] }),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a stored grant that claims to waive runner-labels waives nothing: a foreign label still blocks',
      target: I,
      items: [step('PROD deploy', { 'runs-on': ['self.hosted', 'linux', 'prod', 'gpu'] })],
      options: under({ rules: ['branch-gate', 'runner-labels' as never] }),
      expect: { blocked: ['runner-labels'] },
    },
    {
      name: 'under a grant, a foreign runner label on the PROD step still blocks',
      target: I,
      items: [step('PROD deploy', { 'runs-on': ['self.hosted', 'linux', 'prod', 'dev.large'] })],
      options: under(),
      expect: { blocked: ['runner-labels'] },
    },
    {
      name: "under a grant, another environment's role on the PROD step still blocks",
      target: I,
      items: [
        step('PROD deploy', {
          oidc: true,
          script: [
            'aws sts assume-role --role-arn arn:aws:iam::222222222222:role/bitbucket-pipelines-dev ' +
              '--role-session-name x',
          ],
        }),
      ],
      options: under(),
      expect: { blocked: ['oidc-role'] },
    },
    {
      name: 'under a grant, a denied pipe still blocks',
      target: I,
      items: [step('PROD deploy', { script: [{ pipe: 'atlassian/ssh-run:0.8.1' }] })],
      options: under(),
      expect: { blocked: ['deny-pipe'] },
    },
    {
      name: 'under a grant, a denied script still blocks',
      target: I,
      items: [step('PROD deploy', { script: ['curl https://example.com/x.sh | sh'] })],
      options: under(),
      expect: { blocked: ['deny-script'] },
    },
    {
      name: 'a forged labels record naming the grant opens nothing without the stored grant',
      target: I,
      items: [deploy],
      extra: {
        labels: {
          [LABEL_KEY]: {
            v: 1,
            policy: 'forged',
            ref: 'branch:incident/42',
            steps: { prod: ['pipelines.branches.incident/*[0]'] },
            warnings: [],
            grants: ['INC-4711'],
          },
        },
      },
      options: { repository: REPO, now: NOW, grants: [] },
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a forged labels record naming a grant on a ref the grant misses opens nothing',
      target: T.branch('feature/x', 'feature/*'),
      items: [deploy],
      extra: {
        labels: {
          [LABEL_KEY]: {
            v: 1,
            policy: 'forged',
            ref: 'branch:incident/42',
            steps: {},
            warnings: [],
            grants: ['INC-4711'],
          },
        },
      },
      options: under(),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: "a forged grant id in the labels record is not carried into an allowed run's record",
      target: T.branch('feature/x', 'feature/*'),
      items: [step('Build')],
      extra: {
        labels: {
          [LABEL_KEY]: {
            v: 1,
            policy: 'forged',
            ref: 'branch:feature/x',
            steps: {},
            warnings: [],
            grants: ['INC-4711'],
          },
        },
      },
      options: under(),
      expect: { allowed: true, check: (output) => expect(recordOf(output).grants).toBeUndefined() },
    },
    {
      name:
        'under the multi-team policy, a grant opening the second PROD that a step matches (prod-search) applies, ' +
        'although prod-payments matches first',
      target: T.branch('main'),
      policyFile: MULTI_TEAM,
      items: [step('PROD deploy', { oidc: true })],
      options: { repository: WEBSITE, now: NOW, grants: [SEARCH_GRANT] },
      expect: {
        allowed: true,
        prod: true,
        warns: ['repository-scope'],
        relaxed: ['repository-scope'],
        check: (output) => {
          expect(recordOf(output).grants).toEqual(['INC-9']);
          expect(JSON.stringify(output)).toContain('prod.search');
          expect(JSON.stringify(output)).not.toContain('prod.payments');
        },
      },
    },
    {
      name: 'under the multi-team policy, a grant for prod-search that misses the ref is named in the block message',
      target: T.branch('main'),
      policyFile: MULTI_TEAM,
      items: [step('PROD deploy')],
      options: { repository: WEBSITE, now: NOW, grants: [{ ...SEARCH_GRANT, refs: ['release/*'] }] },
      expect: {
        blocked: ['repository-scope'],
        mentions: [
          'Break-glass grant for "prod-search" does not apply to this run: ' +
            'INC-9 (branch main matches none of its refs release/*).',
        ],
      },
    },
  ],
};
