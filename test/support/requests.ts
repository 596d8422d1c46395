import { readFileSync } from 'fs';
import path from 'path';
import { compilePolicy } from '../../src/engine/compiled-policy';
import { runEngine } from '../../src/rules/chain';
import type { CompiledPolicy, JsonObject } from '../../src/engine/types';
import type { RepositoryIdentity } from '../../src/policy/repository';
import type { PolicyInput } from '../../src/policy/schema';
import { parsePolicyText } from '../../src/policy/text';
import { validatePolicy } from '../../src/policy/load';

export const REFERENCE_POLICY_PATH = path.resolve(__dirname, '../../../shared/examples/policy.yaml');
export const PROD_ROLE = 'arn:aws:iam::111111111111:role/bitbucket-pipelines-prod';
export const DEV_ROLE = 'arn:aws:iam::222222222222:role/bitbucket-pipelines-dev';
export const PROD_LABELS = ['self.hosted', 'linux', 'prod'];
export const DEV_LABELS = ['self.hosted', 'linux', 'dev'];

/** A build step and a PROD deploy on every branch: the settings tests' pipeline to preview and pin. */
export const BUILD_AND_PROD_DEPLOY_YAML = `pipelines:
  branches:
    '**':
      - step:
          name: Build
          script: [npm test]
      - step:
          name: PROD deploy
          deployment: production
          oidc: true
          script: [./deploy.sh]
`;

export function referencePolicyText(): string {
  return readFileSync(REFERENCE_POLICY_PATH, 'utf8');
}

export function referencePolicyInput(): PolicyInput {
  const result = parsePolicyText(referencePolicyText());
  if (!result.ok) throw new Error(`reference policy does not load: ${JSON.stringify(result.problems)}`);
  return JSON.parse(JSON.stringify(result.policy));
}

export const MULTI_TEAM_POLICY_PATH = path.resolve(__dirname, '../../examples/policy-multi-team.yaml');

/** A policy file of the project (e.g. examples/policy-multi-team.yaml) as input, for adjusting. */
export function policyInputFrom(file: string): PolicyInput {
  const result = parsePolicyText(readFileSync(path.resolve(__dirname, '../..', file), 'utf8'));
  if (!result.ok) throw new Error(`${file} does not load: ${JSON.stringify(result.problems)}`);
  return JSON.parse(JSON.stringify(result.policy));
}

/** The identity the provider would resolve for a repository of workspace `acme`. */
export function repositoryIdentity(slug: string, projectKey?: string): RepositoryIdentity {
  return { uuid: BASE.repository, slug, fullName: `acme/${slug}`, ...(projectKey !== undefined ? { projectKey } : {}) };
}

/**
 * The reference policy (or `from`, a policy file of the project), optionally adjusted (e.g. a rule mode), compiled as
 * the provider would.
 */
export function compiled(adjust: (policy: PolicyInput) => void = () => {}, from?: string): CompiledPolicy {
  const input = from ? policyInputFrom(from) : referencePolicyInput();
  adjust(input);
  const result = validatePolicy(input);
  if (!result.ok) throw new Error(`adjusted policy is invalid: ${JSON.stringify(result.problems)}`);
  return compilePolicy(result.policy, 7);
}

export function readFixture<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures', ...parts), 'utf8')) as T;
}

const BASE = {
  workspace: '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}',
  repository: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
  creator: '{cda97709-b1a9-4544-9a8d-750f1b3a12c4}',
  pipeline: '{0ac5e5c0-a233-4cb5-88b9-bcffc5fa4925}',
  build_number: 12,
  created_on: '2026-11-25T10:00:00.000Z',
};
const COMMIT = { hash: 'e34ad324d1e4334777dca3e56c04eba36c2a68c6' };

type Section = 'default' | 'branches' | 'tags' | 'pull-requests' | 'custom';
type Items = unknown[];

export interface RunOptions {
  trigger?: 'push' | 'manual' | 'schedule' | 'parent_step' | 'definitions';
  extra?: JsonObject;
}

function pipelinesFor(section: Section, key: string | undefined, items: Items): JsonObject {
  return section === 'default' ? { default: items } : { [section]: { [key as string]: items } };
}

