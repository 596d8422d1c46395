/**
 * Forge entry point of the provider function. Wiring only: every behaviour lives in modules that
 * run and are tested without Forge. The settings resolver has its own entry (src/resolver.ts), so
 * that this bundle, loaded on every pipeline run, carries no YAML parser, simulator or UI backend.
 */
import { createKvsStore } from './forge/kvs-store';
import { kvsPolicyStore } from './forge/kvs-policy-store';
import { createProvider } from './provider/handler';
import { createDecisionAppender } from './storage/decision-append';

export const provider = createProvider({ store: kvsPolicyStore, decisions: createDecisionAppender(createKvsStore()) });
