/**
 * Forge entry point of the provider function. Wiring only: every behaviour lives in modules that
 * run and are tested without Forge. The settings resolver (src/resolver.ts) and the triggers
 * (src/triggers.ts) have their own entries, so that this bundle, loaded on every pipeline run,
 * carries no YAML parser, simulator, UI backend or zod.
 */
import { kvsPolicyStore } from './forge/kvs-policy-store';
import { forgeRepositoryLookup } from './forge/repository-lookup';
import { kvsEntityWriter } from './forge/kvs-provider-stores';
import { kvsSampleSink } from './forge/kvs-sample-sink';
import { createProvider } from './provider/handler';
import { createDecisionWriter } from './storage/decision-writer';

export const provider = createProvider({
  store: kvsPolicyStore,
  decisions: createDecisionWriter(kvsEntityWriter),
  samples: kvsSampleSink,
  repositories: forgeRepositoryLookup,
});
