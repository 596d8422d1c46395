/** Step names that mean PROD however they are spelled, and names that only look close to it. */
import type { AdversarialCase, AdversarialFamily } from '../case';
import { DEV_LABELS, step, T } from '../harness';

const F = T.branch('feature/x', 'feature/*');

const PROD_SPELLINGS: Array<[string, string]> = [
  ['plain prefix', 'PROD deploy'],
  ['lower case', 'prod deploy'],
  ['mixed case', 'pRoD deploy'],
  ['colon after the prefix', 'Prod: migrate'],
  ['square brackets', '[PROD] apply'],
  ['round brackets', '(prod) apply'],
  ['double quotes', '"PROD" deploy'],
  ['leading spaces', '   PROD   deploy'],
  ['leading newline', '\nPROD deploy'],
  ['tab after the prefix', 'PROD\tdeploy'],
  ['the prefix alone', 'PROD'],
  ['prefix then hyphen', 'PROD-db migrate'],
  ['prefix then underscore', 'PROD_deploy'],
  ['prefix then dot', 'PROD.deploy'],
  ['prefix then slash', 'prod/eu apply'],
  ['fullwidth letters', 'ＰＲＯＤ deploy'],
  ['fullwidth colon and brackets', '【ＰＲＯＤ】：deploy'],
  ['Cyrillic Er for P', '\u0420ROD deploy'],
  ['Cyrillic O', 'PR\u041ED deploy'],
  ['Greek Rho and Omicron', '\u03A1R\u039FD deploy'],
  ['lower-case Cyrillic look-alikes', '\u0440r\u043Ed deploy'],
  ['zero-width space inside', 'P\u200BROD deploy'],
  ['zero-width joiner and non-joiner', 'PR\u200DO\u200CD deploy'],
  ['soft hyphen inside', 'PRO\u00ADD deploy'],
  ['word joiner inside', 'P\u2060ROD deploy'],
  ['byte-order mark in front', '\uFEFFPROD deploy'],
  ['right-to-left override in front', '\u202EPROD deploy'],
  ['variation selector inside', 'P\uFE0FROD deploy'],
  ['Unicode tag characters inside', 'P\u{E0041}RO\u{E0042}D deploy'],
  ['Hangul filler inside', 'PR\u3164OD deploy'],
  ['combining low lines', 'P\u0332R\u0332O\u0332D\u0332 deploy'],
  ['mathematical bold letters', '\u{1D40F}\u{1D411}\u{1D40E}\u{1D403} deploy'],
  ['circled letters', '\u24C5\u24C7\u24C4\u24B9 deploy'],
  ['accented letters', 'PRÖD deploy'],
];

const DEV_LOOKING: Array<[string, string]> = [
  ['a longer word that starts with the prefix', 'production smoke test'],
  ['the word products', 'Products catalogue build'],
  ['the prefix later in the name', 'deploy PROD'],
  ['letters spaced apart', 'P R O D deploy'],
  ['small capitals (no compatibility mapping)', '\u1D18\u0280\u1D0F\u1D05 deploy'],
];

const blockedName = ([what, name]: [string, string]): AdversarialCase => ({
  name: `a step named with ${what} (${JSON.stringify(name)}) is PROD and blocked on feature/x`,
  target: F,
  items: [step('Build'), step(name, { oidc: true })],
  expect: { blocked: ['branch-gate'], mentions: ['pipelines.branches.feature/*[1]'] },
});

const devName = ([what, name]: [string, string]): AdversarialCase => ({
  name: `a step named with ${what} (${JSON.stringify(name)}) runs as DEV with DEV runners and role only`,
  target: F,
  items: [step(name, { oidc: true })],
  expect: {
    allowed: true,
    check: (output) => {
      const s = ((output.pipelines as any).branches['feature/*'][1] as any).step;
      expect(s['runs-on']).toEqual(DEV_LABELS);
    },
  },
});

export const names: AdversarialFamily = {
  family: 'names',
  cases: [
    ...PROD_SPELLINGS.map(blockedName),
    ...DEV_LOOKING.map(devName),
    {
      name: 'a step name that is a number is refused rather than guessed',
      target: F,
      items: [{ step: { name: 42, script: ['echo'] } }],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a step name that is a list holding the prefix is refused',
      target: F,
      items: [{ step: { name: ['PROD', 'deploy'], script: ['echo'] } }],
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a step name that is null is refused',
      target: F,
      items: [{ step: { name: null, script: ['echo'] } }],
      expect: { blocked: ['invalid-pipeline'] },
    },
  ],
};
