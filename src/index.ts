/**
 * Forge entry points. Wiring only: every behaviour lives in modules that run and are tested
 * without Forge.
 */
import { kvsPolicyStore } from './forge/kvs-policy-store';
import { createProvider } from './provider/handler';

export const provider = createProvider({ store: kvsPolicyStore });
