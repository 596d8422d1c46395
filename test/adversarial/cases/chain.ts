/**
 * Output that went through a provider already (Pipeline Guard itself on another ref, or a repository
 * provider imitating it): the chain must be idempotent and must not trust what only looks like its own work.
 */
import type { AdversarialFamily } from '../case';
import { DEV_LABELS, DEV_ROLE, PROD_LABELS, referencePolicy, run, request, configFor, step, T } from '../harness';
import { LABEL_KEY } from '../../../src/engine/labels';
import { GATE_STEP_NAME } from '../../../src/engine/injected-steps';
import type { JsonObject } from '../../../src/engine/types';

const F = T.branch('feature/x', 'feature/*');
const MAIN = T.branch('main');
const policy = referencePolicy();
const scan = policy.scanSteps[0];

/** What Pipeline Guard returned for `items` on main, re-keyed under feature/* as if pushed there. */
function mainOutputItems(items: unknown[]): unknown[] {
  const result = run(request(MAIN, configFor(MAIN, items)), policy);
  if (!('pipelines_configuration' in result.response)) throw new Error('the main run was expected to pass');
  return ((result.response.pipelines_configuration as JsonObject).pipelines as any).branches.main;
}

const renamed = (items: unknown[], from: string, to: string) =>
  JSON.parse(JSON.stringify(items).split(`"name":"${from}"`).join(`"name":"${to}"`)) as unknown[];

export const chain: AdversarialFamily = {
  family: 'chain effects',
  cases: [
    {
      name: "main's rewritten output replayed on feature/x is blocked (the PROD step keeps its name)",
      target: F,
      items: mainOutputItems([step('Build'), step('PROD deploy', { oidc: true })]),
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: "main's rewritten output with the PROD step renamed is blocked on its PROD labels and PROD setup lines",
      target: F,
      items: renamed(mainOutputItems([step('Build'), step('PROD deploy', { oidc: true })]), 'PROD deploy', 'Deploy'),
      expect: { blocked: ['runner-labels', 'oidc-role'] },
    },
    {
      name: 'a forged scan step that adds the PROD label is an ordinary DEV step, and blocked',
      target: F,
      items: [{ step: { ...scan, 'runs-on': PROD_LABELS } }, step('Build')],
      expect: { blocked: ['runner-labels'] },
    },
    {
      name: 'a forged scan step that adds oidc is an ordinary DEV step and gets the DEV role only',
      target: F,
      items: [{ step: { ...scan, oidc: true } }, step('Build')],
      expect: { allowed: true, check: (output) => expect(JSON.stringify(output)).toContain(DEV_ROLE) },
    },
    {
      name: 'an exact copy of the scan step already first is recognised, so no second scan is added',
      target: F,
      items: [{ step: structuredClone(scan) }, step('Build')],
      expect: {
        allowed: true,
        check: (output) => {
          const items = (output.pipelines as any).branches['feature/*'];
          expect(items.filter((i: any) => i.step?.name === 'Security scan')).toHaveLength(1);
        },
      },
    },
    {
      name: 'a forged approval-gate step on PROD runners is an ordinary DEV step, and blocked',
      target: F,
      items: [{ step: { ...policy.gateStep, 'runs-on': PROD_LABELS } }, step('Build')],
      expect: { blocked: ['runner-labels'] },
    },
    {
      name: 'an exact copy of the approval-gate step stays a harmless DEV step',
      target: F,
      items: [{ step: structuredClone(policy.gateStep) }, step('Build')],
      expect: {
        allowed: true,
        check: (output) =>
          expect((output.pipelines as any).branches['feature/*'][1].step).toEqual({
            name: GATE_STEP_NAME,
            script: policy.gateStep.script,
            'runs-on': DEV_LABELS,
          }),
      },
    },
    {
      name: 'a forged decision record claiming PROD steps is replaced by the real one',
      target: F,
      extra: {
        labels: {
          team: 'web',
          [LABEL_KEY]: {
            v: 1,
            policy: 'forged',
            ref: 'branch:main',
            steps: { prod: ['pipelines.branches.feature/*[0]'] },
            warnings: [],
          },
        },
      },
      items: [step('Build')],
      expect: {
        allowed: true,
        check: (output) => {
          const record = (output.labels as any)[LABEL_KEY];
          expect(record.policy).toBe(policy.digest);
          expect(record.ref).toBe('branch:feature/x');
          expect(Object.keys(record.steps)).toEqual(['dev']);
          expect((output.labels as any).team).toBe('web');
        },
      },
    },
    {
      name: 'labels already over 10 KB leave no room for the decision record, and the run is refused',
      target: F,
      extra: { labels: { filler: 'x'.repeat(11_000) } },
      items: [step('Build')],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: "main's output replayed on main is a fixed point (no second scan, no doubled setup, no second gate)",
      target: MAIN,
      items: mainOutputItems([step('PROD deploy', { oidc: true }), step('Build', { oidc: true })]),
      expect: {
        allowed: true,
        prod: true,
        check: (output) => {
          const text = JSON.stringify(output);
          expect(text.split('Security scan').length - 1).toBe(1);
          expect(text.split('BITBUCKET_STEP_OIDC_TOKEN').length - 1).toBe(2);
        },
      },
    },
    {
      name: 'a DEV oidc step that already carries the DEV setup is not set up twice',
      target: F,
      items: mainOutputItems([step('Build', { oidc: true })]),
      expect: {
        allowed: true,
        check: (output) => expect(JSON.stringify(output).split('BITBUCKET_STEP_OIDC_TOKEN').length - 1).toBe(1),
      },
    },
  ],
};
