import { cloneJson, jsonEqual, UnsafeInputError } from '../../src/engine/clone';

describe('the working copy', () => {
  it('breaks shared references so that rewriting one use of an alias leaves the other alone', () => {
    const shared = { name: 'build', script: ['x'] };
    const copy = cloneJson({ a: shared, b: shared });
    copy.a.script.push('y');
    expect(copy.b.script).toEqual(['x']);
    expect(shared.script).toEqual(['x']);
  });

  it('keeps __proto__ and constructor as ordinary keys without polluting prototypes', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    const copy = cloneJson(hostile) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it('refuses deep nesting, non-finite numbers and non-JSON values', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => cloneJson(deep)).toThrow(UnsafeInputError);
    expect(() => cloneJson({ a: Infinity })).toThrow('not finite');
    expect(() => cloneJson({ a: new Date() })).toThrow('not plain JSON');
  });

  it('compares JSON structurally', () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });
});
