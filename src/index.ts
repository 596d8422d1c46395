/**
 * Forge entry points. Wiring only: every behaviour lives in modules that run and are tested
 * without Forge.
 */
import { bitbucketAdminCheck } from './forge/admin-check';
import { createKvsStore } from './forge/kvs-store';
import { kvsPolicyStore } from './forge/kvs-policy-store';
import { createResolver } from './forge/resolver';
import { createProvider } from './provider/handler';
import { createHandlers } from './settings/handlers';
import { createDecisionLog } from './storage/decision-log';

const kv = createKvsStore();
const decisions = createDecisionLog(kv);

export const provider = createProvider({ store: kvsPolicyStore, decisions });

export const resolver = createResolver(createHandlers({ kv, adminCheck: bitbucketAdminCheck, decisions }));
