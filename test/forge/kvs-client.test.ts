/**
 * src/forge/kvs-client.ts builds Forge KVS the way `@forge/kvs`'s root module does, without loading
 * that module (it brings tslib into the provider's bundle). Both run here against the same stand-in
 * of Forge's runtime, for each way the runtime may be set up, and must send exactly the same requests.
 */
import { KVS_RUNTIMES } from '../support/forge-runtimes';

type Call = [Record<string, unknown>, string, Record<string, unknown> | undefined];

async function exercise(load: () => { kvs: any; WhereConditions: any; Sort: any }): Promise<Call[]> {
  const calls: Call[] = [];
  const forge = global as unknown as Record<string, unknown>;
  forge.__forge_fetch__ = async (target: Record<string, unknown>, path: string, init?: Record<string, unknown>) => {
    calls.push([target, path, init]);
    const body = path.includes('query')
      ? { data: [], cursor: undefined }
      : path.includes('get')
        ? { key: 'k', value: { a: 1 } }
        : {};
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const { kvs, WhereConditions, Sort } = load();
  await kvs.get('policy:current');
  await kvs.set('repo:x', { slug: 'x' }, { ttl: { value: 60, unit: 'SECONDS' } });
  await kvs.entity('decision').set('0001-ab', { at: 1 }, { ttl: { value: 90, unit: 'DAYS' } });
  await kvs.query().where('key', WhereConditions.beginsWith('decision:')).limit(5).getMany();
  await kvs
    .entity('decision')
    .query()
    .index('by-time')
    .sort(Sort.DESC)
    .where(WhereConditions.between(1, 2))
    .limit(3)
    .getMany();
  await kvs.delete('repo:x');
  return calls;
}

describe('the KVS client without the package root', () => {
  afterEach(() => {
    delete (global as Record<string, unknown>).__forge_fetch__;
    delete (global as Record<string, unknown>).__forge_runtime__;
  });

  it.each(KVS_RUNTIMES)('%s: sends what @forge/kvs sends', async (_name, runtime) => {
    const load = (module: string) => () => {
      (global as Record<string, unknown>).__forge_runtime__ = runtime;
      let loaded: any;
      jest.isolateModules(() => (loaded = require(module)));
      return loaded;
    };
    const ours = await exercise(load('../../src/forge/kvs-client'));
    const theirs = await exercise(load('@forge/kvs'));
    expect(ours).toHaveLength(6);
    expect(ours).toEqual(theirs);
  });
});
