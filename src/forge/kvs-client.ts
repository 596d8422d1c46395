/**
 * Forge KVS for the settings functions and the triggers, as the package's root module builds it (`@forge/kvs` 1.6:
 * `new KvsImpl(new StorageApi(fetchClient))`), without the root module itself: that one also pulls in `tslib` (18 KB
 * of each Forge-built bundle) for one re-export helper. The fetch client is the root module's, unchanged
 * (src/forge/kvs-calls.ts, whose four calls are all the provider needs of KVS); test/forge/kvs-client.test.ts runs
 * this client and the package's own `kvs` against the same stand-in of Forge's runtime and fails when they send
 * anything different.
 */
import { KvsImpl } from '@forge/kvs/out/kvs';
import { StorageApi } from '@forge/kvs/out/storage-api';
import { kvsFetchClient } from './kvs-calls';

export { WhereConditions } from '@forge/kvs/out/conditions';
export { Sort } from '@forge/kvs/out/interfaces/types';

export const kvs = new KvsImpl(new StorageApi(kvsFetchClient() as ConstructorParameters<typeof StorageApi>[0]));
