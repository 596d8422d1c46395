/** Runner labels: another environment's label however it is asked for, on a step or globally. */
import type { AdversarialCase, AdversarialFamily } from '../case';
import { DEV_LABELS, PROD_LABELS, step, T } from '../harness';

const F = T.branch('feature/x', 'feature/*');
const MAIN = T.branch('main');

const BAD_RUNS_ON: Array<[string, unknown]> = [
  ['the full PROD label list', PROD_LABELS],
  ['the PROD label as a plain string', 'prod'],
  ['the PROD label in upper case', ['self.hosted', 'linux', 'PROD']],
  ['every label in odd case', ['Self.Hosted', 'LINUX', 'Prod']],
  ['the PROD label padded with spaces', ['self.hosted', ' prod ']],
  ['the PROD label with a zero-width space', ['prod\u200B']],
  ['the PROD label with a fullwidth letter', ['ｐrod']],
  ['DEV and PROD labels together', [...DEV_LABELS, 'prod']],
  ['the PROD label after an allowed extra', ['dev.large', 'prod']],
  ['a label no environment knows', ['linux.shell']],
  ['a comma-separated string holding the PROD label', 'self.hosted,linux,prod'],
  ['the PROD label with a trailing newline', ['self.hosted', 'linux', 'prod\n']],
  ['the PROD label with a Cyrillic o', ['pr\u043Ed']],
  ['eleven labels ending in prod', ['self.hosted', 'linux', 'dev', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'prod']],
];

const onStep = ([what, runsOn]: [string, unknown]): AdversarialCase => ({
  name: `a DEV step asking for ${what} is blocked`,
  target: F,
  items: [step('Build', { 'runs-on': runsOn })],
  expect: { blocked: ['runner-labels'], mentions: ['Build'] },
});

const GLOBAL: Array<[string, unknown]> = [
  ['the PROD label list', PROD_LABELS],
  ['the PROD label as a string', 'prod'],
  ['the PROD label in upper case', ['PROD']],
];

const onGlobal = ([what, runsOn]: [string, unknown]): AdversarialCase => ({
  name: `a global \`options.runs-on\` with ${what} is blocked for steps that inherit it`,
  target: F,
  extra: { options: { 'runs-on': runsOn, 'max-time': 30 } },
  items: [step('Build'), step('Test')],
  expect: { blocked: ['runner-labels'], mentions: ['options.runs-on'] },
});

export const labels: AdversarialFamily = {
  family: 'runner labels',
  cases: [
    ...BAD_RUNS_ON.map(onStep),
    ...GLOBAL.map(onGlobal),
    {
      name: 'the PROD label inside a parallel group is blocked',
      target: F,
      items: [{ parallel: [step('Lint'), step('Test', { 'runs-on': ['prod'] })] }],
      expect: { blocked: ['runner-labels'], mentions: ['parallel[1]'] },
    },
    {
      name: 'the PROD label inside a stage is blocked',
      target: F,
      items: [{ stage: { name: 'QA', steps: [step('Test', { 'runs-on': 'prod' })] } }],
      expect: { blocked: ['runner-labels'] },
    },
    {
      name: 'the PROD label on a child-pipeline step is blocked (Bitbucket forbids runs-on there)',
      target: F,
      items: [{ step: { name: 'Trigger release', type: 'pipeline', custom: 'release', 'runs-on': ['prod'] } }],
      expect: { blocked: ['runner-labels'] },
    },
    {
      name: 'runs-on given as a number is refused',
      target: F,
      items: [step('Build', { 'runs-on': 7 })],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'runs-on given as a nested list is refused',
      target: F,
      items: [step('Build', { 'runs-on': [['prod']] })],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'runs-on given as a mapping is refused',
      target: F,
      items: [step('Build', { 'runs-on': { prod: true } })],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a PROD step on main asking for the DEV label is blocked',
      target: MAIN,
      items: [step('PROD deploy', { 'runs-on': ['dev'] })],
      expect: { blocked: ['runner-labels'] },
    },
    {
      name: 'a global `options.runs-on` of DEV labels is dropped and each step gets its own labels',
      target: F,
      extra: { options: { 'runs-on': DEV_LABELS } },
      items: [step('Build'), step('Test', { 'runs-on': 'dev.large' })],
      expect: {
        allowed: true,
        check: (output) => {
          expect((output.options as any)?.['runs-on']).toBeUndefined();
          expect((output.pipelines as any).branches['feature/*'][2].step['runs-on']).toEqual([
            ...DEV_LABELS,
            'dev.large',
          ]);
        },
      },
    },
    {
      name: 'a PROD global `options.runs-on` that every step overrides cannot reach a step and is dropped',
      target: F,
      extra: { options: { 'runs-on': PROD_LABELS } },
      items: [step('Build', { 'runs-on': DEV_LABELS })],
      expect: { allowed: true, check: (output) => expect((output.options as any)['runs-on']).toBeUndefined() },
    },
    {
      name: 'an allowed extra label in odd case is kept, lower-cased, after the DEV labels',
      target: F,
      items: [step('Build', { 'runs-on': ['DEV.LARGE'] })],
      expect: {
        allowed: true,
        check: (output) =>
          expect((output.pipelines as any).branches['feature/*'][1].step['runs-on']).toEqual([
            ...DEV_LABELS,
            'dev.large',
          ]),
      },
    },
    {
      name: 'a partial DEV label list is completed to the DEV labels',
      target: F,
      items: [step('Build', { 'runs-on': ['self.hosted', 'linux'] })],
      expect: { allowed: true },
    },
    {
      name: 'an empty runs-on list is filled with the DEV labels',
      target: F,
      items: [step('Build', { 'runs-on': [] })],
      expect: { allowed: true },
    },
  ],
};