/** A push of `branch`, matched by the `branches.<pattern>` definition holding `items`. */
export function branchRun(branch: string, items: Items, options: RunOptions & { pattern?: string } = {}): JsonObject {
  const pattern = options.pattern ?? branch;
  return {
    ...BASE,
    trigger: options.trigger ?? 'push',
    target: {
      type: 'pipeline_ref_target',
      ref_type: 'branch',
      ref_name: branch,
      commit: COMMIT,
      selector: { type: 'branches', pattern },
    },
    pipelines_configuration: { ...options.extra, pipelines: pipelinesFor('branches', pattern, items) },
  };
}

export function defaultRun(branch: string, items: Items, options: RunOptions = {}): JsonObject {
  return {
    ...BASE,
    trigger: options.trigger ?? 'push',
    target: {
      type: 'pipeline_ref_target',
      ref_type: 'branch',
      ref_name: branch,
      commit: COMMIT,
      selector: { type: 'default' },
    },
    pipelines_configuration: { ...options.extra, pipelines: pipelinesFor('default', undefined, items) },
  };
}

export function tagRun(tag: string, items: Items, pattern = tag, options: RunOptions = {}): JsonObject {
  return {
    ...BASE,
    trigger: options.trigger ?? 'push',
    target: {
      type: 'pipeline_ref_target',
      ref_type: 'tag',
      ref_name: tag,
      commit: COMMIT,
      selector: { type: 'tags', pattern },
    },
    pipelines_configuration: { ...options.extra, pipelines: pipelinesFor('tags', pattern, items) },
  };
}

export function pullRequestRun(
  source: string,
  destination: string,
  items: Items,
  pattern = '**',
  options: RunOptions = {},
): JsonObject {
  return {
    ...BASE,
    trigger: options.trigger ?? 'push',
    target: {
      type: 'pipeline_pullrequest_target',
      commit: COMMIT,
      source,
      destination,
      destination_commit: { hash: 'ca0b5a1d0a1d0a1d0a1d0a1d0a1d0a1d0a1d0a1d' },
      pullrequest: { id: 239 },
      selector: { type: 'pull-requests', pattern },
    },
    pipelines_configuration: { ...options.extra, pipelines: pipelinesFor('pull-requests', pattern, items) },
  };
}

export function customRun(branch: string, name: string, items: Items, options: RunOptions = {}): JsonObject {
  return {
    ...BASE,
    trigger: options.trigger ?? 'manual',
    target: {
      type: 'pipeline_ref_target',
      ref_type: 'branch',
      ref_name: branch,
      commit: COMMIT,
      selector: { type: 'custom', pattern: name },
    },
    pipelines_configuration: { ...options.extra, pipelines: pipelinesFor('custom', name, items) },
  };
}

export function commitRun(name: string, items: Items, options: RunOptions = {}): JsonObject {
  return {
    ...BASE,
    trigger: options.trigger ?? 'manual',
    target: { type: 'pipeline_commit_target', commit: COMMIT, selector: { type: 'custom', pattern: name } },
    pipelines_configuration: { ...options.extra, pipelines: pipelinesFor('custom', name, items) },
  };
}

export function run(request: unknown, policy: CompiledPolicy = compiled(), repository?: RepositoryIdentity) {
  return runEngine(request, { kind: 'active', policy }, repository ? { repository } : {});
}

/** The rewritten configuration; fails the test when the run was blocked. */
export function outputOf(result: ReturnType<typeof run>): JsonObject {
  if (!('pipelines_configuration' in result.response))
    throw new Error(`expected an allowed run, got ${JSON.stringify(result.response)}`);
  return result.response.pipelines_configuration as JsonObject;
}

export function errorOf(result: ReturnType<typeof run>): { key: string; message: string } {
  if (!('error' in result.response))
    throw new Error(`expected a blocked run, got ${JSON.stringify(result.response).slice(0, 400)}`);
  return result.response.error;
}

export const rulesOf = (result: ReturnType<typeof run>, mode?: 'enforce' | 'warn') =>
  [...new Set(result.report.findings.filter((f) => !mode || f.mode === mode).map((f) => f.rule))].sort();

export const step = (name: string, extra: JsonObject = {}) => ({ step: { name, script: ['echo run'], ...extra } });
