/**
 * Two builds of the same page. `forge` (default) goes to static/settings/build, the manifest's
 * resource, and talks to the resolver through @forge/bridge. `http` (SETTINGS_BACKEND=http) goes
 * to build-preview/ for the local console and contains no bridge code at all.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const backend = process.env.SETTINGS_BACKEND === 'http' ? 'http' : 'forge';
const here = fileURLToPath(new URL('.', import.meta.url));

/** The forge directory is the manifest's resource path (test/manifest.test.ts keeps them equal). */
const OUT_DIRS = { forge: '../static/settings/build', http: '../build-preview' } as const;

export default defineConfig({
  root: here,
  // Forge serves the resource under an app-specific path: absolute /assets URLs give a blank page.
  base: './',
  define: { __SETTINGS_BACKEND__: JSON.stringify(backend) },
  resolve: {
    // Statsig's client is never asked (setup.ts answers every flag) and would weigh ~110 KB in the first view.
    alias: [
      {
        find: /^@atlaskit\/feature-gate-js-client\/feature-gates$/,
        replacement: fileURLToPath(new URL('./src/stubs/feature-gates.ts', import.meta.url)),
      },
    ],
  },
  build: {
    outDir: OUT_DIRS[backend],
    emptyOutDir: true,
    chunkSizeWarningLimit: 2_000,
    // .vite/manifest.json: which chunks the first view needs (e2e/first-view.ts weighs them).
    manifest: true,
  },
  logLevel: 'warn',
});
