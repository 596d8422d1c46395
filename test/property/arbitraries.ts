/**
 * fast-check generators for the property tests: random valid policies (environments, labels, roles,
 * modes), pipelines that use every construct the schema accepts, and targets that point at one of
 * their definitions. Left out, because the published schema rejects them whatever the engine does
 * (so "the output validates" could not hold): `condition.state` (the schema requires `changesets`,
 * BCLOUD-24035); import objects in place of a definition (the engine refuses them by design, it
 * cannot see their steps); keys beside `step`/`parallel`/`stage` in an item; more than 10 runner
 * labels per environment including `extraLabels` (Bitbucket allows 10 per step).
 */
import fc from 'fast-check';
import { CONFIGURABLE_RULE_IDS, MODES } from '../../src/policy/rule-ids';
import type { JsonObject } from '../../src/engine/types';
import type { PolicyInput } from '../../src/policy/schema';
import { validatePolicy } from '../../src/policy/load';
import type { Target } from '../adversarial/harness';

const ENV_POOL = [
  { name: 'prod', prefix: 'PROD', deployment: 'production', account: '111111111111' },
  { name: 'stage', prefix: 'STAGE', deployment: 'staging', account: '333333333333' },
  { name: 'qa', prefix: 'QA', deployment: 'test', account: '444444444444' },
] as const;
const BRANCH_GLOBS = ['main', 'master', 'release/*', 'hotfix/*', 'develop', 'feature/*', '**', '{main,develop}'];
const TAG_GLOBS = ['v*', 'v*.*.*', '**'];
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

const modeArb = fc.constantFrom(...MODES);

/** An environment's identity in each cloud the policy supports; names follow the environment so that no two collide. */
function identityOf(name: string, account: string, provider: string, region: string) {
  if (provider === 'gcp')
    return {
      provider: 'gcp' as const,
      workloadIdentityProvider:
        'projects/123456789/locations/global/workloadIdentityPools/bitbucket/providers/' + `pipelines-${name}`,
      serviceAccount: `deployer-${name}@acme-${name}.iam.gserviceaccount.com`,
    };
  if (provider === 'vault')
    return { provider: 'vault' as const, address: 'https://vault.example.com:8200', role: `pipelines-${name}` };
  return { roleArn: `arn:aws:iam::${account}:role/pipelines-${name}`, region };
}

function envArb(entry: (typeof ENV_POOL)[number]) {
  return fc
    .record({
      branches: fc.subarray(BRANCH_GLOBS, { minLength: 0, maxLength: 3 }),
      tags: fc.subarray(TAG_GLOBS, { maxLength: 2 }),
      byPrefix: fc.boolean(),
      byDeployment: fc.boolean(),
      runner: fc.option(fc.record({ os: fc.constantFrom('linux', 'linux.shell'), extra: fc.boolean() }), {
        nil: undefined,
      }),
      oidc: fc.option(
        fc.record({ region: fc.constantFrom(...REGIONS), provider: fc.constantFrom('aws', 'aws', 'gcp', 'vault') }),
        { nil: undefined },
      ),
      manualTrigger: fc.boolean(),
    })
    .map((e) => ({
      name: entry.name,
      branches: e.branches,
      tags: e.tags,
      ...(e.byPrefix || e.byDeployment
        ? {
            match: {
              ...(e.byPrefix ? { stepNamePrefix: entry.prefix } : {}),
              ...(e.byDeployment ? { deployments: [entry.deployment] } : {}),
            },
          }
        : {}),
      ...(e.runner
        ? {
            runner: {
              labels: ['self.hosted', e.runner.os, entry.name],
              extraLabels: e.runner.extra ? [`${entry.name}.large`] : [],
            },
          }
        : {}),
      ...(e.oidc ? { oidc: identityOf(entry.name, entry.account, e.oidc.provider, e.oidc.region) } : {}),
      manualTrigger: e.manualTrigger,
    }));
}

