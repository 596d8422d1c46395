/**
 * `npm run build` (also run by `prepare` and `prepack`): bundles the CLI into JavaScript with its
 * libraries (yaml, zod) inside, so the packed tool has no run-time dependencies and starts without
 * compiling TypeScript. Two files: build/cli/pipeline-guard.js, the launcher (package.json `bin`),
 * which answers --help and --version itself, and pipeline-guard-main.js beside it, the commands,
 * which it loads only for a command; so `--help` never parses the engine, zod or the YAML parser.
 */
import path from 'path';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');
export const CLI_OUTFILE = path.join(ROOT, 'build/cli/pipeline-guard.js');
const MAIN_FILE = 'pipeline-guard-main.js';

const COMMON = {
  bundle: true,
  minify: true,
  // Names stay readable in the stack trace of an internal error.
  keepNames: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** The launcher's `import('./main')` stays a require of the second file. */
const mainApart: Plugin = {
  name: 'main-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/main$/ }, () => ({ path: `./${MAIN_FILE}`, external: true }));
  },
};

/** Builds the launcher at `outfile` and the commands beside it; returns the launcher's path. */
export async function buildCli(outfile = CLI_OUTFILE): Promise<string> {
  await Promise.all([
    build({
      ...COMMON,
      entryPoints: [path.join(ROOT, 'src/cli/bin.ts')],
      outfile,
      banner: { js: '#!/usr/bin/env node' },
      plugins: [mainApart],
    }),
    build({
      ...COMMON,
      entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
      outfile: path.join(path.dirname(outfile), MAIN_FILE),
    }),
  ]);
  return outfile;
}

// Quiet on success: `npm pack --json` runs this (prepack) and its standard output must stay JSON.
if (require.main === module)
  buildCli().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
