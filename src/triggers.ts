/**
 * Forge entry points of the scheduled rollup and the deployment-event trigger (manifest:
 * `triggers.rollup`, `triggers.deployment`). Wiring only; each is its own function in manifest.yml.
 */
import { createKvsEntityStore } from './forge/kvs-entity-store';
import { createKvsStore } from './forge/kvs-store';
import { createDeploymentTrigger, createRollupTrigger } from './forge/triggers';

export const rollup = createRollupTrigger(createKvsEntityStore(), createKvsStore());
export const deployment = createDeploymentTrigger(createKvsEntityStore());
