/**
 * The settings page's first view and its weight. The first view is the page opened on the
 * Environments tab with a saved policy: the entry, the page shell (start.tsx, App), the backend
 * (bridge or console) and the Environments tab, with everything they import statically. Other
 * tabs, the dialogs and the editor's validation (zod) and YAML support load later. The chunk list
 * comes from Vite's manifest; the browser test then holds back every other script and checks that
 * the first view shows without it, so the list cannot be wrong in the page's favour.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const FIRST_VIEW_BUDGET = 300 * 1024;

interface ManifestChunk {
  readonly file: string;
  readonly imports?: string[];
  readonly isEntry?: boolean;
}

const FIRST_VIEW_MODULES = {
  http: ['index.html', 'src/start.tsx', 'src/backend/http.ts', 'src/tabs/EnvironmentsTab.tsx'],
  forge: [
    'index.html',
    'src/start.tsx',
    'src/backend/forge.ts',
    '../node_modules/@forge/bridge/out/index.js',
    'src/tabs/EnvironmentsTab.tsx',
  ],
} as const;

type Manifest = Record<string, ManifestChunk>;

const readManifest = (buildDir: string): Manifest =>
  JSON.parse(readFileSync(path.join(buildDir, '.vite/manifest.json'), 'utf8')) as Manifest;

/** The script files (names as built) of `modules` and everything they import statically. */
function scriptsOf(buildDir: string, manifest: Manifest, modules: readonly string[]): Set<string> {
  const files = new Set<string>();
  const visit = (key: string) => {
    // A package's key is its path from ui/, which differs where node_modules is a link (a git worktree).
    const chunk =
      manifest[key] ?? manifest[Object.keys(manifest).find((k) => k.endsWith(key.replace(/^(\.\.\/)+/, '/'))) ?? ''];
    if (!chunk) throw new Error(`${key} is not in the Vite manifest of ${buildDir}`);
    if (files.has(path.basename(chunk.file))) return;
    files.add(path.basename(chunk.file));
    chunk.imports?.forEach(visit);
  };
  modules.forEach(visit);
  return files;
}

/** Bytes as built of script files in `buildDir`, gzip not counted. */
export const scriptBytes = (buildDir: string, files: Iterable<string>) =>
  [...files].reduce((sum, file) => sum + statSync(path.join(buildDir, 'assets', file)).size, 0);

/** The script files of the first view (names as built) and their size, gzip not counted. */
export function firstViewScripts(buildDir: string, backend: 'http' | 'forge'): { files: Set<string>; bytes: number } {
  const files = scriptsOf(buildDir, readManifest(buildDir), FIRST_VIEW_MODULES[backend]);
  return { files, bytes: scriptBytes(buildDir, files) };
}

/** What a tab may load beyond the page's shell, in bytes as built; the Decision log's charts are not counted. */
export const TAB_SCRIPT_BUDGET = 50 * 1024;

/**
 * The shell every tab shares: the first view without its tab (entry, page shell, backend) and the
 * editor tools, which every page loads once the first tab has shown. And the charts chunk (Chart.js),
 * which the budget leaves out.
 */
export function shellScripts(buildDir: string, backend: 'http' | 'forge') {
  const manifest = readManifest(buildDir);
  const modules = FIRST_VIEW_MODULES[backend].filter((module) => module !== 'src/tabs/EnvironmentsTab.tsx');
  const shell = scriptsOf(buildDir, manifest, [...modules, 'src/editor-tools.ts']);
  return { shell, charts: path.basename(manifest['src/charts.tsx'].file) };
}

/** Records the name of every script the page requests, in order (routing also turns the HTTP cache off). */
export async function recordScripts(page: Page): Promise<string[]> {
  const requested: string[] = [];
  await page.route(/\.js(\?|$)/, async (route) => {
    requested.push(path.basename(new URL(route.request().url()).pathname));
    await route.fallback();
  });
  return requested;
}

/**
 * Holds back every script outside `allowed` until `release` is called, and counts the bytes of the
 * scripts the page did load: if the first view shows while the rest is held, it needs only these.
 */
export async function holdBackOthers(page: Page, allowed: ReadonlySet<string>) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const loaded: Promise<number>[] = [];
  await page.route(/\.js(\?|$)/, async (route) => {
    const file = path.basename(new URL(route.request().url()).pathname);
    if (!allowed.has(file)) await held;
    await route.continue().catch(() => undefined);
  });
  page.on('response', (response) => {
    const file = path.basename(new URL(response.url()).pathname);
    if (/\.js$/.test(file) && allowed.has(file))
      loaded.push(
        response.body().then(
          (body) => body.length,
          () => 0,
        ),
      );
  });
  return {
    /** Bytes of script loaded so far (all of it from `allowed`). */
    loadedBytes: async () => (await Promise.all(loaded)).reduce((sum, bytes) => sum + bytes, 0),
    /** Lets the held scripts through; later scripts pass straight away. */
    release: () => release(),
  };
}

/**
 * "First actionable": navigation start to the first frame in which the first control an admin can
 * use is visible and enabled, "Start from the example policy" (no policy yet) or the first
 * environment's name field (a saved policy). A string, not a function: it is installed with
 * addInitScript before the page's own scripts, and tsx would wrap a named function in a helper the
 * page lacks. The control and its time are read with `firstActionable`.
 */
export const FIRST_ACTIONABLE_PROBE = `(() => {
  const usable = (element) =>
    element && !element.disabled && element.getAttribute('aria-disabled') !== 'true' && element.checkVisibility();
  const found = () => {
    if (usable(document.getElementById('f-environments-0-name'))) return 'form';
    const start = [...document.querySelectorAll('button')].find(
      (button) => button.textContent.trim() === 'Start from the example policy',
    );
    return usable(start) ? 'start' : undefined;
  };
  const observer = new MutationObserver(() => {
    const control = found();
    if (!control) return;
    observer.disconnect();
    requestAnimationFrame(() => (window.__firstActionable = { control, ms: performance.now() }));
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
})();`;

export interface FirstActionable {
  /** Which control it was: the Environments form or the "Start from the example policy" button. */
  readonly control: 'form' | 'start';
  /** Milliseconds from navigation start. */
  readonly ms: number;
}

/** The first actionable control and when it showed (waits for it); the page must have FIRST_ACTIONABLE_PROBE. */
export async function firstActionable(page: Page): Promise<FirstActionable> {
  const handle = await page.waitForFunction(
    () => (globalThis as unknown as { __firstActionable?: FirstActionable }).__firstActionable,
  );
  return (await handle.jsonValue()) as FirstActionable;
}
