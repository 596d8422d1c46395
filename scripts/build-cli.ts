/**
 * `npm run build` (also run by `prepare` and `prepack`): bundles the CLI into one JavaScript file,
 * build/cli/pipeline-guard.js, with its libraries (yaml, zod) inside, so the packed tool has no
 * run-time dependencies and starts without compiling TypeScript.
 */
import path from 'path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');
export const CLI_OUTFILE = path.join(ROOT, 'build/cli/pipeline-guard.js');

export async function buildCli(outfile = CLI_OUTFILE): Promise<string> {
  await build({
    entryPoints: [path.join(ROOT, 'src/cli/bin.ts')],
    outfile,
    bundle: true,
    minify: true,
    // Names stay readable in the stack trace of an internal error.
    keepNames: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  return outfile;
}

// Quiet on success: `npm pack --json` runs this (prepack) and its standard output must stay JSON.
if (require.main === module)
  buildCli().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
