/** PROD steps hidden in parallel groups, stages, pull-request destinations and YAML anchors. */
import type { AdversarialFamily } from '../case';
import { DEV_LABELS, DEV_ROLE, step, T } from '../harness';

const F = T.branch('feature/x', 'feature/*');

export const nesting: AdversarialFamily = {
  family: 'nesting',
  cases: [
    {
      name: 'a PROD step in a parallel group (list form) is blocked',
      target: F,
      items: [{ parallel: [step('Lint'), step('PROD deploy')] }],
      expect: { blocked: ['branch-gate'], mentions: ['pipelines.branches.feature/*[0].parallel[1]'] },
    },
    {
      name: 'a PROD step in a parallel group (object form with fail-fast) is blocked',
      target: F,
      items: [{ parallel: { 'fail-fast': true, steps: [step('Lint'), step('Ship', { deployment: 'production' })] } }],
      expect: { blocked: ['branch-gate'], mentions: ['pipelines.branches.feature/*[0].parallel.steps[1]'] },
    },
    {
      name: 'a PROD step in a stage without a deployment is blocked',
      target: F,
      items: [{ stage: { name: 'Ship', steps: [step('prod: apply')] } }],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'a parallel group nested in a stage is refused (the walker cannot vouch for it)',
      target: F,
      items: [{ stage: { name: 'Ship', steps: [{ parallel: [step('PROD deploy')] }] } }],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a parallel group nested in a parallel group is refused',
      target: F,
      items: [{ parallel: [{ parallel: [step('PROD deploy')] }] }],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a step item with a sibling key beside `step` is refused',
      target: F,
      items: [{ step: { name: 'Build', script: ['make'] }, 'runs-on': ['prod'] }],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'an item holding both `step` and `parallel` is refused',
      target: F,
      items: [{ step: { name: 'Build', script: ['make'] }, parallel: [step('PROD deploy')] }],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a parallel group whose steps are a string is refused',
      target: F,
      items: [{ parallel: { steps: 'PROD deploy' } }],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a stage whose steps are a mapping is refused',
      target: F,
      items: [{ stage: { deployment: 'production', steps: { step: { name: 'x', script: ['x'] } } } }],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a definition given as a mapping instead of a list is refused',
      target: F,
      items: { step: { name: 'PROD deploy', script: ['x'] } } as unknown as unknown[],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a `step` given as a string is refused',
      target: F,
      items: [{ step: 'PROD deploy' }],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a PROD step under pull-requests destinations is blocked',
      target: T.pullRequest('feature/x', 'main', 'feature/*'),
      items: { destinations: { main: [step('Build'), step('PROD deploy')] } } as unknown as unknown[],
      expect: { blocked: ['branch-gate'], mentions: ['pipelines.pull-requests.feature/*.destinations.main[1]'] },
    },
    {
      name: 'a PROD step after the variables item of a custom pipeline, in a parallel group, is blocked',
      target: T.custom('feature/x', 'hotfix-now'),
      items: [{ variables: [{ name: 'TARGET', default: 'prod' }] }, { parallel: [step('Build'), step('PROD deploy')] }],
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'YAML: the PROD step reused through an alias in the feature pipeline is blocked',
      target: F,
      yaml: 'anchors-alias.yml',
      expect: { blocked: ['branch-gate'], mentions: ['pipelines.branches.feature/*[1]'] },
    },
    {
      name: 'YAML: merging the PROD step and renaming it keeps its deployment and PROD label, and is blocked',
      target: F,
      yaml: 'anchors-merge-rename.yml',
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'YAML: a merge that keeps only the PROD labels and role export is blocked on both',
      target: F,
      yaml: 'anchors-merge-strip.yml',
      expect: { blocked: ['runner-labels', 'oidc-role'] },
    },
    {
      name: 'YAML: a list item that is a merge key (`- <<: *item`) still yields a PROD step, and is blocked',
      target: F,
      yaml: 'anchors-item-merge.yml',
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'YAML: the feature pipeline as an alias of the main pipeline brings its production stage, and is blocked',
      target: F,
      yaml: 'anchors-whole-pipeline.yml',
      expect: { blocked: ['branch-gate'] },
    },
    {
      name: 'YAML: one anchored oidc step used three times gets the DEV setup once in each copy',
      target: F,
      yaml: 'anchors-shared-dev-step.yml',
      expect: {
        allowed: true,
        check: (output) => {
          const text = JSON.stringify(output);
          expect(text.split(`export AWS_ROLE_ARN='${DEV_ROLE}'`).length - 1).toBe(3);
          const items = (output.pipelines as any).branches['feature/*'];
          expect(items[2].parallel[1].step['runs-on']).toEqual(DEV_LABELS);
        },
      },
    },
    {
      name: 'YAML: PROD steps parked in anchor holders are never executed, so they neither block nor change',
      target: F,
      yaml: 'hidden-anchor-holder.yml',
      expect: {
        allowed: true,
        check: (output) =>
          expect((output['x-templates'] as any).release[0].step).toEqual({
            name: 'PROD deploy',
            deployment: 'production',
            script: ['./deploy.sh'],
          }),
      },
    },
  ],
};
