/**
 * Builds function entries the way `forge deploy` does: webpack with @forge/bundler's common
 * configuration (`mode: production`, `minimize: false`, CommonJS output, Node target, TypeScript
 * through ts-loader with the project's tsconfig). ../shared/tools/forge-built-size runs Forge's own
 * bundler package for the cross-check; this copy of its settings needs no Forge CLI.
 *
 * Differences from Forge's build, none of which changes the bundle's code: ts-loader runs with
 * `transpileOnly` (Forge also type-checks; `npm test` does that here), no source map file is
 * written (Forge writes one beside the bundle; it is not loaded at run time), and there is no
 * babel-loader rule because no plain .js source of ours enters the graph (the build fails if one
 * does, since Forge would put it through Babel).
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, statSync } from 'fs';
import os from 'os';
import path from 'path';
import webpack from 'webpack';

const ROOT = path.resolve(__dirname, '..');

export interface ForgeBuiltEntry {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  /** Bytes of each package in the bundle's modules (before webpack's wrapper), `src` for our own code. */
  readonly packages: ReadonlyArray<readonly [string, number]>;
  /** Bytes of each module, biggest first. */
  readonly modules: ReadonlyArray<readonly [string, number]>;
}

export function packageOf(moduleName: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(moduleName);
  return match ? match[1] : moduleName.startsWith('./src/') ? 'src' : moduleName;
}

/**
 * Builds each entry (a name, and optionally its source; by default `src/<name>.ts`, as Forge finds
 * a manifest handler's file) into a fresh temporary folder and reports each bundle.
 */
export async function forgeBuild(
  entries: ReadonlyArray<string | { name: string; source: string }>,
  outputDir = mkdtempSync(path.join(os.tmpdir(), 'pg-forge-')),
): Promise<ForgeBuiltEntry[]> {
  const sources = entries.map((entry) =>
    typeof entry === 'string' ? { name: entry, source: path.join(ROOT, 'src', `${entry}.ts`) } : entry,
  );
  const names = sources.map((entry) => entry.name);
  const config: webpack.Configuration = {
    context: ROOT,
    entry: Object.fromEntries(sources.map(({ name, source }) => [name, source])),
    mode: 'production',
    optimization: { minimize: false },
    devtool: false,
    // forge-bundle-offline.js sets these two on top of the common configuration.
    target: 'node18',
    output: { libraryTarget: 'commonjs', globalObject: 'this', filename: '[name].cjs', path: outputDir },
    node: { __dirname: true },
    performance: false,
    resolve: { extensions: ['.ts', '.tsx', '.js', '.jsx', '.json'] },
    plugins: [
      new webpack.IgnorePlugin({ resourceRegExp: /^encoding$/, contextRegExp: /node-fetch/ }),
      new webpack.IgnorePlugin({ resourceRegExp: /^(bufferutil|utf-8-validate)$/, contextRegExp: /ws\/lib$/ }),
      new webpack.IgnorePlugin({ resourceRegExp: /^dtrace-provider$/, contextRegExp: /bunyan$/ }),
    ],
    module: {
      rules: [
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          use: [
            {
              loader: require.resolve('ts-loader'),
              options: {
                compilerOptions: { jsx: 'react', jsxFactory: 'ForgeUI.createElement', sourceMap: true },
                configFile: path.join(ROOT, 'tsconfig.json'),
                context: ROOT,
                onlyCompileBundledFiles: true,
                transpileOnly: true,
              },
            },
          ],
        },
      ],
    },
  };
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    webpack(config, (error, result) =>
      error
        ? reject(error)
        : result!.hasErrors()
          ? reject(new Error(result!.toString('errors-only')))
          : resolve(result!),
    ),
  );
  const json = stats.toJson({ modules: true, chunks: true, chunkModules: true });
  const localJs = (json.modules ?? [])
    .map((m) => m.name ?? '')
    .filter((name) => /^\.\/(?!node_modules\/).*\.jsx?$/.test(name));
  if (localJs.length > 0)
    throw new Error(
      'plain .js sources in the bundle (Forge would run them through Babel, this build does not): ' +
        localJs.join(', '),
    );
  return names.map((name) => {
    const file = path.join(outputDir, `${name}.cjs`);
    const sizes = new Map<string, number>();
    const modules: Array<[string, number]> = [];
    const chunk = (json.chunks ?? []).find((c) => (c.names ?? []).includes(name));
    const flatten = (modules: webpack.StatsModule[]): webpack.StatsModule[] =>
      modules.flatMap((m) => (m.modules ? flatten(m.modules) : [m]));
    for (const module of flatten(chunk?.modules ?? [])) {
      const key = packageOf(module.name ?? '');
      sizes.set(key, (sizes.get(key) ?? 0) + (module.size ?? 0));
      modules.push([module.name ?? '', module.size ?? 0]);
    }
    return {
      name,
      file,
      bytes: statSync(file).size,
      packages: [...sizes].sort((a, b) => b[1] - a[1]),
      modules: modules.sort((a, b) => b[1] - a[1]),
    };
  });
}

/** Median time for a fresh Node process to require the file, as forge-bundle-offline.js measures it. */
export function coldLoadMs(file: string, runs = 11): number {
  const script =
    `const t=process.hrtime.bigint();require(${JSON.stringify(file)});` +
    'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  const times = Array.from({ length: runs }, () =>
    Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })),
  );
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

if (require.main === module) {
  forgeBuild(process.argv.slice(2).length ? process.argv.slice(2) : ['index']).then((entries) => {
    for (const entry of entries) {
      console.log(`${entry.name}: ${entry.bytes} bytes, load ${coldLoadMs(entry.file).toFixed(1)} ms (${entry.file})`);
      for (const [pkg, size] of entry.packages.slice(0, 15))
        console.log(`  ${pkg.padEnd(40)} ${(size / 1024).toFixed(1)} KB`);
      if (process.env.BY_MODULE)
        for (const [m, size] of entry.modules.slice(0, 25))
          console.log(`    ${m.padEnd(60)} ${(size / 1024).toFixed(1)} KB`);
    }
  });
}
