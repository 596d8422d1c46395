/**
 * Bad input through the provider function (store fake, no Forge): every case ends in a clear
 * answer — an error that names the problem, or a fully checked run — never a rejection, a hang or
 * a silent pass.
 */
import { POLICY_KEY } from '../../src/storage/keys';
import { createProvider, DEFAULT_READ_TIMEOUT_MS, type PolicyStore } from '../../src/provider/handler';
import type { DecisionRecord, DecisionSink } from '../../src/storage/decision-record';
import type { JsonObject } from '../../src/engine/types';
import {
  configFor,
  DEV_LABELS,
  invariantProblems,
  prodLeaks,
  referencePolicy,
  request,
  step,
  T,
} from '../adversarial/harness';
import { BAD_REQUESTS as CASES, BROKEN_RECORDS as BROKEN, F, STORED, valid } from './corpus';

function fixture(read: PolicyStore['read'] = async () => structuredClone(STORED)) {
  const reads: number[] = [];
  const records: DecisionRecord[] = [];
  const store: PolicyStore = { read: () => (reads.push(1), read()) };
  const decisions: DecisionSink = { append: async (record) => void records.push(record) };
  return { provider: createProvider({ store, decisions, log: () => {} }), reads, records };
}

const errorOf = (response: unknown) => {
  expect(response).toEqual({
    error: { key: expect.stringMatching(/^pipeline-guard\.[a-z-]+$/), message: expect.any(String) },
  });
  return (response as { error: { key: string; message: string } }).error;
};

describe('malformed requests', () => {
  it.each(CASES)('a request with %s is refused as invalid-request, naming the field', async (_what, make, field) => {
    const { provider, records } = fixture();
    const error = errorOf(await provider(make()));
    expect(error.key).toBe('pipeline-guard.invalid-request');
    expect(error.message).toContain(`${field}:`);
    expect(records).toHaveLength(0); // an unparseable request has no repository to log against
  });

  it.each(
    CASES.filter(
      ([what]) =>
        !['null', 'a string', 'a list', 'no trigger', 'an unknown trigger', 'a trigger in upper case'].includes(what),
    ),
  )('the same fault (%s) on trigger definitions is never an error', async (_what, make) => {
    const r = make() as JsonObject;
    r.trigger = 'definitions';
    const response = await fixture().provider(r);
    expect(response).not.toHaveProperty('error');
    expect(response).toHaveProperty('pipelines_configuration');
  });

  it('extra fields are tolerated and never copied into the response', async () => {
    const { provider } = fixture();
    const r = valid();
    r.unexpected = { nested: ['x'] };
    (r.target as JsonObject).surprise = true;
    const response = (await provider(r)) as { pipelines_configuration: JsonObject };
    expect(Object.keys(response)).toEqual(['pipelines_configuration']);
    const text = JSON.stringify(response);
    for (const leaked of ['unexpected', 'surprise', 'contextToken', 'forge-injected-token'])
      expect(text).not.toContain(leaked);
    expect(response.pipelines_configuration.pipelines).toBeDefined();
  });
});

