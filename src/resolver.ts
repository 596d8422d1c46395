/**
 * Forge entry point of the settings page's resolver (manifest: `handler: resolver.handler`). Wiring
 * only. Kept apart from src/index.ts because Forge bundles each handler file on its own: the
 * provider's bundle stays small and free of the simulator and its YAML parser.
 */
import { bitbucketAdminCheck } from './forge/admin-check';
import { createKvsEntityStore } from './forge/kvs-entity-store';
import { createKvsStore } from './forge/kvs-store';
import { createResolver } from './forge/resolver';
import { createHandlers } from './settings/handlers';

export const handler = createResolver(createHandlers({ kv: createKvsStore(), entities: createKvsEntityStore(), adminCheck: bitbucketAdminCheck }));
