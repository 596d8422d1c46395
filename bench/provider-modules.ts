/**
 * What the bench times, built by forge-build.ts exactly as the provider's entry is: the handler and the cached
 * repository lookup.
 */
export { createProvider } from '../src/provider/handler';
export { createCachedRepositoryLookup } from '../src/provider/repository-lookup';
