/**
 * src/forge/kvs-calls.ts makes the provider's four KVS calls without `@forge/kvs`. Each call runs here, beside the
 * package's own `kvs` making the same call, against the same stand-in of Forge's runtime (both ways the runtime may
 * be set up) and the same answers: a value, an empty or malformed body, a missing key, a KVS error, a proxy error
 * page. The requests sent, the results and the errors thrown (class name, message, every field) must be the same.
 */
import type { KvsTtl } from '../../src/forge/kvs-calls';
import { KVS_RUNTIMES } from '../support/forge-runtimes';

type Call = [Record<string, unknown>, string, Record<string, unknown> | undefined];
type Answer = { status: number; body: string; headers?: Record<string, string> };

const ANSWERS: Array<[string, Answer]> = [
  ['a stored value', { status: 200, body: JSON.stringify({ key: 'k', value: { a: 1 } }) }],
  ['an empty body', { status: 200, body: '' }],
  ['a JSON null', { status: 200, body: 'null' }],
  ['a body that is not JSON', { status: 200, body: '<html>', headers: { 'content-length': '6' } }],
  [
    'a missing key',
    {
      status: 404,
      body: JSON.stringify({ code: 'KEY_NOT_FOUND', message: 'not found' }),
      headers: { 'x-trace-id': 'x' },
    },
  ],
  [
    'a KVS error with extra fields',
    {
      status: 409,
      body: JSON.stringify({ code: 'KEY_ALREADY_EXISTS', message: 'exists', context: { a: 1 }, extra: 2 }),
      headers: { 'x-b3-traceid': 'b3' },
    },
  ],
  ['a proxy error page', { status: 502, body: 'Bad gateway' }],
];

const TTL: KvsTtl = { ttl: { value: 60, unit: 'SECONDS' } };

/** Each call as the provider makes it, through the package (`theirs`) and through kvs-calls.ts (`ours`). */
const CALLS: Array<[string, (kvs: any) => Promise<unknown>, (calls: any) => Promise<unknown>]> = [
  ['get', (kvs) => kvs.get('policy:current'), (calls) => calls.kvsGet('policy:current')],
  ['set', (kvs) => kvs.set('repo:x', { slug: 'x' }, TTL), (calls) => calls.kvsSet('repo:x', { slug: 'x' }, TTL)],
  ['set without options', (kvs) => kvs.set('repo:x', 1), (calls) => calls.kvsSet('repo:x', 1)],
  [
    'entity set',
    (kvs) => kvs.entity('decision').set('0001-ab', { at: 1 }, TTL),
    (calls) => calls.kvsEntitySet('decision', '0001-ab', { at: 1 }, TTL),
  ],
  [
    'transaction of two sets',
    (kvs) =>
      kvs.transact().set('sample:run:a', { v: 1 }, undefined, TTL).set('sample:config:b', 2, undefined, TTL).execute(),
    (calls) =>
      calls.kvsTransactSets([
        { key: 'sample:run:a', value: { v: 1 }, options: TTL },
        { key: 'sample:config:b', value: 2, options: TTL },
      ]),
  ],
  [
    'transaction of one set',
    (kvs) => kvs.transact().set('sample:run:a', { v: 1 }, undefined, TTL).execute(),
    (calls) => calls.kvsTransactSets([{ key: 'sample:run:a', value: { v: 1 }, options: TTL }]),
  ],
];

/** What a settled call leaves: its result, or its error with every own field. */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    return { result: await call };
  } catch (error) {
    const fields = Object.fromEntries(
      Object.getOwnPropertyNames(error)
        .filter((name) => name !== 'stack')
        .map((name) => [name, (error as any)[name]]),
    );
    return { error: { class: (error as Error).constructor.name, ...fields } };
  }
}

async function run(module: string, runtime: Record<string, unknown> | undefined, answer: Answer, call: Function) {
  const calls: Call[] = [];
  const forge = global as unknown as Record<string, unknown>;
  forge.__forge_fetch__ = async (target: Record<string, unknown>, path: string, init?: Record<string, unknown>) => {
    calls.push([target, path, init]);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
  forge.__forge_runtime__ = runtime;
  let loaded: any;
  jest.isolateModules(() => (loaded = require(module)));
  return { outcome: await outcome(call(module === '@forge/kvs' ? loaded.kvs : loaded)), calls };
}

describe("the provider's KVS calls without the package", () => {
  afterEach(() => {
    delete (global as Record<string, unknown>).__forge_fetch__;
    delete (global as Record<string, unknown>).__forge_runtime__;
  });

  describe.each(KVS_RUNTIMES)('%s', (_runtime, runtime) => {
    describe.each(ANSWERS)('answered with %s', (_answer, answer) => {
      it.each(CALLS)('%s: sends, returns and throws what @forge/kvs does', async (_call, theirs, ours) => {
        const expected = await run('@forge/kvs', runtime, answer, theirs);
        const actual = await run('../../src/forge/kvs-calls', runtime, answer, ours);
        expect(actual.calls).toHaveLength(1);
        expect(actual).toEqual(expected);
      });
    });
  });

  it('reads a missing key as undefined and throws every other KVS error', async () => {
    const missing = ANSWERS.find(([name]) => name === 'a missing key')![1];
    const conflict = ANSWERS.find(([name]) => name === 'a KVS error with extra fields')![1];
    const get = (calls: any) => calls.kvsGet('k');
    expect((await run('../../src/forge/kvs-calls', undefined, missing, get)).outcome).toEqual({ result: undefined });
    expect((await run('../../src/forge/kvs-calls', undefined, conflict, get)).outcome).toMatchObject({
      error: { class: 'ForgeKvsAPIError', name: 'ForgeKvsError', code: 'KEY_ALREADY_EXISTS', message: 'exists' },
    });
  });
});