const defaultEnvArb = fc
  .record({
    branches: fc.constantFrom(['**'], ['**'], ['develop', 'feature/*']),
    tags: fc.constantFrom(['**'], []),
    runner: fc.boolean(),
    oidc: fc.boolean(),
  })
  .map((d) => ({
    name: 'dev',
    default: true,
    branches: d.branches,
    tags: d.tags,
    ...(d.runner ? { runner: { labels: ['self.hosted', 'linux', 'dev'], extraLabels: ['dev.large'] } } : {}),
    ...(d.oidc ? { oidc: { roleArn: 'arn:aws:iam::222222222222:role/pipelines-dev', region: 'eu-west-1' } } : {}),
  }));

export const policyArb: fc.Arbitrary<PolicyInput> = fc
  .record({
    privileged: fc.subarray([...ENV_POOL], { maxLength: 3 }).chain((entries) => fc.tuple(...entries.map(envArb))),
    dev: defaultEnvArb,
    mode: modeArb,
    rules: fc.dictionary(fc.constantFrom(...CONFIGURABLE_RULE_IDS), modeArb, { maxKeys: 4 }),
    scans: fc.integer({ min: 0, max: 2 }),
    deny: fc.boolean(),
  })
  .map(
    (p) =>
      ({
        version: 1,
        mode: p.mode,
        environments: [...p.privileged, p.dev],
        ...(p.scans
          ? {
              securityScan: {
                steps: Array.from({ length: p.scans }, (_, i) => ({
                  name: `Scan ${i + 1}`,
                  image: 'aquasec/trivy:0.58.1',
                  script: [`trivy fs --exit-code 1 . # ${i}`],
                })),
              },
            }
          : {}),
        ...(p.deny
          ? { deny: { images: ['*:latest'], pipes: ['atlassian/ssh-run:*'], scripts: ['curl[^|]*\\|\\s*(ba)?sh'] } }
          : {}),
        rules: p.rules,
      }) as PolicyInput,
  )
  .filter((policy) => validatePolicy(policy).ok);

// ---- pipelines ----

const ALL_LABELS = [
  'self.hosted',
  'linux',
  'linux.shell',
  'prod',
  'stage',
  'qa',
  'dev',
  'dev.large',
  'prod.large',
  'PROD',
  'Dev',
  'unknown.label',
];
const ROLES = [
  'arn:aws:iam::111111111111:role/pipelines-prod',
  'arn:aws:iam::222222222222:role/pipelines-dev',
  '$AWS_ROLE_ARN',
];
const NAMES = [
  'Build',
  'Test',
  'PROD deploy',
  'prod: migrate',
  '[STAGE] apply',
  'QA smoke',
  'Lint',
  'Ｐrod release',
  'P\u200BROD hotfix',
  'production check',
  'deploy',
];
const DEPLOYMENTS = ['production', 'staging', 'test', 'Production', 'review'];
const SCRIPT_LINES = [
  'make build',
  'npm ci && npm test',
  'aws sts get-caller-identity',
  'export AWS_ROLE_ARN=arn:aws:iam::111111111111:role/pipelines-prod',
  'export AWS_PROFILE=prod',
  'curl -s https://example.com/install.sh | sh',
  'echo "multi\nline"',
  'aws s3 ls --profile dev',
];

const scriptItemArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SCRIPT_LINES) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        pipe: fc.constantFrom(
          'atlassian/aws-s3-deploy:1.6.0',
          'atlassian/ssh-run:0.8.0',
          'docker://example/tool:1.0.0',
          'atlassian/slack-notify',
        ),
        variables: fc.option(
          fc.dictionary(
            fc.constantFrom('AWS_OIDC_ROLE_ARN', 'S3_BUCKET', 'MESSAGE'),
            fc.oneof(fc.constantFrom(...ROLES), fc.constant('value'), fc.constant(['a', 'b'])),
            { maxKeys: 2 },
          ),
          { nil: undefined },
        ),
      })
      .map((p) => (p.variables === undefined ? { pipe: p.pipe } : p)),
  },
);

