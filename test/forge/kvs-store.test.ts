const mockStore = new Map<string, unknown>();
const mockCalls: Array<[string, ...unknown[]]> = [];

jest.mock('../../src/forge/kvs-client', () => {
  const KEY = /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/;
  const check = (k: string) => {
    if (!KEY.test(k) || k.length > 500) throw new Error(`invalid KVS key ${k}`);
  };
  const fake = {
    get: jest.fn(async (k: string) => {
      check(k);
      return mockStore.get(k);
    }),
    set: jest.fn(async (k: string, v: unknown, options?: { keyPolicy?: string }) => {
      check(k);
      mockCalls.push(['set', k, options]);
      if (options?.keyPolicy === 'FAIL_IF_EXISTS' && mockStore.has(k))
        throw Object.assign(new Error('exists'), { code: 'KEY_ALREADY_EXISTS' });
      mockStore.set(k, JSON.parse(JSON.stringify(v)));
    }),
    delete: jest.fn(async (k: string) => {
      mockStore.delete(k);
    }),
    query: jest.fn(() => {
      const state: { prefix?: string; limit?: number; cursor?: string } = {};
      const builder = {
        where: (_: string, clause: { values: [string] }) => ((state.prefix = clause.values[0]), builder),
        limit: (n: number) => ((state.limit = n), builder),
        cursor: (c: string) => ((state.cursor = c), builder),
        getMany: async () => {
          const keys = [...mockStore.keys()]
            .filter((k) => k.startsWith(state.prefix!) && (!state.cursor || k > state.cursor))
            .sort();
          const page = keys.slice(0, state.limit);
          return {
            results: page.map((key) => ({ key, value: mockStore.get(key) })),
            nextCursor: keys.length > page.length ? page[page.length - 1] : undefined,
          };
        },
      };
      return builder;
    }),
  };
  const { WhereConditions } = jest.requireActual('@forge/kvs');
  return { __esModule: true, kvs: fake, default: fake, WhereConditions };
});

import { createKvsStore } from '../../src/forge/kvs-store';

beforeEach(() => {
  mockStore.clear();
  mockCalls.length = 0;
});

describe('Forge KVS adapter', () => {
  it('turns a TTL in seconds into a KVS ttl option', async () => {
    await createKvsStore().set('decision:1:a', { a: 1 }, { ttlSeconds: 2_592_000 });
    expect(mockCalls).toEqual([['set', 'decision:1:a', { ttl: { value: 2_592_000, unit: 'SECONDS' } }]]);
  });

  it('implements set-if-absent with FAIL_IF_EXISTS and reports the losing writer as false', async () => {
    const store = createKvsStore();
    expect(await store.setIfAbsent('policy:revision:00000001', 'a')).toBe(true);
    expect(await store.setIfAbsent('policy:revision:00000001', 'b')).toBe(false);
    expect(mockStore.get('policy:revision:00000001')).toBe('a');
  });

  it('checks key and size rules before calling KVS', async () => {
    const store = createKvsStore();
    await expect(store.set('config:{uuid}', 1)).rejects.toThrow(/does not allow/);
    await expect(store.set('big', 'x'.repeat(240 * 1024))).rejects.toThrow(/240 KiB/);
    expect(mockCalls).toEqual([]);
  });

  it('pages a prefix query with the KVS cursor', async () => {
    for (const key of ['p:1', 'p:2', 'p:3', 'q:1']) mockStore.set(key, key);
    const store = createKvsStore();
    const first = await store.list('p:', { limit: 2 });
    expect(first.entries.map((e) => e.key)).toEqual(['p:1', 'p:2']);
    const second = await store.list('p:', { limit: 2, cursor: first.cursor });
    expect(second).toEqual({ entries: [{ key: 'p:3', value: 'p:3' }], cursor: undefined });
  });
});
