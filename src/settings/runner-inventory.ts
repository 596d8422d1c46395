/**
 * The runner inventory: which of the workspace's runners serve which environment. Bitbucket puts a
 * step on any runner that carries every label in its `runs-on`, so an environment is served by the
 * online runners whose labels include all of the environment's labels. Pure, so it is tested
 * without Forge and the page shows exactly what the tests check.
 */
import type { Environment } from '../policy/schema';
import type { BitbucketRunner } from './bitbucket-rest';

export interface InventoryEnvironment {
  readonly name: string;
  /** The labels every step of the environment gets; empty when it has no self-hosted runner. */
  readonly labels: string[];
  /** Online, not cordoned runners carrying every label: where its steps can start now. */
  readonly servedBy: string[];
  /** Runners carrying every label that cannot take a step now (offline, disabled, cordoned, …). */
  readonly matchingUnavailable: string[];
}

export interface InventoryRunner extends BitbucketRunner {
  /** Environments all of whose labels this runner carries. */
  readonly serves: string[];
}

export interface InventoryWarning {
  readonly kind: 'unserved-environment' | 'shared-runner';
  readonly environment?: string;
  readonly runner?: string;
  readonly message: string;
}

export interface RunnerInventory {
  readonly environments: InventoryEnvironment[];
  readonly runners: InventoryRunner[];
  readonly warnings: InventoryWarning[];
}

type InventoryInput = Pick<Environment, 'name' | 'runner'>;

const carriesAll = (runner: BitbucketRunner, labels: readonly string[]) =>
  labels.length > 0 && labels.every((label) => runner.labels.includes(label));
const canTakeSteps = (runner: BitbucketRunner) => runner.status === 'ONLINE' && !runner.cordoned;
const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(names.length === 2 ? ' and ' : ', ');

function unavailableReason(runner: BitbucketRunner): string {
  return runner.cordoned ? `${runner.name} (cordoned)` : `${runner.name} (${runner.status.toLowerCase()})`;
}

export function buildRunnerInventory(
  environments: readonly InventoryInput[],
  runners: readonly BitbucketRunner[],
): RunnerInventory {
  const withLabels = environments.map((env) => ({
    name: env.name,
    labels: [...(env.runner?.labels ?? [])].map((l) => l.toLowerCase()),
  }));
  const inventoryEnvironments = withLabels.map(({ name, labels }): InventoryEnvironment => {
    const matching = runners.filter((runner) => carriesAll(runner, labels));
    return {
      name,
      labels,
      servedBy: matching.filter(canTakeSteps).map((r) => r.name),
      matchingUnavailable: matching.filter((r) => !canTakeSteps(r)).map(unavailableReason),
    };
  });
  const inventoryRunners = runners.map((runner): InventoryRunner => ({
    ...runner,
    serves: withLabels.filter((env) => carriesAll(runner, env.labels)).map((env) => env.name),
  }));

  const warnings: InventoryWarning[] = [];
  for (const env of inventoryEnvironments) {
    if (env.labels.length === 0 || env.servedBy.length > 0) continue;
    const why =
      env.matchingUnavailable.length > 0
        ? `the runners carrying them cannot take steps now: ${env.matchingUnavailable.join(', ')}`
        : 'no runner in the workspace carries all of them';
    warnings.push({
      kind: 'unserved-environment',
      environment: env.name,
      message:
        `No online runner serves "${env.name}": its steps need the labels ${env.labels.join(', ')}, and ${why}. ` +
        'Its steps will wait in the queue until such a runner is online. ' +
        "Fix: register a runner with these labels, bring one back online, or change the environment's labels.",
    });
  }
  for (const runner of inventoryRunners) {
    if (runner.serves.length < 2) continue;
    warnings.push({
      kind: 'shared-runner',
      runner: runner.name,
      message:
        `Runner "${runner.name}" carries every label of ${quoted(runner.serves)}, ` +
        `so steps of ${runner.serves.length === 2 ? 'both' : 'all these'} environments can run on it, ` +
        "and whatever one environment's steps leave on it (credentials, network access) is open to the other's. " +
        'Fix: remove labels from the runner so that it serves one environment.',
    });
  }
  return { environments: inventoryEnvironments, runners: inventoryRunners, warnings };
}
