/**
 * Forge entry points of the scheduled rollup, the deployment-event trigger and the policy
 * repository's push trigger (manifest: `triggers.rollup`, `triggers.deployment`,
 * `triggers.policyPush`). Wiring only; each is its own function in manifest.yml.
 */
import { bitbucketAppRequest } from './forge/bitbucket-app-request';
import { createKvsEntityStore } from './forge/kvs-entity-store';
import { createKvsStore } from './forge/kvs-store';
import { createDeploymentTrigger, createPolicyPushTrigger, createRollupTrigger } from './forge/triggers';
import { createPolicySync } from './settings/policy-sync';
import { createSampleReplay } from './settings/sample-replay';

const kv = createKvsStore();
const policySync = createPolicySync({ kv, request: bitbucketAppRequest, replay: createSampleReplay(kv) });

export const rollup = createRollupTrigger(createKvsEntityStore(), kv, undefined, undefined, policySync);
export const deployment = createDeploymentTrigger(createKvsEntityStore());
export const policyPush = createPolicyPushTrigger(policySync);
