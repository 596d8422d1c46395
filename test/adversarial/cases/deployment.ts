/** `deployment:` and `environment:` on steps and stages, spelled every way Bitbucket might accept. */
import type { AdversarialCase, AdversarialFamily } from '../case';
import { PROD_LABELS, step, T } from '../harness';

const F = T.branch('feature/x', 'feature/*');
const MAIN = T.branch('main');

const SPELLINGS: Array<[string, string]> = [
  ['as written in the policy', 'production'],
  ['capitalised', 'Production'],
  ['upper case', 'PRODUCTION'],
  ['with surrounding spaces', '  production '],
  ['with a trailing non-breaking space', 'production\u00A0'],
  ['with a zero-width space', 'prod\u200Buction'],
  ['in fullwidth letters', 'ｐｒｏｄｕｃｔｉｏｎ'],
  ['with a Cyrillic o', 'pr\u043Eduction'],
];

const onStep =
  (key: 'deployment' | 'environment') =>
  ([what, value]: [string, string]): AdversarialCase => ({
    name: `step \`${key}: ${JSON.stringify(value)}\` (${what}) on an innocently named step is PROD and blocked`,
    target: F,
    items: [step('Build'), step('Upload assets', { [key]: value })],
    expect: { blocked: ['branch-gate'], mentions: ['Upload assets'] },
  });

const onStage =
  (key: 'deployment' | 'environment') =>
  ([what, value]: [string, string]): AdversarialCase => ({
    name: `stage \`${key}: ${JSON.stringify(value)}\` (${what}) makes its innocent steps PROD and blocked`,
    target: F,
    items: [step('Build'), { stage: { name: 'Release', [key]: value, steps: [step('Upload'), step('Notify')] } }],
    expect: {
      blocked: ['branch-gate'],
      mentions: ['pipelines.branches.feature/*[1].stage.steps[0]', 'pipelines.branches.feature/*[1].stage.steps[1]'],
    },
  });

export const deployment: AdversarialFamily = {
  family: 'deployment and environment',
  cases: [
    ...SPELLINGS.map(onStep('deployment')),
    ...SPELLINGS.slice(0, 3).map(onStep('environment')),
    ...SPELLINGS.filter((_, i) => i % 2 === 0).map(onStage('deployment')),
    ...SPELLINGS.slice(0, 2).map(onStage('environment')),
    {
      name: 'a step `deployment` inside a stage without one is PROD and blocked',
      target: F,
      items: [{ stage: { name: 'Ship', steps: [step('Build'), step('Go', { deployment: 'production' })] } }],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a `deployment` given as a list is refused rather than ignored',
      target: F,
      items: [step('Go', { deployment: ['production'] })],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'an `environment` given as a mapping is refused rather than ignored',
      target: F,
      items: [step('Go', { environment: { name: 'production' } })],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: '`deployment: staging` is DEV and runs on DEV runners',
      target: F,
      items: [step('Deploy staging', { deployment: 'staging', oidc: true })],
      expect: { allowed: true },
    },
    {
      name: 'on main a `deployment: production` step runs on PROD runners, manual, after the scan',
      target: MAIN,
      items: [step('Release', { deployment: 'production', oidc: true })],
      expect: {
        allowed: true,
        prod: true,
        check: (output) => {
          const items = (output.pipelines as any).branches.main;
          expect(items[0].step.name).toBe('Security scan');
          expect(items[1].step.trigger).toBe('manual');
          expect(items[1].step['runs-on']).toEqual(PROD_LABELS);
        },
      },
    },
    {
      name: 'on main a production stage waits for a person as a whole, its steps on PROD runners',
      target: MAIN,
      items: [
        step('Build'),
        { stage: { name: 'Release', deployment: 'production', steps: [step('Upload'), step('Notify')] } },
      ],
      expect: {
        allowed: true,
        prod: true,
        check: (output) => {
          const stage = (output.pipelines as any).branches.main[2].stage;
          expect(stage.trigger).toBe('manual');
          for (const s of stage.steps) {
            expect(s.step.trigger).toBeUndefined();
            expect(s.step['runs-on']).toEqual(PROD_LABELS);
          }
        },
      },
    },
  ],
};
