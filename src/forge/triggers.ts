/**
 * The background functions, minus Forge: the hourly job (the rollup, a re-sync of the active
 * break-glass grants into the policy record, and the policy repository catch-up), the
 * deployment-event recorder and the policy repository's push trigger.
 * Neither has a caller to answer, so each logs what it did and what failed rather than throwing
 * (Forge does not retry a scheduled trigger's error anyway).
 */
import { recordDeployment } from '../storage/deployments';
import type { EntityStore } from '../storage/entity-store';
import { createGrantStore } from '../storage/grant-store';
import type { KeyValueStore } from '../storage/kv';
import { createPolicyRepository } from '../storage/policy-repo';
import { runRollup } from '../storage/rollup';
import type { PolicySync, SyncOutcome } from '../settings/policy-sync';

type Log = (message: string) => void;

const describeSync = (result: SyncOutcome): string =>
  `${result.outcome}${'hash' in result && result.hash ? ` ${result.hash.slice(0, 12)}` : ''}` +
  (result.outcome === 'failed' ? `: ${result.message}` : '');
const defaultLog: Log = (message) => console.log(message);

export function createRollupTrigger(
  entities: EntityStore,
  kv: KeyValueStore,
  now: () => Date = () => new Date(),
  log: Log = defaultLog,
  policySync?: PolicySync,
) {
  const policies = createPolicyRepository(kv);
  const grants = createGrantStore(kv, policies);
  return async (): Promise<{ statusCode: number }> => {
    let ok = true;
    try {
      const { days } = await runRollup(entities, kv, now());
      log(`pipeline-guard: rolled up ${days.join(', ')}`);
    } catch (error) {
      ok = false;
      log(
        'pipeline-guard: rollup failed (the next hourly run tries again): ' +
          `${(error as Error)?.message ?? String(error)}`,
      );
    }
    // A grant change whose copy into the policy record failed (the page offers Retry) is mended here
    // within the hour even if nobody presses it; expired grants leave the record the runs read.
    try {
      // Without a usable policy record there is nothing the grants could be copied into.
      if ((await policies.current()).state === 'ok' && !(await grants.syncActive(now()))) {
        ok = false;
        log(
          'pipeline-guard: the active break-glass grants could not be copied into the policy record ' +
            '(another save kept replacing it); the next hourly run tries again',
        );
      }
    } catch (error) {
      ok = false;
      log(
        'pipeline-guard: re-syncing the break-glass grants failed (the next hourly run tries again): ' +
          `${(error as Error)?.message ?? String(error)}`,
      );
    }
    // Policy as code: a push event can be late or lost; the branch head is compared with the active commit.
    if (policySync) {
      try {
        const result = await policySync.catchUp('hourly');
        if (result.outcome === 'failed') ok = false;
        if (result.outcome !== 'ignored') log(`pipeline-guard: policy source check: ${describeSync(result)}`);
      } catch (error) {
        ok = false;
        const message = (error as Error)?.message ?? String(error);
        log(`pipeline-guard: the policy source check failed (the next hourly run tries again): ${message}`);
      }
    }
    return { statusCode: ok ? 204 : 500 };
  };
}

export function createDeploymentTrigger(
  entities: EntityStore,
  now: () => Date = () => new Date(),
  log: Log = defaultLog,
) {
  return async (event: unknown): Promise<void> => {
    try {
      const record = await recordDeployment(entities, event, now());
      log(
        `pipeline-guard: deployment ${record.deployment} to ${record.environmentName ?? '?'} ` +
          `(${record.environmentType ?? 'type unknown'})` +
          `${record.missing.length ? `; the event lacks ${record.missing.join(', ')}` : ''}`,
      );
    } catch (error) {
      log(`pipeline-guard: a deployment event could not be recorded: ${(error as Error)?.message ?? String(error)}`);
    }
  };
}

/**
 * The push trigger of policy as code (`avi:bitbucket:push:repository`): a push to the policy
 * repository's branch loads its policy file; every other push in the workspace costs one storage read.
 */
export function createPolicyPushTrigger(sync: PolicySync, log: Log = defaultLog) {
  return async (event: unknown): Promise<void> => {
    try {
      const result = await sync.onPush(event);
      if (result.outcome !== 'ignored') log(`pipeline-guard: policy push: ${describeSync(result)}`);
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      log(
        `pipeline-guard: a push to the policy repository could not be handled (the hourly check catches up): ${
          message
        }`,
      );
    }
  };
}