describe('__proto__ and constructor keys', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.prototype).not.toHaveProperty('runs-on');
  });

  const parse = (text: string) => JSON.parse(text) as JsonObject;
  const base = JSON.stringify(valid());

  it('a __proto__ key on the request pollutes nothing and the run is still checked', async () => {
    const r = parse(base.replace('{', '{"__proto__":{"polluted":1,"trigger":"definitions"},'));
    const response = (await fixture().provider(r)) as { pipelines_configuration: JsonObject };
    expect(invariantProblems(r, referencePolicy(), response.pipelines_configuration)).toEqual([]);
  });

  it('a __proto__ key inside a step cannot lend it PROD runners', async () => {
    const r = parse(
      JSON.stringify(
        request(F, {
          pipelines: { branches: { 'feature/*': [{ step: { name: 'Build', script: ['make'], __PROTO__: 1 } }] } },
        }),
      ).replace('"__PROTO__":1', '"__proto__":{"runs-on":["prod"],"polluted":1}'),
    );
    const response = (await fixture().provider(r)) as { pipelines_configuration: JsonObject };
    const s = (response.pipelines_configuration.pipelines as any).branches['feature/*'][1].step;
    expect(Object.getPrototypeOf(s)).toBe(Object.prototype);
    expect(s['runs-on']).toEqual(DEV_LABELS);
    expect(prodLeaks(response.pipelines_configuration)).toEqual([]);
  });

  it('a PROD step under a definition keyed __proto__ is still seen and blocked', async () => {
    const target = T.branch('feature/x', '__proto__');
    const r = parse(
      JSON.stringify(request(target, { pipelines: { branches: { PROTO_KEY: [step('PROD deploy')] } } })).replace(
        '"PROTO_KEY"',
        '"__proto__"',
      ),
    );
    expect(errorOf(await fixture().provider(r)).key).toBe('pipeline-guard.branch-gate');
  });

  it('constructor and prototype keys in the configuration pollute nothing', async () => {
    const r = parse(
      base.replace(
        '"pipelines_configuration":{',
        '"pipelines_configuration":{"constructor":{"prototype":{"polluted":1}},"prototype":{"polluted":1},',
      ),
    );
    const response = (await fixture().provider(r)) as { pipelines_configuration: JsonObject };
    const plain = (await fixture().provider(valid())) as { pipelines_configuration: JsonObject };
    // The prototypes are untouched: no key arrived on them, and `constructor` still leads to Object.
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as { constructor: unknown }).constructor).toBe(Object);
    expect(Object.getPrototypeOf(response.pipelines_configuration)).toBe(Object.prototype);
    // The keys stay ordinary own data, passed back as they came, and the run is checked as without them.
    expect(Object.keys(response.pipelines_configuration)).toEqual(['constructor', 'prototype', 'pipelines', 'labels']);
    expect(response.pipelines_configuration.constructor).toEqual({ prototype: { polluted: 1 } });
    expect(response.pipelines_configuration.prototype).toEqual({ polluted: 1 });
    expect(response.pipelines_configuration.pipelines).toEqual(plain.pipelines_configuration.pipelines);
    expect(invariantProblems(r, referencePolicy(), response.pipelines_configuration)).toEqual([]);
  });

  it('a stored policy carrying __proto__ keys is refused as invalid, not merged', async () => {
    const stored = JSON.parse(JSON.stringify(STORED).replace('"version":1', '"__proto__":{"polluted":1},"version":1'));
    const { provider } = fixture(async () => stored);
    const error = errorOf(await provider(valid()));
    expect(error.key).toBe('pipeline-guard.policy-unavailable');
  });
});

describe('size and depth', () => {
  const nested = (depth: number) => {
    let value: JsonObject = { leaf: 'PROD deploy' };
    for (let i = 0; i < depth; i++) value = { inner: value };
    return value;
  };

  it.each([65, 10_000, 100_000])(
    'configuration nested %i levels deep is refused as invalid-pipeline',
    async (depth) => {
      const error = errorOf(
        await fixture().provider(request(F, configFor(F, [step('Build')], { 'x-deep': nested(depth) }))),
      );
      expect(error.key).toBe('pipeline-guard.invalid-pipeline');
      expect(error.message).toContain('nested deeper than 64 levels');
    },
  );

  it('a 5 MB configuration of ordinary steps is checked, and its scripts are too large to check in time', async () => {
    const items = Array.from({ length: 90 }, (_, i) =>
      step(`Build ${i}`, { script: Array.from({ length: 4 }, () => `echo ${'a'.repeat(14_000)}`) }),
    );
    const r = request(F, configFor(F, items));
    expect(JSON.stringify(r).length).toBeGreaterThan(5_000_000);
    const error = errorOf(await fixture().provider(r));
    expect(error.key).toBe('pipeline-guard.deny-script');
    expect(error.message).toContain('more than Pipeline Guard can check against the denied patterns in time');
  });

  it('a 1 MB command built to make the denied-script pattern backtrack is refused without scanning it', async () => {
    const r = request(F, configFor(F, [step('Build', { script: [`${'curl '.repeat(200_000)}`] })]));
    const error = errorOf(await fixture().provider(r));
    expect(error.key).toBe('pipeline-guard.deny-script');
    expect(error.message).toContain('is 1000000 characters long');
  });

  it('5 MB of data under a key Bitbucket never executes does not hide a PROD label after it', async () => {
    const r = request(
      F,
      configFor(F, [step('Build'), step('Test', { 'runs-on': ['prod'] })], { 'x-blob': 'x'.repeat(5 * 1024 * 1024) }),
    );
    expect(errorOf(await fixture().provider(r)).key).toBe('pipeline-guard.runner-labels');
  });

  it('5 MB of data under a key Bitbucket never executes passes through with every step checked', async () => {
    const r = request(F, configFor(F, [step('Build', { oidc: true })], { 'x-blob': 'x'.repeat(5 * 1024 * 1024) }));
    const response = (await fixture().provider(r)) as { pipelines_configuration: JsonObject };
    expect(invariantProblems(r, referencePolicy(), response.pipelines_configuration)).toEqual([]);
    expect(prodLeaks(response.pipelines_configuration)).toEqual([]);
  });

  it('10,000 steps are refused as invalid-pipeline (Bitbucket allows 100)', async () => {
    const r = request(
      F,
      configFor(
        F,
        Array.from({ length: 10_000 }, (_, i) => step(`Build ${i}`)),
      ),
    );
    const error = errorOf(await fixture().provider(r));
    expect(error.key).toBe('pipeline-guard.invalid-pipeline');
    expect(error.message).toContain('10001 steps');
    expect(error.message.length).toBeLessThanOrEqual(3_200);
  });

  it('10,000 PROD steps on feature/x give one short message, not 10,000 lines', async () => {
    const r = request(
      F,
      configFor(
        F,
        Array.from({ length: 10_000 }, (_, i) => step(`PROD deploy ${i}`)),
      ),
    );
    const error = errorOf(await fixture().provider(r));
    expect(error.message.length).toBeLessThanOrEqual(3_200);
    expect(error.message).toMatch(/…and \d+ more/);
  });
});

