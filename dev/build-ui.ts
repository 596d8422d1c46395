/** Builds the page when its output is missing or older than its sources. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
/** Output of each build (ui/vite.config.mts): the console's, without bridge code, and Forge's. */
export const BUILD_DIRS = {
  http: path.join(ROOT, 'build-preview'),
  forge: path.join(ROOT, 'static/settings/build'),
} as const;
export const PREVIEW_DIR = BUILD_DIRS.http;
const SOURCES = [
  'ui',
  'src/policy',
  'src/settings',
  'src/engine',
  'src/simulate',
  'src/storage',
  'src/yaml',
  'examples/policy.yaml',
];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce(
    (newest, name) => Math.max(newest, newestMtime(path.join(target, name))),
    stat.mtimeMs,
  );
}

/** Vite's build with `config`, run in `cwd` (another checkout for bench:page) with extra environment and arguments. */
export function viteBuild(what: string, config: string, env: NodeJS.ProcessEnv, cwd = ROOT, args: string[] = []): void {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', config, ...args],
    { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.signal})`);
}

export function ensureBuild(kind: keyof typeof BUILD_DIRS, log: (message: string) => void = console.log): void {
  const index = path.join(BUILD_DIRS[kind], 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (built > 0 && SOURCES.every((source) => newestMtime(path.join(ROOT, source)) <= built)) return;
  log(`Building the settings page (${path.relative(ROOT, BUILD_DIRS[kind])}/)…`);
  viteBuild('the UI build', path.join(ROOT, 'ui/vite.config.mts'), { SETTINGS_BACKEND: kind });
}

/** The pull-request panel and file viewer (ui/pullrequest): their own page, built apart from the settings page. */
export const PULL_REQUEST_BUILD_DIRS = {
  http: path.join(ROOT, 'build-preview-pr'),
  forge: path.join(ROOT, 'static/pullrequest/build'),
} as const;
const PULL_REQUEST_SOURCES = ['ui/pullrequest', 'ui/src/pullrequest', 'src/prcheck/views.ts'];

export function ensurePullRequestBuild(
  kind: keyof typeof PULL_REQUEST_BUILD_DIRS,
  log: (message: string) => void = console.log,
): void {
  const index = path.join(PULL_REQUEST_BUILD_DIRS[kind], 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (built > 0 && PULL_REQUEST_SOURCES.every((source) => newestMtime(path.join(ROOT, source)) <= built)) return;
  log(`Building the pull-request pages (${path.relative(ROOT, PULL_REQUEST_BUILD_DIRS[kind])}/)…`);
  viteBuild('the pull-request page build', path.join(ROOT, 'ui/pullrequest/vite.config.mts'), { PR_BACKEND: kind });
}
