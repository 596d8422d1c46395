import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import path from 'path';
import { validate } from '@forge/manifest';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { ENTITY_DEFINITIONS } from '../src/storage/entities';

const ROOT = path.resolve(__dirname, '..');
const MANIFEST = path.join(ROOT, 'manifest.yml');

interface Manifest {
  modules: Record<string, Array<Record<string, unknown>>> & {
    function: Array<{ key: string; handler: string; timeoutSeconds?: number }>;
  };
  resources?: Array<{ key: string; path: string }>;
  permissions: { scopes: string[]; content?: unknown };
}

const manifest = parse(readFileSync(MANIFEST, 'utf8')) as Manifest;

describe('manifest.yml', () => {
  // validate() checks that the resource directory holds index.html. CI builds the UI before jest
  // (.ci/run); a local run without a build gets one here rather than a confusing failure.
  beforeAll(() => {
    const builds = [
      { index: 'static/settings/build/index.html', config: 'ui/vite.config.mts' },
      { index: 'static/pullrequest/build/index.html', config: 'ui/pullrequest/vite.config.mts' },
    ];
    for (const { index, config } of builds) {
      if (existsSync(path.join(ROOT, index))) continue;
      const build = spawnSync(
        process.execPath,
        [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(ROOT, config)],
        { cwd: ROOT, env: { ...process.env, SETTINGS_BACKEND: 'forge', PR_BACKEND: 'forge' }, encoding: 'utf8' },
      );
      if (build.status !== 0) throw new Error(`vite build --config ${config} failed:\n${build.stderr}`);
    }
  }, 120_000);

  it('is valid for @forge/manifest in FULL mode', async () => {
    const result = await validate(false, MANIFEST);
    expect(result.errors ?? []).toEqual([]);
    expect(result.success).toBe(true);
  }, 60_000);

  it('declares the settings page with its resolver and resource', () => {
    const [page] = manifest.modules['bitbucket:workspaceSettingsMenuPage'];
    expect(page).toMatchObject({
      key: 'pipeline-guard-settings',
      resource: 'settings-ui',
      resolver: { function: 'resolver-fn' },
    });
    expect(manifest.modules.function).toContainEqual({ key: 'resolver-fn', handler: 'resolver.handler' });
  });

  it('sets no timeoutSeconds on the provider function (Forge rejects it there; validate() does not check)', () => {
    const [provider] = manifest.modules['bitbucket:dynamicPipelinesProvider'];
    const fn = manifest.modules.function.find((f) => f.key === provider.function);
    expect(fn).toBeDefined();
    expect(fn).not.toHaveProperty('timeoutSeconds');
  });

  it('points the resource at the Vite outDir, with a key Forge accepts', () => {
    const viteConfig = readFileSync(path.join(ROOT, 'ui/vite.config.mts'), 'utf8');
    const outDir = /forge: '([^']+)'/.exec(viteConfig)?.[1];
    expect(outDir).toBeDefined();
    const [resource] = manifest.resources ?? [];
    expect(resource.path).toBe(path.relative(ROOT, path.resolve(ROOT, 'ui', outDir!)));
    expect(resource.key.length).toBeLessThanOrEqual(23);
    const prConfig = readFileSync(path.join(ROOT, 'ui/pullrequest/vite.config.mts'), 'utf8');
    const prOutDir = /forge: '([^']+)'/.exec(prConfig)?.[1];
    const prResource = (manifest.resources ?? []).find((r) => r.key === 'pullrequest-ui');
    expect(prResource?.path).toBe(path.relative(ROOT, path.resolve(ROOT, 'ui/pullrequest', prOutDir!)));
  });

  it('wires the merge check and the pull-request pages to their own entry, apart from the settings resolver', () => {
    const functions = new Map(manifest.modules.function.map((f) => [f.key, f.handler]));
    const [check] = manifest.modules['bitbucket:mergeCheck'];
    expect(check).toMatchObject({ key: 'pipeline-guard-check', triggers: ['on-code-pushed', 'on-merge'] });
    expect(functions.get(check.function as string)).toBe('pullrequests.check');
    const [panel] = manifest.modules['bitbucket:repoPullRequestOverviewPanel'];
    const [viewer] = manifest.modules['bitbucket:repoCodeFileViewer'];
    for (const module of [panel, viewer]) {
      expect(module).toMatchObject({ resource: 'pullrequest-ui' });
      expect(functions.get((module.resolver as { function: string }).function)).toBe('pullrequests.views');
    }
    const pattern = new RegExp(viewer.filePattern as string);
    expect(['bitbucket-pipelines.yml', 'ci/bitbucket-pipelines.yaml'].every((file) => pattern.test(file))).toBe(true);
    expect(['README.md', 'my-bitbucket-pipelines.yml.bak'].some((file) => pattern.test(file))).toBe(false);
  });

  it('declares exactly the scopes the code uses', () => {
    // storage:app for @forge/kvs (lint only knows the legacy storage API); read:workspace:bitbucket
    // for the admin check in src/forge/admin-check.ts; read:repository:bitbucket for the repository
    // lookup in src/forge/repository-lookup.ts and, with read:project and read:runner, for the settings
    // page's listings in src/forge/bitbucket-get.ts; read:user:bitbucket for names (src/forge/bitbucket-users.ts);
    // read:pipeline:bitbucket for the deployment events of the bypass check (src/storage/deployments.ts).
    // read:pullrequest:bitbucket for the merge check (src/prcheck/evaluate.ts reads the pull request).
    expect([...manifest.permissions.scopes].sort()).toEqual([
      'read:pipeline:bitbucket',
      'read:project:bitbucket',
      'read:pullrequest:bitbucket',
      'read:repository:bitbucket',
      'read:runner:bitbucket',
      'read:user:bitbucket',
      'read:workspace:bitbucket',
      'storage:app',
    ]);
    // Every style ships in a CSS file: the page needs no 'unsafe-inline' styles under Forge's CSP.
    expect(manifest.permissions.content).toBeUndefined();
  });

  it('declares the custom entities exactly as src/storage/entities.ts states them', () => {
    const declared = (manifest as unknown as { app: { storage: { entities: unknown[] } } }).app.storage.entities;
    const expected = ENTITY_DEFINITIONS.map((definition) => ({
      name: definition.name,
      attributes: definition.attributes,
      indexes: definition.indexes.map((index) => ({
        name: index.name,
        ...(index.partition ? { partition: [...index.partition] } : {}),
        range: [...index.range],
      })),
    }));
    expect(declared).toEqual(expected);
  });

  it('wires the hourly rollup and the deployment event to their own function entries', () => {
    const functions = new Map(manifest.modules.function.map((f) => [f.key, f.handler]));
    const [rollup] = manifest.modules.scheduledTrigger;
    expect(rollup).toMatchObject({ interval: 'hour' });
    expect(functions.get(rollup.function as string)).toBe('triggers.rollup');
    const [deployments] = manifest.modules.trigger;
    expect(deployments.events).toEqual(['avi:bitbucket:completed:deployment']);
    expect(functions.get(deployments.function as string)).toBe('triggers.deployment');
    const policyPush = manifest.modules.trigger.find((t) => t.key === 'pipeline-guard-policy-push');
    expect(policyPush?.events).toEqual(['avi:bitbucket:push:repository']);
    expect(functions.get(policyPush?.function as string)).toBe('triggers.policyPush');
  });

  it('keeps the provider entry free of the settings code: no YAML parser or simulator on every run', async () => {
    // Forge bundles each handler file on its own; the resolver lives in src/resolver.ts for this reason.
    const inputsOf = async (entry: string) =>
      Object.keys(
        (
          await build({
            entryPoints: [path.join(ROOT, entry)],
            bundle: true,
            platform: 'node',
            write: false,
            metafile: true,
            logLevel: 'silent',
          })
        ).metafile.inputs,
      );
    const provider = await inputsOf('src/index.ts');
    expect(provider.filter((input) => /node_modules\/yaml\/|src\/simulate\/|src\/settings\//.test(input))).toEqual([]);
    // What this app adds to the provider's path (the decision writer and its Forge adapter) carries no zod.
    const writer = [
      ...(await inputsOf('src/storage/decision-store.ts')),
      ...(await inputsOf('src/forge/kvs-entity-store.ts')),
    ];
    expect(writer.filter((input) => input.includes('node_modules/zod/'))).toEqual([]);
    // The decision log's legacy reader and the listing are the resolver's; the provider only writes.
    expect(
      provider.filter((input) =>
        /src\/storage\/(decision-log|decision-query|rollup|bypass|deployments)\.ts/.test(input),
      ),
    ).toEqual([]);
    const resolver = await inputsOf('src/resolver.ts');
    expect(resolver.some((input) => input.includes('src/settings/handlers.ts'))).toBe(true);
    // The pull-request pages cannot reach a settings function: none is in their entry's bundle.
    const pullRequests = await inputsOf('src/pullrequests.ts');
    expect(pullRequests.filter((input) => input.includes('src/settings/'))).toEqual([]);
    expect(provider.filter((input) => /src\/(prcheck|pullrequest)\//.test(input))).toEqual([]);
  }, 30_000);
});
