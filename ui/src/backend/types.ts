import type { ProviderResponse, RequestVariable } from '../../../src/engine/request';
import type { SimulationTarget } from '../../../src/simulate/simulate';

export interface BackendContext {
  readonly workspaceId?: string;
  readonly accountId?: string;
}

export interface SimulatedRun {
  readonly yaml: string;
  readonly target: SimulationTarget;
  readonly repository: string;
  /** The request's `variables`; absent: a request without them. */
  readonly variables?: readonly RequestVariable[];
}

export interface PolicyCommit {
  readonly policyText?: string;
  readonly testsText?: string;
  readonly message?: string;
  readonly deliver?: boolean;
}

export interface SettingsBackend {
  readonly kind: 'forge' | 'http';
  getContext(): Promise<BackendContext>;
  invoke<T>(key: string, payload?: Record<string, unknown>): Promise<T>;
  /** The local console only: sends a Bitbucket-like run through the real provider function. */
  simulateRun?(run: SimulatedRun): Promise<{ response: ProviderResponse }>;
  /** The local console only: runs the hourly rollup (a Forge scheduledTrigger) now. */
  runRollup?(): Promise<{ days: string[] }>;
  /** The local console only: a commit on the policy repository's branch; its push event is delivered by default. */
  pushPolicyCommit?(commit: PolicyCommit): Promise<{ hash: string; delivered: boolean }>;
  /** The local console only: the hourly job's policy source check, now. */
  runPolicyCatchUp?(): Promise<{ outcome: string; message?: string }>;
  /** The local console only: delivers the deployment events of a fixture in fixtures/deployments/. */
  replayDeployments?(fixture: string): Promise<{ recorded: number }>;
}
