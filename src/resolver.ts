/**
 * Forge entry point of the settings page's resolver (manifest: `handler: resolver.handler`). Wiring
 * only. Kept apart from src/index.ts because Forge bundles each handler file on its own: the
 * provider's bundle stays small and free of the simulator and its YAML parser.
 */
import { bitbucketAdminCheck } from './forge/admin-check';
import { bitbucketAppRequest } from './forge/bitbucket-app-request';
import { bitbucketGetAsUser } from './forge/bitbucket-get';
import { bitbucketUserFetch } from './forge/bitbucket-users';
import { createKvsEntityStore } from './forge/kvs-entity-store';
import { createKvsStore } from './forge/kvs-store';
import { forgeRepositoryLookup } from './forge/repository-lookup';
import { createForgeReplayQueue } from './forge/replay-queue';
import { createResolver } from './forge/resolver';
import { createHandlers } from './settings/handlers';
import { createSampleReplay } from './settings/sample-replay';

const kv = createKvsStore();
export const handler = createResolver(
  createHandlers({
    kv,
    entities: createKvsEntityStore(),
    adminCheck: bitbucketAdminCheck,
    bitbucket: bitbucketGetAsUser,
    // Asks Bitbucket again now and replaces the cached answer for the repository.
    refreshRepository: (workspace, repository) => forgeRepositoryLookup.refresh(workspace, repository),
    fetchUser: bitbucketUserFetch,
    replayQueue: createForgeReplayQueue(),
    bitbucketAsApp: bitbucketAppRequest,
    replay: createSampleReplay(kv),
  }),
);
