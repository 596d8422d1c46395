/** The selected definition removed or renamed before Pipeline Guard sees it: the run must not vanish unchecked. */
import type { AdversarialFamily } from '../case';
import { step, T } from '../harness';

const F = T.branch('feature/x', 'feature/*');

export const tampering: AdversarialFamily = {
  family: 'definition tampering',
  cases: [
    {
      name: 'the selected branches definition renamed (feature/* → feature/**) is refused',
      target: F,
      config: { pipelines: { branches: { 'feature/**': [step('Build')] } } },
      expect: { blocked: ['selected-definition'], mentions: ['pipelines.branches.feature/*'] },
    },
    {
      name: 'the selected definition replaced by another branch definition is refused',
      target: F,
      config: { pipelines: { branches: { main: [step('Build')] } } },
      expect: { blocked: ['selected-definition'] },
    },
    {
      name: 'the selected definition renamed only in case is refused',
      target: T.custom('feature/x', 'deploy'),
      config: { pipelines: { custom: { Deploy: [step('Build')] } } },
      expect: { blocked: ['selected-definition'] },
    },
    {
      name: 'the default definition removed is refused',
      target: T.default('feature/x'),
      config: { pipelines: { branches: { '**': [step('Build')] } } },
      expect: { blocked: ['selected-definition'] },
    },
    {
      name: 'the selected definition set to null is refused',
      target: F,
      config: { pipelines: { branches: { 'feature/*': null } } },
      expect: { blocked: ['invalid-pipeline', 'selected-definition'] },
    },
    {
      name: 'an empty `pipelines` mapping is refused',
      target: F,
      config: { pipelines: {} },
      expect: { blocked: ['selected-definition'] },
    },
    {
      name: '`pipelines: null` is refused',
      target: F,
      config: { pipelines: null },
      expect: { blocked: ['selected-definition'] },
    },
    {
      name: 'an empty configuration is refused',
      target: F,
      config: {},
      expect: { blocked: ['selected-definition'] },
    },
    {
      name: '`pipelines` given as a list is refused',
      target: F,
      config: { pipelines: [step('Build')] },
      expect: { blocked: ['invalid-pipeline', 'selected-definition'] },
    },
    {
      name: 'the selected definition turned into an unresolved import is refused',
      target: F,
      config: { pipelines: { branches: { 'feature/*': { import: 'shared:main:deploy' } } } },
      expect: { blocked: ['invalid-pipeline'] },
    },
    {
      name: 'a selector naming __proto__ cannot be satisfied through the prototype',
      target: T.branch('feature/x', '__proto__'),
      config: { pipelines: { branches: {} } },
      expect: { blocked: ['selected-definition'] },
    },
    {
      name: 'a custom selector naming constructor cannot be satisfied through the prototype',
      target: T.custom('feature/x', 'constructor'),
      config: { pipelines: { custom: { build: [step('Build')] } } },
      expect: { blocked: ['selected-definition'] },
    },
    {
      name: 'trigger definitions with the definitions removed is still never an error',
      target: T.definitions(),
      config: { pipelines: {} },
      expect: { passthrough: true },
    },
  ],
};
