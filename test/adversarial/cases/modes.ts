/** The reference policy with a rule relaxed to warn: the run goes on, but never with PROD's runners. */
import type { AdversarialFamily } from '../case';
import { DEV_LABELS, PROD_LABELS, PROD_ROLE, step, T } from '../harness';

const F = T.branch('feature/x', 'feature/*');

export const modes: AdversarialFamily = {
  family: 'warn modes',
  cases: [
    {
      name: 'branch-gate in warn: a PROD step on feature/x runs, but as DEV (DEV runners, DEV role, not manual)',
      target: F,
      policy: (p) => ((p.rules ??= {})['branch-gate'] = 'warn'),
      items: [step('PROD deploy', { oidc: true })],
      expect: {
        allowed: true,
        warns: ['branch-gate'],
        check: (output) => {
          const s = (output.pipelines as any).branches['feature/*'][1].step;
          expect(s['runs-on']).toEqual(DEV_LABELS);
          expect(s.trigger).toBeUndefined();
        },
      },
    },
    {
      name: 'branch-gate in warn, but the default environment does not allow the ref either: enforced anyway',
      target: F,
      policy: (p) => {
        (p.rules ??= {})['branch-gate'] = 'warn';
        p.environments[1].branches = ['develop'];
      },
      items: [step('PROD deploy')],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'runner-labels in warn: a DEV step asking for PROD labels runs on DEV labels only',
      target: F,
      policy: (p) => ((p.rules ??= {})['runner-labels'] = 'warn'),
      items: [step('Build', { 'runs-on': PROD_LABELS })],
      expect: { allowed: true, warns: ['runner-labels'], check: (output) => expect((output.pipelines as any).branches['feature/*'][1].step['runs-on']).toEqual(DEV_LABELS) },
    },
    {
      name: 'everything in warn: a PROD step with PROD labels on feature/x is demoted to DEV labels',
      target: F,
      policy: (p) => {
        p.mode = 'warn';
        p.rules = { 'security-scan': 'enforce' };
      },
      items: [step('PROD deploy', { 'runs-on': PROD_LABELS })],
      expect: { allowed: true, warns: ['branch-gate', 'runner-labels'], check: (output) => expect((output.pipelines as any).branches['feature/*'][1].step['runs-on']).toEqual(DEV_LABELS) },
    },
    {
      name: 'documented gap: oidc-role in warn lets a PROD role export run (recorded as a warning; AWS trust is the barrier)',
      target: F,
      policy: (p) => ((p.rules ??= {})['oidc-role'] = 'warn'),
      items: [step('Build', { script: [`export AWS_ROLE_ARN=${PROD_ROLE}`] })],
      expect: {
        allowed: true,
        warns: ['oidc-role'],
        prod: true,
        relaxed: ['oidc-role'],
        check: (output) => expect((output.labels as any)['pipeline-guard'].warnings.some((w: string) => w.startsWith('oidc-role@'))).toBe(true),
      },
    },
  ],
};
