/**
 * Forge entry points of the pull-request merge check (manifest: `pullrequests.check`) and of the resolver of
 * the pull-request panel and the pipeline file viewer (`pullrequests.views`). Wiring only; apart from
 * src/index.ts so the provider's bundle carries none of it, and apart from src/resolver.ts so no settings
 * function can be reached from these pages.
 */
import { createForgeMergeCheck, createForgeViewResolver } from './forge/pullrequest';

export const check = createForgeMergeCheck();
export const views = createForgeViewResolver();
