const mockCalls: unknown[][] = [];

jest.mock('../../src/forge/kvs-client', () => {
  const actual = jest.requireActual('@forge/kvs');
  const entity = (name: string) => ({
    get: jest.fn(async (key: string) => (mockCalls.push(['get', name, key]), { at: 1 })),
    set: jest.fn(
      async (key: string, value: unknown, options?: unknown) => void mockCalls.push(['set', name, key, value, options]),
    ),
    query: () => ({
      index: (index: string, options?: unknown) => {
        const calls: unknown[] = ['query', name, index, options];
        const builder = {
          sort: (s: unknown) => (calls.push(['sort', s]), builder),
          limit: (n: number) => (calls.push(['limit', n]), builder),
          where: (w: unknown) => (calls.push(['where', w]), builder),
          cursor: (c: string) => (calls.push(['cursor', c]), builder),
          getMany: async () => (
            mockCalls.push(calls),
            { results: [{ key: 'k', value: { at: 1 } }], nextCursor: 'next' }
          ),
        };
        return builder;
      },
    }),
  });
  const fake = { entity };
  return { __esModule: true, kvs: fake, default: fake, WhereConditions: actual.WhereConditions, Sort: actual.Sort };
});

import { Sort, WhereConditions } from '@forge/kvs';
import { createKvsEntityStore } from '../../src/forge/kvs-entity-store';

beforeEach(() => {
  mockCalls.length = 0;
});

describe('Forge custom-entity adapter', () => {
  it('writes with a TTL in seconds and checks Forge’s key rules first', async () => {
    const store = createKvsEntityStore();
    await store.set('decision', '0001-abc', { at: 1 }, { ttlSeconds: 60 });
    expect(mockCalls).toEqual([['set', 'decision', '0001-abc', { at: 1 }, { ttl: { value: 60, unit: 'SECONDS' } }]]);
    await expect(store.set('decision', '{bad}', { at: 1 })).rejects.toThrow(/characters/);
  });

  it('queries an index with partition, range, order, page size and cursor', async () => {
    const store = createKvsEntityStore();
    const page = await store.query('decision', {
      index: 'by-outcome-time',
      partition: ['blocked'],
      range: { from: 10, to: 20 },
      sort: 'DESC',
      limit: 100,
      cursor: 'c1',
    });
    expect(page).toEqual({ results: [{ key: 'k', value: { at: 1 } }], nextCursor: 'next' });
    expect(mockCalls[0]).toEqual([
      'query',
      'decision',
      'by-outcome-time',
      { partition: ['blocked'] },
      ['sort', Sort.DESC],
      ['limit', 100],
      ['where', WhereConditions.between(10, 20)],
      ['cursor', 'c1'],
    ]);
    await store.query('decision', { index: 'by-time', range: { from: 5 }, limit: 1 });
    expect(mockCalls[1]).toEqual([
      'query',
      'decision',
      'by-time',
      undefined,
      ['sort', Sort.ASC],
      ['limit', 1],
      ['where', WhereConditions.greaterThanEqualTo(5)],
    ]);
  });
});
