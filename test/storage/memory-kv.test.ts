import { createMemoryKv } from '../../src/storage/memory-kv';
import { MAX_VALUE_BYTES } from '../../src/storage/kv';

describe('in-memory KVS fake enforces the Forge KVS rules', () => {
  it('refuses keys outside the Forge key pattern or over 500 characters', async () => {
    const kv = createMemoryKv();
    await expect(kv.set('config:{308ce669}', 1)).rejects.toThrow(/characters Forge KVS does not allow/);
    await expect(kv.set('   ', 1)).rejects.toThrow(/does not allow/);
    await expect(kv.get('a/b')).rejects.toThrow(/does not allow/);
    await expect(kv.set('k'.repeat(501), 1)).rejects.toThrow(/501 characters; the limit is 500/);
    await kv.set(`decision:${'9'.repeat(13)}:abc-#_.x y`, 1);
    await kv.set('k'.repeat(500), 2);
    expect(kv.keys()).toHaveLength(2);
  });

  it('refuses values over 240 KiB and nested deeper than 31 levels', async () => {
    const kv = createMemoryKv();
    await expect(kv.set('big', 'x'.repeat(MAX_VALUE_BYTES))).rejects.toThrow(/the limit is 240 KiB/);
    await kv.set('fits', 'x'.repeat(MAX_VALUE_BYTES - 2));
    const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });
    await kv.set('depth31', nest(31));
    await expect(kv.set('depth32', nest(32))).rejects.toThrow(/nested 32 levels deep; the limit is 31/);
    expect(await kv.get('depth32')).toBeUndefined();
  });

  it('expires a key after its TTL and stores copies, not references', async () => {
    let clock = 1_000;
    const kv = createMemoryKv({ now: () => clock });
    const value = { n: 1 };
    await kv.set('t', value, { ttlSeconds: 60 });
    value.n = 2;
    expect(await kv.get('t')).toEqual({ n: 1 });
    clock += 59_999;
    expect(await kv.get('t')).toEqual({ n: 1 });
    clock += 1;
    expect(await kv.get('t')).toBeUndefined();
    expect((await kv.list('t', { limit: 10 })).entries).toEqual([]);
  });

  it('setIfAbsent writes once and reports the loser', async () => {
    const kv = createMemoryKv();
    expect(await kv.setIfAbsent('lock:1', 'a')).toBe(true);
    expect(await kv.setIfAbsent('lock:1', 'b')).toBe(false);
    expect(await kv.get('lock:1')).toBe('a');
  });

  it('lists by prefix in key order, a page at a time, at most 100 per page', async () => {
    const kv = createMemoryKv();
    for (const key of ['p:3', 'p:1', 'q:1', 'p:2']) await kv.set(key, key);
    const first = await kv.list('p:', { limit: 2 });
    expect(first.entries.map((e) => e.key)).toEqual(['p:1', 'p:2']);
    const second = await kv.list('p:', { limit: 2, cursor: first.cursor });
    expect(second.entries.map((e) => e.key)).toEqual(['p:3']);
    expect(second.cursor).toBeUndefined();
    await expect(kv.list('p:', { limit: 101 })).rejects.toThrow(/outside 1..100/);
  });

  it('reports every change with a snapshot that restores the store', async () => {
    let saved = {};
    const kv = createMemoryKv({ onChange: (snapshot) => (saved = snapshot) });
    await kv.set('a', { x: [1] });
    const restored = createMemoryKv({ initial: saved });
    expect(await restored.get('a')).toEqual({ x: [1] });
  });
});
