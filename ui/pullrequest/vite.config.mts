/**
 * The pull-request panel and the pipeline file viewer: one small page of their own (no React, no Atlaskit), built
 * apart from the settings page so that page's bundle is untouched. `forge` (default) goes to
 * static/pullrequest/build, the manifest's `pullrequest-ui` resource; `http` (PR_BACKEND=http) to
 * build-preview-pr/ for the local console, with no bridge code.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const backend = process.env.PR_BACKEND === 'http' ? 'http' : 'forge';
const here = fileURLToPath(new URL('.', import.meta.url));

/** The forge directory is the manifest's resource path (test/manifest.test.ts keeps them equal). */
export const OUT_DIRS = { forge: '../../static/pullrequest/build', http: '../../build-preview-pr' } as const;

export default defineConfig({
  root: here,
  base: './',
  define: { __PR_BACKEND__: JSON.stringify(backend) },
  build: { outDir: OUT_DIRS[backend], emptyOutDir: true },
  logLevel: 'warn',
});
