/**
 * The settings page's "first actionable" time, the previous release against this one
 * (`npm run bench:page [-- --runs N] [--cpu-throttle N] [--json]`).
 *
 * Builds the console build of the previous release (PREVIOUS: main before issue 20's last round, from
 * `git archive` into a temporary directory with node_modules linked) and of this worktree, serves both
 * from the local console on 127.0.0.1 (the same server code and store for both, so only the page
 * differs), and opens each in Debian's Chromium with a fresh context per run (nothing cached). First
 * actionable is navigation start to the first frame with "Start from the example policy" (no policy
 * yet) or the first environment's name field (a saved policy) visible and enabled (e2e/first-view.ts).
 * Runs alternate between the builds; the figure is the median of each, and the ratio this/previous.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { viteBuild } from '../dev/build-ui';
import { startConsole, type RunningConsole } from '../dev/server';
import { FIRST_ACTIONABLE_PROBE, firstActionable } from '../e2e/first-view';

const ROOT = path.resolve(__dirname, '..');
const PREVIOUS = '8c75f7e';
const EXAMPLE_POLICY = readFileSync(path.join(ROOT, 'examples/policy.yaml'), 'utf8');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const JSON_OUTPUT = process.argv.includes('--json');
const option = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) || fallback : fallback;
};
const RUNS = option('--runs', 9);
const CPU_THROTTLE = option('--cpu-throttle', 1);

type State = 'no policy' | 'saved policy';
const STATES: readonly State[] = ['no policy', 'saved policy'];

/** Vite's console build of the sources under `root` into `outDir`, with the config that tree has. */
function buildPage(root: string, outDir: string) {
  viteBuild(`the page build in ${root}`, path.join(root, 'ui/vite.config.mts'), { SETTINGS_BACKEND: 'http' }, root, [
    '--outDir',
    outDir,
    '--emptyOutDir',
    '--logLevel',
    'error',
  ]);
}

/** The previous release's sources, with this checkout's node_modules. */
function checkOutPrevious(dir: string) {
  const archive = execFileSync('git', ['archive', '--format=tar', PREVIOUS], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

async function savePolicy(app: RunningConsole) {
  const response = await fetch(new URL('/__dev/invoke/savePolicy', app.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ expectedRevision: 0, policyText: EXAMPLE_POLICY }),
  });
  if (!((await response.json()) as { ok: boolean }).ok) throw new Error('the example policy was not saved');
}

const EXPECTED_CONTROL = { 'no policy': 'start', 'saved policy': 'form' } as const;

async function measureOnce(browser: Browser, url: string, state: State): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    if (CPU_THROTTLE > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLE });
    }
    await page.addInitScript(FIRST_ACTIONABLE_PROBE);
    await page.goto(url);
    const shown = await firstActionable(page);
    if (shown.control !== EXPECTED_CONTROL[state])
      throw new Error(`with ${state}, ${url} showed ${shown.control} first, not ${EXPECTED_CONTROL[state]}`);
    return shown.ms;
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** One console per build and state, each on its own store (empty, or with the example policy saved). */
async function startConsoles(pages: Record<'previous' | 'current', string>, temp: string) {
  const consoles: { build: 'previous' | 'current'; state: State; app: RunningConsole }[] = [];
  for (const state of STATES) {
    const storeDir = mkdtempSync(path.join(temp, 'store-'));
    const start = (pageDir: string) => startConsole({ port: 0, storeDir, pageDir, log: () => undefined });
    // Saved before the consoles start: each reads its store when it starts.
    if (state === 'saved policy') {
      const saving = await start(pages.current);
      await savePolicy(saving);
      await saving.close();
    }
    for (const build of ['previous', 'current'] as const)
      consoles.push({ build, state, app: await start(pages[build]) });
  }
  return consoles;
}

async function main() {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'pipeline-guard-page-bench-'));
  const previousRoot = mkdtempSync(path.join(temp, 'previous-'));
  const pages = { previous: path.join(temp, 'previous-page'), current: path.join(temp, 'current-page') };
  let browser: Browser | undefined;
  const consoles: Awaited<ReturnType<typeof startConsoles>> = [];
  try {
    checkOutPrevious(previousRoot);
    buildPage(previousRoot, pages.previous);
    buildPage(ROOT, pages.current);
    consoles.push(...(await startConsoles(pages, temp)));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const times = new Map(consoles.map((c) => [c, [] as number[]]));
    // One warm-up each (the server's first answers, the disk cache), then alternating runs.
    for (const c of consoles) await measureOnce(browser, c.app.url, c.state);
    for (let run = 0; run < RUNS; run++)
      for (const c of run % 2 ? [...consoles].reverse() : consoles)
        times.get(c)!.push(await measureOnce(browser, c.app.url, c.state));
    report(STATES.map((state) => figures(state, consoles, times)));
  } finally {
    await browser?.close();
    for (const c of consoles) await c.app.close();
    rmSync(temp, { recursive: true, force: true });
  }
}

function figures(
  state: State,
  consoles: Awaited<ReturnType<typeof startConsoles>>,
  times: Map<Awaited<ReturnType<typeof startConsoles>>[number], number[]>,
) {
  const of = (build: 'previous' | 'current') =>
    times.get(consoles.find((c) => c.state === state && c.build === build)!)!;
  const previous = median(of('previous'));
  const current = median(of('current'));
  return { state, previousMs: previous, currentMs: current, ratio: current / previous, runs: RUNS };
}

function report(rows: ReturnType<typeof figures>[]) {
  if (JSON_OUTPUT) return console.log(JSON.stringify({ previous: PREVIOUS, cpuThrottle: CPU_THROTTLE, rows }));
  console.log(
    `First actionable, median of ${RUNS} runs each (previous release ${PREVIOUS} vs this tree` +
      `${CPU_THROTTLE > 1 ? `, CPU throttled ${CPU_THROTTLE}x` : ''}):`,
  );
  for (const row of rows)
    console.log(
      `  ${row.state.padEnd(13)} previous ${row.previousMs.toFixed(0).padStart(5)} ms   ` +
        `this ${row.currentMs.toFixed(0).padStart(5)} ms   ratio ${row.ratio.toFixed(2)}`,
    );
}

main().catch((error) => {
  console.error(`The page bench could not run: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
});
