import fc from 'fast-check';
import { EntityQueryError, createMemoryEntities } from '../../src/storage/memory-entities';
import type { EntityDefinition } from '../../src/storage/entity-store';

const THING: EntityDefinition = {
  name: 'thing',
  attributes: { at: { type: 'integer' }, colour: { type: 'string' }, tags: { type: 'any' } },
  indexes: [
    { name: 'by-time', range: ['at'] },
    { name: 'by-colour-time', partition: ['colour'], range: ['at'] },
  ],
};

async function pages(
  store: ReturnType<typeof createMemoryEntities>,
  query: Parameters<ReturnType<typeof createMemoryEntities>['query']>[1],
) {
  const keys: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query('thing', { ...query, cursor });
    keys.push(page.results.map((r) => r.key));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return keys;
}

describe('in-memory custom entities (Forge query semantics)', () => {
  it('orders by the range attribute, ties by key, both ways, in pages with cursors', async () => {
    const store = createMemoryEntities([THING]);
    await store.set('thing', 'b', { at: 2, colour: 'red' });
    await store.set('thing', 'a', { at: 2, colour: 'blue' });
    await store.set('thing', 'c', { at: 1, colour: 'red' });
    await store.set('thing', 'd', { at: 3, colour: 'red' });
    expect(await pages(store, { index: 'by-time', sort: 'DESC', limit: 2 })).toEqual([
      ['d', 'b'],
      ['a', 'c'],
    ]);
    expect(await pages(store, { index: 'by-time', sort: 'ASC', limit: 3 })).toEqual([['c', 'a', 'b'], ['d']]);
    expect(await pages(store, { index: 'by-colour-time', partition: ['red'], sort: 'DESC', limit: 100 })).toEqual([
      ['d', 'b', 'c'],
    ]);
    expect(await pages(store, { index: 'by-time', sort: 'DESC', limit: 10, range: { from: 2, to: 2 } })).toEqual([
      ['b', 'a'],
    ]);
  });

  it('keeps a record without a partition attribute out of that index (sparse)', async () => {
    const store = createMemoryEntities([THING]);
    await store.set('thing', 'x', { at: 1 });
    expect((await store.query('thing', { index: 'by-time', limit: 10 })).results).toHaveLength(1);
    expect(
      (await store.query('thing', { index: 'by-colour-time', partition: ['red'], limit: 10 })).results,
    ).toHaveLength(0);
  });

  it(
    'refuses what Forge refuses: ' +
      'undeclared entities, attributes, indexes, wrong types, bad page sizes, foreign cursors',
    async () => {
      const store = createMemoryEntities([THING]);
      await expect(store.set('other', 'k', { at: 1 })).rejects.toThrow(EntityQueryError);
      await expect(store.set('thing', 'k', { at: 1, size: 3 })).rejects.toThrow(/"size" is not declared/);
      await expect(store.set('thing', 'k', { at: 1.5 })).rejects.toThrow(/must be integer/);
      await expect(store.set('thing', '{braces}', { at: 1 })).rejects.toThrow(/characters/);
      await expect(store.query('thing', { index: 'by-size', limit: 1 })).rejects.toThrow(/no index/);
      await expect(store.query('thing', { index: 'by-colour-time', limit: 1 })).rejects.toThrow(/partition/);
      await expect(store.query('thing', { index: 'by-time', limit: 101 })).rejects.toThrow(/page size/);
      await expect(store.query('thing', { index: 'by-time', limit: 0 })).rejects.toThrow(/page size/);
      await expect(store.query('thing', { index: 'by-time', limit: 1, cursor: 'not-a-cursor' })).rejects.toThrow(
        /cursor/,
      );
    },
  );

  it('expires records after their TTL, for get and query alike', async () => {
    let clock = 1_000_000;
    const store = createMemoryEntities([THING], { now: () => clock });
    await store.set('thing', 'k', { at: 1 }, { ttlSeconds: 60 });
    clock += 59_999;
    expect(await store.get('thing', 'k')).toEqual({ at: 1 });
    clock += 1;
    expect(await store.get('thing', 'k')).toBeUndefined();
    expect((await store.query('thing', { index: 'by-time', limit: 10 })).results).toEqual([]);
    expect(store.snapshot()).toEqual({ thing: {} });
  });

  it('is eventually consistent for queries only, when asked to be', async () => {
    let clock = 1_000_000;
    const store = createMemoryEntities([THING], { now: () => clock, queryLagMs: 500 });
    await store.set('thing', 'k', { at: 1 });
    expect(await store.get('thing', 'k')).toEqual({ at: 1 });
    expect((await store.query('thing', { index: 'by-time', limit: 10 })).results).toEqual([]);
    clock += 501;
    expect((await store.query('thing', { index: 'by-time', limit: 10 })).results).toHaveLength(1);
  });

  it('survives a snapshot round trip (the console keeps it in a file)', async () => {
    const store = createMemoryEntities([THING]);
    await store.set('thing', 'k', { at: 5, colour: 'red', tags: ['a'] }, { ttlSeconds: 3600 });
    const again = createMemoryEntities([THING], { initial: JSON.parse(JSON.stringify(store.snapshot())) });
    expect((await again.query('thing', { index: 'by-colour-time', partition: ['red'], limit: 5 })).results).toEqual([
      { key: 'k', value: { at: 5, colour: 'red', tags: ['a'] } },
    ]);
  });
});

describe('property: paging an index', () => {
  it('returns every record in range exactly once, in (range, key) order, for any page size and direction', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({
            key: fc.stringMatching(/^[a-z0-9]{1,6}$/),
            at: fc.integer({ min: 0, max: 8 }),
            colour: fc.constantFrom('red', 'blue'),
          }),
          { selector: (r) => r.key, maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom<'ASC' | 'DESC'>('ASC', 'DESC'),
        fc.option(fc.record({ from: fc.integer({ min: 0, max: 8 }), to: fc.integer({ min: 0, max: 8 }) }), {
          nil: undefined,
        }),
        async (records, limit, sort, range) => {
          const store = createMemoryEntities([THING]);
          for (const r of records) await store.set('thing', r.key, { at: r.at, colour: r.colour });
          const listed = (
            await pages(store, { index: 'by-colour-time', partition: ['red'], sort, limit, range })
          ).flat();
          const expected = records
            .filter((r) => r.colour === 'red' && (!range || (r.at >= range.from && r.at <= range.to)))
            .sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1))
            .map((r) => r.key);
          expect(listed).toEqual(sort === 'DESC' ? expected.reverse() : expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
