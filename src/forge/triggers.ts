/**
 * The two background functions, minus Forge: the hourly rollup and the deployment-event recorder.
 * Neither has a caller to answer, so each logs what it did and what failed rather than throwing
 * (Forge does not retry a scheduled trigger's error anyway).
 */
import { recordDeployment } from '../storage/deployments';
import type { EntityStore } from '../storage/entity-store';
import type { KeyValueStore } from '../storage/kv';
import { runRollup } from '../storage/rollup';

type Log = (message: string) => void;
const defaultLog: Log = (message) => console.log(message);

export function createRollupTrigger(entities: EntityStore, kv: KeyValueStore, now: () => Date = () => new Date(), log: Log = defaultLog) {
  return async (): Promise<{ statusCode: number }> => {
    try {
      const { days } = await runRollup(entities, kv, now());
      log(`pipeline-guard: rolled up ${days.join(', ')}`);
      return { statusCode: 204 };
    } catch (error) {
      log(`pipeline-guard: rollup failed (the next hourly run tries again): ${(error as Error)?.message ?? String(error)}`);
      return { statusCode: 500 };
    }
  };
}

export function createDeploymentTrigger(entities: EntityStore, now: () => Date = () => new Date(), log: Log = defaultLog) {
  return async (event: unknown): Promise<void> => {
    try {
      const record = await recordDeployment(entities, event, now());
      log(`pipeline-guard: deployment ${record.deployment} to ${record.environmentName ?? '?'} (${record.environmentType ?? 'type unknown'})${record.missing.length ? `; the event lacks ${record.missing.join(', ')}` : ''}`);
    } catch (error) {
      log(`pipeline-guard: a deployment event could not be recorded: ${(error as Error)?.message ?? String(error)}`);
    }
  };
}
