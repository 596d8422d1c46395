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
      name:
        'branch-gate in warn: a production deployment on feature/x runs as DEV without the deployment ' +
        '(no PROD deployment variables)',
      target: F,
      policy: (p) => ((p.rules ??= {})['branch-gate'] = 'warn'),
      items: [step('Ship', { deployment: 'production', oidc: true })],
      expect: {
        allowed: true,
        warns: ['branch-gate'],
        check: (output) => {
          const s = (output.pipelines as any).branches['feature/*'][1].step;
          expect(s.deployment).toBeUndefined();
          expect(s['runs-on']).toEqual(DEV_LABELS);
        },
      },
    },
    {
      name: 'runner-labels in warn: a DEV step asking for PROD labels runs on DEV labels only',
      target: F,
      policy: (p) => ((p.rules ??= {})['runner-labels'] = 'warn'),
      items: [step('Build', { 'runs-on': PROD_LABELS })],
      expect: {
        allowed: true,
        warns: ['runner-labels'],
        check: (output) =>
          expect((output.pipelines as any).branches['feature/*'][1].step['runs-on']).toEqual(DEV_LABELS),
      },
    },
    {
      name: 'everything in warn: a PROD step with PROD labels on feature/x is demoted to DEV labels',
      target: F,
      policy: (p) => {
        p.mode = 'warn';
        p.rules = { 'security-scan': 'enforce' };
      },
      items: [step('PROD deploy', { 'runs-on': PROD_LABELS })],
      expect: {
        allowed: true,
        warns: ['branch-gate', 'runner-labels'],
        check: (output) =>
          expect((output.pipelines as any).branches['feature/*'][1].step['runs-on']).toEqual(DEV_LABELS),
      },
    },
    {
      name: 'oidc-role in warn: a PROD role export is taken out of the step and recorded as a warning',
      target: F,
      policy: (p) => ((p.rules ??= {})['oidc-role'] = 'warn'),
      items: [step('Build', { script: ['make', `export AWS_ROLE_ARN=${PROD_ROLE}`, 'aws s3 ls'] })],
      expect: {
        allowed: true,
        warns: ['oidc-role'],
        check: (output) => {
          const script = (output.pipelines as any).branches['feature/*'][1].step.script as string[];
          expect(script).toHaveLength(3);
          expect(script[0]).toBe('make');
          expect(script[2]).toBe('aws s3 ls');
          expect(script[1]).not.toContain('AWS_ROLE_ARN');
          expect((output.labels as any)['pipeline-guard'].warnings).toContain(
            'oidc-role@pipelines.branches.feature/*[1]',
          );
        },
      },
    },
    {
      name: 'oidc-role in warn: a pipe variable with the PROD role is taken out of the pipe',
      target: F,
      policy: (p) => ((p.rules ??= {})['oidc-role'] = 'warn'),
      items: [
        step('Upload', {
          oidc: true,
          script: [
            { pipe: 'atlassian/aws-s3-deploy:1.6.0', variables: { AWS_OIDC_ROLE_ARN: PROD_ROLE, S3_BUCKET: 'b' } },
          ],
        }),
      ],
      expect: {
        allowed: true,
        warns: ['oidc-role'],
        check: (output) =>
          expect(JSON.stringify((output.pipelines as any).branches['feature/*'][1].step)).not.toContain(
            'AWS_OIDC_ROLE_ARN',
          ),
      },
    },
  ],
};