const imageArb = fc.oneof(
  fc.constantFrom('node:22.11.0', 'python', 'alpine:latest'),
  fc.record({ name: fc.constantFrom('node:22', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1') }),
  fc.record({
    name: fc.constant('222222222222.dkr.ecr.eu-west-1.amazonaws.com/app:1'),
    aws: fc.record({ 'oidc-role': fc.constantFrom(...ROLES.slice(0, 2)) }),
  }),
);

const runsOnArb = fc.oneof(fc.constantFrom(...ALL_LABELS), fc.subarray(ALL_LABELS, { minLength: 1, maxLength: 4 }));

const stepArb = (inStage: boolean): fc.Arbitrary<JsonObject> =>
  fc
    .record(
      {
        name: fc.constantFrom(...NAMES),
        script: fc.array(scriptItemArb, { minLength: 1, maxLength: 4 }),
        'after-script': fc.array(scriptItemArb, { minLength: 1, maxLength: 2 }),
        image: imageArb,
        'runs-on': runsOnArb,
        oidc: fc.boolean(),
        deployment: fc.constantFrom(...DEPLOYMENTS),
        environment: fc.constantFrom(...DEPLOYMENTS),
        trigger: fc.constantFrom('automatic', 'manual'),
        size: fc.constantFrom('1x', '2x', '4x'),
        'max-time': fc.integer({ min: 1, max: 120 }),
        services: fc.constant(['docker']),
        caches: fc.constant(['node']),
        artifacts: fc.oneof(fc.constant(['dist/**']), fc.constant({ download: false, paths: ['out/*'] })),
        'x-unknown-key': fc.constant({ kept: true }),
      },
      { requiredKeys: ['script'] },
    )
    .map((s) => {
      // Whether a step inside a stage may be manual is undocumented; the stage carries the trigger.
      if (inStage) delete (s as JsonObject).trigger;
      return s as JsonObject;
    });

const childStepArb = fc.constantFrom<JsonObject>({ name: 'Run child', type: 'pipeline', custom: 'child' });

const stepItemArb = (inStage = false) =>
  fc
    .oneof({ weight: 9, arbitrary: stepArb(inStage) }, { weight: inStage ? 0 : 1, arbitrary: childStepArb })
    .map((step) => ({ step }));

const itemArb = fc.oneof(
  { weight: 5, arbitrary: stepItemArb() },
  {
    weight: 1,
    arbitrary: fc.array(stepItemArb(), { minLength: 1, maxLength: 3 }).map((steps) => ({ parallel: steps })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ 'fail-fast': fc.boolean(), steps: fc.array(stepItemArb(), { minLength: 1, maxLength: 3 }) })
      .map((parallel) => ({ parallel })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record(
        {
          name: fc.constant('Release'),
          deployment: fc.constantFrom(...DEPLOYMENTS),
          trigger: fc.constantFrom('automatic', 'manual'),
          steps: fc.array(stepItemArb(true), { minLength: 1, maxLength: 3 }),
        },
        { requiredKeys: ['steps'] },
      )
      .map((stage) => ({ stage })),
  },
);

const itemsArb = fc.array(itemArb, { minLength: 1, maxLength: 4 });
const variablesArb = fc.constant({
  variables: [
    { name: 'VERSION', default: '1.0.0' },
    { name: 'TARGET', 'allowed-values': ['dev', 'prod'] },
  ],
});

export const configArb: fc.Arbitrary<JsonObject> = fc
  .record(
    {
      default: itemsArb,
      branches: fc.dictionary(fc.constantFrom('main', 'feature/*', 'release/*', '**'), itemsArb, {
        minKeys: 1,
        maxKeys: 2,
      }),
      tags: fc.dictionary(fc.constantFrom('v*', '**'), itemsArb, { minKeys: 1, maxKeys: 1 }),
      'pull-requests': fc.dictionary(
        fc.constantFrom('feature/*', '**'),
        fc.oneof(
          itemsArb,
          fc
            .dictionary(fc.constantFrom('main', 'develop'), itemsArb, { minKeys: 1, maxKeys: 2 })
            .map((destinations) => ({ destinations })),
        ),
        { minKeys: 1, maxKeys: 1 },
      ),
      custom: fc.dictionary(
        fc.constantFrom('deploy', 'child', 'nightly'),
        fc
          .tuple(fc.boolean(), variablesArb, itemsArb)
          .map(([withVars, vars, items]) => (withVars ? [vars, ...items] : items)),
        { minKeys: 1, maxKeys: 2 },
      ),
    },
    { requiredKeys: [] },
  )
  .chain((pipelines) =>
    fc
      .record(
        {
          image: imageArb,
          options: fc.record(
            { 'runs-on': runsOnArb, 'max-time': fc.integer({ min: 1, max: 120 }), docker: fc.boolean() },
            { requiredKeys: [] },
          ),
          definitions: fc.constant({
            services: {
              db: {
                image: { name: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/db:1', aws: { 'oidc-role': ROLES[0] } },
              },
            },
            caches: { deps: 'vendor' },
          }),
          labels: fc.constant({ team: 'platform' }),
          'x-anchors': fc.constant({ note: 'anchor holder' }),
          clone: fc.constant({ depth: 'full' }),
        },
        { requiredKeys: [] },
      )
      .map((rest) => ({ ...rest, pipelines }) as JsonObject),
  );

const COMMIT = { hash: 'e34ad324d1e4334777dca3e56c04eba36c2a68c6' };
const REFS = ['main', 'master', 'develop', 'feature/x', 'release/1', 'hotfix/a/b', 'v1.2.3'];

/** A target whose selector names one of the configuration's definitions (or none, like an unmatched push). */
export function targetArb(config: JsonObject): fc.Arbitrary<Target> {
  const pipelines = config.pipelines as Record<string, unknown>;
  const selectors: Array<{ type: string; pattern?: string }> = [];
  for (const [section, value] of Object.entries(pipelines)) {
    if (section === 'default') selectors.push({ type: 'default' });
    else for (const key of Object.keys(value as object)) selectors.push({ type: section, pattern: key });
  }
  return fc
    .record({
      selector: selectors.length
        ? fc.option(fc.constantFrom(...selectors), { nil: undefined, freq: 8 })
        : fc.constant(undefined),
      ref: fc.constantFrom(...REFS),
      destination: fc.constantFrom('main', 'develop', 'feature/y'),
      kind: fc.constantFrom('branch', 'tag', 'pr', 'commit'),
      trigger: fc.constantFrom('push', 'manual', 'schedule', 'parent_step', 'definitions'),
    })
    .map(({ selector, ref, destination, kind, trigger }): Target => {
      if (trigger === 'definitions') return { trigger, target: { type: 'pipeline_commit_target', commit: COMMIT } };
      const sel = selector ? { selector } : {};
      if (kind === 'pr')
        return {
          trigger,
          target: {
            type: 'pipeline_pullrequest_target',
            commit: COMMIT,
            source: ref,
            destination,
            destination_commit: COMMIT,
            pullrequest: { id: 7 },
            ...sel,
          },
        };
      if (kind === 'commit') return { trigger, target: { type: 'pipeline_commit_target', commit: COMMIT, ...sel } };
      return {
        trigger,
        target: { type: 'pipeline_ref_target', ref_type: kind, ref_name: ref, commit: COMMIT, ...sel },
      };
    });
}

/** Bitbucket hands run triggers only the selected definition; the Run dialog gets them all. */
export function asBitbucketSends(target: Target, config: JsonObject): JsonObject {
  const selector = target.target.selector as { type: string; pattern?: string } | undefined;
  if (target.trigger === 'definitions') return config;
  const { pipelines, ...rest } = config as { pipelines: Record<string, any> };
  if (!selector) return { ...rest, pipelines: {} };
  if (selector.type === 'default') return { ...rest, pipelines: { default: pipelines.default } };
  return {
    ...rest,
    pipelines: { [selector.type]: { [selector.pattern!]: pipelines[selector.type][selector.pattern!] } },
  };
}
