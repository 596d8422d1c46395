/** Where the run comes from: custom runs, pull requests, tags, commits, child pipelines, the Run dialog. */
import type { AdversarialFamily } from '../case';
import { PROD_LABELS, step, T, type Target } from '../harness';

const PROD_STEP = step('PROD deploy', { oidc: true });
const F = T.branch('feature/x', 'feature/*');

const refTarget = (refType: string, name: string, selector: Record<string, unknown>): Target => ({
  trigger: 'push',
  target: {
    type: 'pipeline_ref_target',
    ref_type: refType,
    ref_name: name,
    commit: { hash: 'e34ad324d1e4334777dca3e56c04eba36c2a68c6' },
    selector,
  },
});

const blockedBranch = (name: string, why: string) => ({
  name: `a PROD step on branch ${JSON.stringify(name)} (${why}) is blocked`,
  target: T.branch(name, '**'),
  items: [PROD_STEP],
  expect: { blocked: ['branch-gate'] as const },
});

export const targets: AdversarialFamily = {
  family: 'targets',
  cases: [
    {
      name: 'a custom pipeline started by hand on feature/x with a PROD step is blocked',
      target: T.custom('feature/x', 'deploy-prod'),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a custom pipeline with variables on feature/x with a production deployment is blocked',
      target: T.custom('feature/x', 'deploy'),
      items: [
        { variables: [{ name: 'ENV', default: 'production', 'allowed-values': ['production'] }] },
        step('Deploy', { deployment: 'production' }),
      ],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a scheduled custom pipeline on feature/x with a PROD step is blocked',
      target: T.custom('feature/x', 'nightly', 'schedule'),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a custom pipeline on main keeps variables first, then the scan, then the manual PROD step',
      target: T.custom('main', 'deploy'),
      items: [{ variables: [{ name: 'VERSION' }] }, PROD_STEP],
      expect: {
        allowed: true,
        prod: true,
        check: (output) => {
          const items = (output.pipelines as any).custom.deploy;
          expect(Object.keys(items[0])).toEqual(['variables']);
          expect(items[1].step.name).toBe('Security scan');
          expect(items[2].step.trigger).toBe('manual');
        },
      },
    },
    {
      name: 'a pull request feature/x → main with a PROD step is blocked (the source branch counts)',
      target: T.pullRequest('feature/x', 'main'),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'], mentions: ['pull request feature/x → main'] },
    },
    {
      name: 'a pull request feature/x → main with a DEV step on PROD runners is blocked',
      target: T.pullRequest('feature/x', 'main'),
      items: [step('Build', { 'runs-on': PROD_LABELS })],
      expect: { blocked: ['runner-labels'] },
    },
    {
      name:
        'a pull request main → feature/x with a PROD step is blocked ' +
        '(Bitbucket merges the destination in, so feature code runs)',
      target: T.pullRequest('main', 'feature/x'),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a pull request release/1 → feature/x with a PROD step is blocked',
      target: T.pullRequest('release/1', 'feature/x'),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a pull request hotfix/1 → main (both PROD branches) may run the manual PROD step',
      target: T.pullRequest('hotfix/1', 'main'),
      items: [PROD_STEP],
      expect: { allowed: true, prod: true },
    },
    {
      name: 'a pull request feature/x → main with only DEV steps runs as DEV',
      target: T.pullRequest('feature/x', 'main'),
      items: [step('Build', { oidc: true })],
      expect: { allowed: true },
    },
    {
      name: 'a tag v1.2.3 may run the manual PROD step',
      target: T.tag('v1.2.3', 'v*'),
      items: [PROD_STEP],
      expect: { allowed: true, prod: true },
    },
    {
      name: 'an annotated tag v2 may run the manual PROD step',
      target: T.tag('v2', 'v*', 'annotated_tag'),
      items: [PROD_STEP],
      expect: { allowed: true, prod: true },
    },
    {
      name: 'a tag not matching the PROD tags (feature-1) is blocked',
      target: T.tag('feature-1', '**'),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a tag named like a PROD branch (main) is blocked',
      target: T.tag('main', '**'),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a branch named like a PROD tag (v1.0) is blocked',
      target: T.branch('v1.0', '**'),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    blockedBranch('Main', 'branch globs are case-sensitive'),
    blockedBranch('main ', 'trailing space'),
    blockedBranch('m\u0430in', 'Cyrillic a'),
    blockedBranch('hotfix/a/b', '`*` stops at a slash'),
    blockedBranch('feature/main', 'suffix match only'),
    blockedBranch('mainx', 'prefix match only'),
    blockedBranch('release', 'no slash'),
    {
      name: 'a release/1 branch may run the manual PROD step',
      target: T.branch('release/1', 'release/*'),
      items: [PROD_STEP],
      expect: { allowed: true, prod: true },
    },
    {
      name: 'an unknown ref type naming main proves no protected ref, and is blocked',
      target: refTarget('bookmark', 'main', { type: 'branches', pattern: 'main' }),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a ref type in odd case (BRANCH) naming main is not trusted, and is blocked',
      target: refTarget('BRANCH', 'main', { type: 'branches', pattern: 'main' }),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a selector that names main cannot vouch for ref feature/x, and is blocked',
      target: refTarget('branch', 'feature/x', { type: 'branches', pattern: 'main' }),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'the default pipeline on feature/x with a PROD step is blocked',
      target: T.default('feature/x'),
      items: [step('Build'), PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'the default pipeline on master may run the manual PROD step',
      target: T.default('master'),
      items: [step('Build'), PROD_STEP],
      expect: { allowed: true, prod: true },
    },
    {
      name: 'a commit target (no branch) with a PROD step is blocked',
      target: T.commit('deploy'),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'], mentions: ['(no branch)'] },
    },
    {
      name: 'a commit target with DEV steps runs as DEV (DEV allows every ref)',
      target: T.commit('build'),
      items: [step('Build', { oidc: true })],
      expect: { allowed: true },
    },
    {
      name: 'a child pipeline (parent_step) on feature/x with a PROD step is blocked',
      target: T.custom('feature/x', 'release', 'parent_step'),
      items: [PROD_STEP],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a child pipeline (parent_step) on main may run the manual PROD step',
      target: T.custom('main', 'release', 'parent_step'),
      items: [PROD_STEP],
      expect: { allowed: true, prod: true },
    },
    {
      name: 'a push with no matching definition but a PROD step in the configuration is still blocked',
      target: {
        trigger: 'push',
        target: {
          type: 'pipeline_ref_target',
          ref_type: 'branch',
          ref_name: 'feature/x',
          commit: { hash: 'e34ad324d1e4334777dca3e56c04eba36c2a68c6' },
        },
      },
      config: { pipelines: { branches: { main: [PROD_STEP] } } },
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'trigger definitions with PROD steps and PROD labels returns the configuration untouched, never an error',
      target: T.definitions(),
      config: {
        options: { 'runs-on': PROD_LABELS },
        pipelines: { default: [PROD_STEP], custom: { x: [step('y', { 'runs-on': 'prod' })] } },
      },
      expect: { passthrough: true },
    },
    {
      name: 'trigger definitions with an unwalkable configuration is still never an error',
      target: T.definitions(),
      config: { pipelines: 'PROD deploy' },
      expect: { passthrough: true },
    },
    {
      name: 'trigger definitions with a configuration nested too deep is still never an error',
      target: T.definitions(),
      config: (() => {
        let deep: Record<string, unknown> = { leaf: true };
        for (let i = 0; i < 200; i++) deep = { deeper: deep };
        return { pipelines: { default: [step('Build')] }, 'x-deep': deep };
      })(),
      expect: { passthrough: true },
    },
    {
      name: 'a Bitbucket-shaped run on feature/x with every step DEV runs as DEV',
      target: F,
      items: [step('Build'), { parallel: [step('Test'), step('Lint')] }],
      expect: { allowed: true },
    },
  ],
};
