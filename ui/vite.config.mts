/**
 * Two builds of the same page. `forge` (default) goes to static/settings/build, the manifest's
 * resource, and talks to the resolver through @forge/bridge. `http` (SETTINGS_BACKEND=http) goes
 * to build-preview/ for the local console and contains no bridge code at all.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const backend = process.env.SETTINGS_BACKEND === 'http' ? 'http' : 'forge';
const here = fileURLToPath(new URL('.', import.meta.url));

/** The forge directory is the manifest's resource path (test/manifest.test.ts keeps them equal). */
const OUT_DIRS = { forge: '../static/settings/build', http: '../build-preview' } as const;

/**
 * The chunks the first view waits for behind a dynamic import (the backend, then the Environments tab),
 * with their static imports, as <link rel="modulepreload"> in index.html: fetched and parsed while the
 * page shell loads instead of one after the other. Not evaluated early: they still run when imported.
 */
const FIRST_VIEW_DYNAMIC = [`src/backend/${backend}.ts`, 'src/tabs/EnvironmentsTab.tsx'];

function preloadFirstView(): Plugin {
  return {
    name: 'preload-first-view',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        if (!bundle) return [];
        const chunks = Object.values(bundle).flatMap((output) => (output.type === 'chunk' ? [output] : []));
        const files = new Set<string>();
        const visit = (fileName: string) => {
          const chunk = chunks.find((c) => c.fileName === fileName);
          if (!chunk || files.has(fileName) || chunk.isEntry) return;
          files.add(fileName);
          chunk.imports.forEach(visit);
        };
        for (const module of FIRST_VIEW_DYNAMIC) {
          const chunk = chunks.find((c) => c.facadeModuleId === fileURLToPath(new URL(module, import.meta.url)));
          if (!chunk) throw new Error(`${module} is no chunk of its own: the first view's preload would miss it`);
          visit(chunk.fileName);
        }
        return [...files].map((file) => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

export default defineConfig({
  plugins: [preloadFirstView()],
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
