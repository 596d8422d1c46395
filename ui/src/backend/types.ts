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

export interface SettingsBackend {
  readonly kind: 'forge' | 'http';
  getContext(): Promise<BackendContext>;
  invoke<T>(key: string, payload?: Record<string, unknown>): Promise<T>;
  /** The local console only: sends a Bitbucket-like run through the real provider function. */
  simulateRun?(run: SimulatedRun): Promise<{ response: ProviderResponse }>;
  /** The local console only: runs the hourly rollup (a Forge scheduledTrigger) now. */
  runRollup?(): Promise<{ days: string[] }>;
  /** The local console only: delivers the deployment events of a fixture in fixtures/deployments/. */
  replayDeployments?(fixture: string): Promise<{ recorded: number }>;
}
