/**
 * How much script the settings page's first view loads: every JavaScript file the browser fetches
 * from opening the page until the Environments tab shows the policy (gzip not counted: the bytes
 * as built). Used by the a11y suite's size check and by `npx tsx e2e/first-view.ts` for docs/settings.md.
 */
import type { Page } from 'playwright-core';

export interface ScriptLoad {
  readonly url: string;
  readonly bytes: number;
}

/** Starts counting on `page`; call the result once the first view is on screen. */
export function countScripts(page: Page): () => Promise<ScriptLoad[]> {
  const loads: Promise<ScriptLoad | undefined>[] = [];
  page.on('response', (response) => {
    if (!/\.m?js(\?|$)/.test(new URL(response.url()).pathname)) return;
    loads.push(response.body().then((body) => ({ url: response.url(), bytes: body.length }), () => undefined));
  });
  return async () => (await Promise.all(loads)).filter((load): load is ScriptLoad => load !== undefined);
}

export const FIRST_VIEW_BUDGET = 300 * 1024;
