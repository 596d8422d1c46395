/**
 * The bad-input corpus: malformed provider requests and broken stored policy records, each with what
 * the provider's answer must name. The provider tests (provider.bad-input.test.ts) and the
 * differential validator test (test/validators/differential.test.ts) both run it.
 */
import { configFor, referencePolicyInput, request, step, T } from '../adversarial/harness';

export const F = T.branch('feature/x', 'feature/*');
export const STORED = {
  revision: 4,
  policy: referencePolicyInput(),
  savedAt: '2026-11-25T10:00:00.000Z',
  savedBy: '{admin}',
};
export const valid = () => request(F, configFor(F, [step('Build')]));

const without = (key: string) => () => {
  const r = valid();
  delete r[key];
  return r;
};
const withValue = (path: string[], value: unknown) => () => {
  const r = valid() as any;
  let at = r;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path[path.length - 1]] = value;
  return r;
};
/** [what, the request, the field its error names] */
export const BAD_REQUESTS: Array<[string, () => unknown, string]> = [
  ['null', () => null, '(request)'],
  ['a string', () => 'pipelines: {}', '(request)'],
  ['a list', () => [valid()], '(request)'],
  ['no workspace', without('workspace'), 'workspace'],
  ['no trigger', without('trigger'), 'trigger'],
  ['no target', without('target'), 'target'],
  ['no pipelines_configuration', without('pipelines_configuration'), 'pipelines_configuration'],
  ['an unknown trigger', withValue(['trigger'], 'deploy'), 'trigger'],
  ['a trigger in upper case', withValue(['trigger'], 'PUSH'), 'trigger'],
  ['an unknown target type', withValue(['target', 'type'], 'pipeline_branch_target'), 'target.type'],
  ['a numeric ref_name', withValue(['target', 'ref_name'], 42), 'target.ref_name'],
  ['an empty ref_name', withValue(['target', 'ref_name'], ''), 'target.ref_name'],
  ['a null target', withValue(['target'], null), 'target'],
  ['a null selector', withValue(['target', 'selector'], null), 'target.selector'],
  ['an unknown selector type', withValue(['target', 'selector', 'type'], 'everything'), 'target.selector.type'],
  [
    'pipelines_configuration as a string',
    withValue(['pipelines_configuration'], 'pipelines: {}'),
    'pipelines_configuration',
  ],
  ['pipelines_configuration as a list', withValue(['pipelines_configuration'], []), 'pipelines_configuration'],
  ['pipelines_configuration null', withValue(['pipelines_configuration'], null), 'pipelines_configuration'],
  ['a build_number that is text', withValue(['build_number'], '239'), 'build_number'],
  ['a workspace that is 10 KB long', withValue(['workspace'], `{${'a'.repeat(10_000)}}`), 'workspace'],
];

/** [what, the stored record, a word its error contains] */
export const BROKEN_RECORDS: Array<[string, unknown, string]> = [
  ['a record without a revision', { policy: STORED.policy, savedAt: 'x', savedBy: 'y' }, 'damaged'],
  ['a record with revision 0', { ...STORED, revision: 0 }, 'damaged'],
  ['a bare string', 'version: 1', 'damaged'],
  ['a list', [STORED], 'damaged'],
  ['a policy of version 2', { ...STORED, policy: { ...STORED.policy, version: 2 } }, 'version'],
  [
    'a policy without a default environment',
    { ...STORED, policy: { ...STORED.policy, environments: [STORED.policy.environments[0]] } },
    'default',
  ],
  [
    'a policy with a role ARN that breaks the shell line',
    {
      ...STORED,
      policy: JSON.parse(JSON.stringify(STORED.policy).replace('role/bitbucket-pipelines-prod', "role/x'; id; '")),
    },
    'roleArn',
  ],
  ['a policy with an unknown field', { ...STORED, policy: { ...STORED.policy, manualTriger: true } }, 'manualTriger'],
  ['a policy that is null', { ...STORED, policy: null }, 'invalid'],
];
