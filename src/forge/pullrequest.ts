/**
 * The merge check and the pull-request view resolver over Forge: KVS, Bitbucket as the app, the read check as
 * the user.
 */
import Resolver from '@forge/resolver';
import { createMergeCheck, type MergeCheckAnswer } from '../prcheck/check';
import { createViewHandlers, VIEW_FUNCTIONS } from '../prcheck/views';
import { bitbucketRequestAsApp, canReadAsUser } from './bitbucket-request';
import { createKvsStore } from './kvs-store';
import { forgeRepositoryLookup } from './repository-lookup';

export function createForgeMergeCheck() {
  const check = createMergeCheck({
    kv: createKvsStore(),
    bitbucket: bitbucketRequestAsApp,
    repositories: forgeRepositoryLookup,
  });
  // Bitbucket takes { success, message }; the call count stays in the log.
  return async (event: unknown): Promise<MergeCheckAnswer> => {
    const { success, message } = await check(event);
    return { success, message };
  };
}

export function createForgeViewResolver() {
  const handlers = createViewHandlers({
    kv: createKvsStore(),
    bitbucket: bitbucketRequestAsApp,
    canRead: canReadAsUser,
    repositories: forgeRepositoryLookup,
  });
  const resolver = new Resolver();
  for (const key of VIEW_FUNCTIONS) {
    // Only `context` decides what is shown: the pull request or file of the module the page sits in.
    resolver.define(key, ({ payload, context }) => handlers[key](context, payload));
  }
  return resolver.getDefinitions();
}