describe('broken policies and storage faults', () => {
  it.each(BROKEN)(
    'a stored record that is %s blocks the run, saying the policy is unusable',
    async (_what, stored, detail) => {
      const { provider, reads, records } = fixture(async () => stored);
      const error = errorOf(await provider(valid()));
      expect(error.key).toBe('pipeline-guard.policy-unavailable');
      expect(error.message).toContain(detail);
      expect(reads).toHaveLength(1);
      expect(records).toEqual([expect.objectContaining({ outcome: 'blocked', rules: ['policy-unavailable'] })]);
    },
  );

  it('a broken stored policy never turns trigger definitions into an error', async () => {
    const { provider } = fixture(async () => 'garbage');
    const r = request(T.definitions(), { pipelines: { default: [step('Build')] } });
    expect(await provider(r)).toEqual({ pipelines_configuration: r.pipelines_configuration });
  });

  it.each([
    ['rejects', () => Promise.reject(new Error('KVS unavailable')), 'KVS unavailable'],
    [
      'throws before returning a promise',
      () => {
        throw new Error('socket closed');
      },
      'socket closed',
    ],
    ['rejects with a non-error value', () => Promise.reject(undefined), 'storage read failed'],
  ] as Array<[string, PolicyStore['read'], string]>)(
    'a storage read that %s blocks the run and says so',
    async (_what, read, detail) => {
      const { provider } = fixture(read);
      const error = errorOf(await provider(valid()));
      expect(error.key).toBe('pipeline-guard.policy-unavailable');
      expect(error.message).toContain(detail);
    },
  );

  it("the read timeout sits well inside Forge's 25 s limit", () => {
    expect(DEFAULT_READ_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('a storage read that hangs times out at the default deadline and fails closed', async () => {
      const { provider } = fixture(() => new Promise(() => {}));
      let settled: unknown;
      const pending = provider(valid()).then((response) => (settled = response));
      await jest.advanceTimersByTimeAsync(DEFAULT_READ_TIMEOUT_MS - 1);
      expect(settled).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      await pending;
      const error = errorOf(settled);
      expect(error.key).toBe('pipeline-guard.policy-unavailable');
      expect(error.message).toContain('did not answer within');
    });

    it(
      'a decision log that hangs does not hold the run: ' + 'the outcome is returned once the log deadline passes',
      async () => {
        const store: PolicyStore = { read: async () => structuredClone(STORED) };
        const provider = createProvider({
          store,
          decisions: { append: () => new Promise(() => {}) },
          decisionTimeoutMs: 500,
          log: () => {},
        });
        let settled: unknown;
        const pending = provider(valid()).then((response) => (settled = response));
        await jest.advanceTimersByTimeAsync(500);
        await pending;
        expect(settled).toHaveProperty('pipelines_configuration');
      },
    );
  });

  it('one storage read and one decision write per run, none written for trigger definitions', async () => {
    const { provider, reads, records } = fixture();
    await provider(valid());
    expect(reads).toHaveLength(1);
    expect(records).toHaveLength(1);
    await provider(request(T.definitions(), { pipelines: { default: [step('Build')] } }));
    expect(reads).toHaveLength(2);
    expect(records).toHaveLength(1);
  });

  it(
    'no policy ever saved passes the run through, recorded as its own state (with the ref), ' +
      'never as a storage fault',
    async () => {
      const { provider, records } = fixture(async () => undefined);
      const r = valid();
      expect(await provider(r)).toEqual({ pipelines_configuration: r.pipelines_configuration });
      expect(records).toEqual([
        expect.objectContaining({ outcome: 'passthrough', ref: 'branch:feature/x', rules: [] }),
      ]);
      expect(records[0]).not.toHaveProperty('policyRevision');
      expect(records[0]).not.toHaveProperty('message');
    },
  );

  it('reads the policy from the key the settings page writes', () => {
    expect(POLICY_KEY).toBe('policy:current');
  });
});
