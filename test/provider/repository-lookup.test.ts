import fc from 'fast-check';
import { repositoryFromAnswer } from '../../src/policy/repository';
import { parseRepositoryAnswer } from '../../src/policy/repository-schema';
import { createProvider } from '../../src/provider/handler';
import {
  createCachedRepositoryLookup,
  REPOSITORY_CACHE_SECONDS,
  RepositoryFetchError,
  RepositoryLookupError,
  retryAfterMs,
  type RepositoryLookup,
} from '../../src/provider/repository-lookup';
import type { RepositoryIdentity } from '../../src/policy/repository';
import type { DecisionRecord } from '../../src/storage/decision-record';
import { createMemoryKv } from '../../src/storage/memory-kv';
import {
  branchRun,
  policyInputFrom,
  readFixture,
  referencePolicyInput,
  repositoryIdentity,
  step,
} from '../support/requests';

const WORKSPACE = '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}';
const REPO = '{2fc883c6-3dee-4e73-a354-ccee4bd77938}';
const answer = (extra: Record<string, unknown> = {}) => ({
  type: 'repository',
  uuid: REPO,
  full_name: 'acme/payments-api',
  slug: 'payments-api',
  name: 'Payments API',
  project: { type: 'project', key: 'PAY', name: 'Payments', uuid: '{aa}' },
  workspace: { slug: 'acme' },
  is_private: true,
  ...extra,
});

describe('the repository answer guard (no zod) agrees with its zod schema', () => {
  it.each([
    ['a full answer', answer(), { uuid: REPO, slug: 'payments-api', fullName: 'acme/payments-api', projectKey: 'PAY' }],
    [
      'no slug: taken from full_name',
      answer({ slug: undefined }),
      { uuid: REPO, slug: 'payments-api', fullName: 'acme/payments-api', projectKey: 'PAY' },
    ],
    ['no project', answer({ project: undefined }), { uuid: REPO, slug: 'payments-api', fullName: 'acme/payments-api' }],
    [
      'the UUID in other case',
      answer({ uuid: REPO.toUpperCase() }),
      { uuid: REPO, slug: 'payments-api', fullName: 'acme/payments-api', projectKey: 'PAY' },
    ],
    ['another repository', answer({ uuid: '{00000000-0000-4000-8000-000000000000}' }), undefined],
    ['a slug with a slash', answer({ slug: 'a/b' }), undefined],
    ['a slug in upper case', answer({ slug: 'Payments-API' }), undefined],
    ['a project key that is a number', answer({ project: { key: 7 } }), undefined],
    ['a project key with a space', answer({ project: { key: 'P Y' } }), undefined],
    ['no full name', answer({ full_name: undefined }), undefined],
    ['an error body', { type: 'error', error: { message: 'not found' } }, undefined],
    ['a list', [answer()], undefined],
    ['a name that is not text', answer({ name: 7 }), undefined],
    ['null', null, undefined],
  ])('%s', (_what, body, expected) => {
    expect(repositoryFromAnswer(body, REPO)).toEqual(expected);
    expect(parseRepositoryAnswer(body, REPO)).toEqual(expected);
  });

  it('on random answers, both accept the same ones and give the same identity', () => {
    const text = fc.oneof(
      fc.constantFrom(
        'payments-api',
        'acme/payments-api',
        'PAY',
        'pay',
        'a b',
        'a/b/c',
        '',
        REPO,
        REPO.toUpperCase(),
        '{x}',
        'x'.repeat(130),
      ),
      fc.string({ maxLength: 12 }),
    );
    const field = fc.oneof(text, fc.constant(undefined), fc.constant(null), fc.integer(), fc.constant([]));
    const body = fc.record(
      {
        uuid: field,
        full_name: field,
        slug: field,
        name: fc.oneof(field, fc.constant('x'.repeat(301))),
        project: fc.oneof(field, fc.record({ key: field })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(body, (value) => {
        expect(repositoryFromAnswer(value, REPO)).toEqual(parseRepositoryAnswer(value, REPO));
      }),
      { seed: 20261201, numRuns: 2_000 },
    );
  });
});

describe('the cached repository lookup', () => {
  const setup = (fetch = jest.fn(async () => answer() as unknown)) => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const kv = createMemoryKv({ now: () => clock });
    const reads = jest.spyOn(kv, 'get');
    const lookup = createCachedRepositoryLookup({ kv, fetch, now: () => clock, log: () => {} });
    return { kv, reads, fetch, lookup, advance: (ms: number) => (clock += ms) };
  };

  it('asks Bitbucket once per hour per repository, and reads the cache once per run', async () => {
    const { lookup, fetch, reads, kv, advance } = setup();
    expect(await lookup.resolve(WORKSPACE, REPO)).toEqual(repositoryIdentity('payments-api', 'PAY'));
    expect(await lookup.resolve(WORKSPACE, REPO)).toEqual(repositoryIdentity('payments-api', 'PAY'));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(kv.keys()).toEqual(['repository:2fc883c6-3dee-4e73-a354-ccee4bd77938']);
    advance(REPOSITORY_CACHE_SECONDS * 1000 - 1);
    await lookup.resolve(WORKSPACE, REPO);
    expect(fetch).toHaveBeenCalledTimes(1);
    advance(2);
    await lookup.resolve(WORKSPACE, REPO);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('does not trust a stale entry that KVS has not deleted yet, nor a damaged one', async () => {
    const { lookup, fetch, kv } = setup();
    await kv.set('repository:2fc883c6-3dee-4e73-a354-ccee4bd77938', {
      identity: repositoryIdentity('old-name', 'OLD'),
      fetchedAt: Date.parse('2026-12-01T08:00:00Z'),
    });
    expect(((await lookup.resolve(WORKSPACE, REPO)) as RepositoryIdentity).slug).toBe('payments-api');
    await kv.set('repository:2fc883c6-3dee-4e73-a354-ccee4bd77938', {
      identity: { ...repositoryIdentity('x/y'), uuid: REPO },
      fetchedAt: Date.parse('2026-12-01T10:00:00Z'),
    });
    expect(((await lookup.resolve(WORKSPACE, REPO)) as RepositoryIdentity).slug).toBe('payments-api');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('refresh asks Bitbucket now and replaces the cached answer (the settings page button)', async () => {
    const fetch = jest.fn(async () => answer() as unknown);
    const { lookup } = setup(fetch);
    await lookup.resolve(WORKSPACE, REPO);
    fetch.mockResolvedValueOnce(answer({ full_name: 'acme/payments-core', slug: 'payments-core' }));
    expect((await lookup.refresh(WORKSPACE, REPO)).slug).toBe('payments-core');
    expect(((await lookup.resolve(WORKSPACE, REPO)) as RepositoryIdentity).slug).toBe('payments-core');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('refuses an answer about another repository', async () => {
    const { lookup } = setup(jest.fn(async () => answer({ uuid: '{00000000-0000-4000-8000-000000000000}' })));
    await expect(lookup.resolve(WORKSPACE, REPO)).rejects.toThrow('not a repository with that UUID');
  });
});

describe('the lookup through a Bitbucket outage', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const fail = (status?: number, retryAfterMs?: number) =>
    new RepositoryFetchError(`Bitbucket answered ${status ?? 'nothing'}`, status, retryAfterMs);

  /** A fake clock: waits advance it; Bitbucket answers from `script`, one entry per call, then the last one again. */
  const setup = (script: Array<unknown | RepositoryFetchError | 'hang'>) => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const kv = createMemoryKv({ now: () => clock });
    const reads = jest.spyOn(kv, 'get');
    const writes = jest.spyOn(kv, 'set');
    const waits: number[] = [];
    let call = 0;
    const fetch = jest.fn(async () => {
      const next = script[Math.min(call++, script.length - 1)];
      if (next === 'hang') return new Promise(() => {});
      if (next instanceof RepositoryFetchError) throw next;
      return next;
    });
    // Time passes only for a wait that runs out: one cut short (the call answered first) costs none.
    const sleep = (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          if (signal?.aborted) return;
          waits.push(ms);
          clock += ms;
          resolve();
        }),
      );
    const lookup = createCachedRepositoryLookup({ kv, fetch, now: () => clock, sleep, log: () => {} });
    return {
      kv,
      reads,
      writes,
      fetch,
      lookup,
      waits,
      advance: (ms: number) => (clock += ms),
      setScript: (next: typeof script) => ((script = next), (call = 0)),
    };
  };
  const known = async (ms: number, script: Array<unknown | RepositoryFetchError | 'hang'>) => {
    const world = setup([answer()]);
    await world.lookup.resolve(WORKSPACE, REPO);
    world.advance(ms);
    world.setScript(script);
    world.fetch.mockClear();
    world.reads.mockClear();
    world.writes.mockClear();
    return world;
  };

  it.each([
    ['429', fail(429)],
    ['503', fail(503)],
    ['a network fault', fail(undefined)],
    ['a timeout', 'hang' as const],
  ])(
    'after %s, uses the last good identity (2 h old) as stale: one cache read, one call, no retry',
    async (_what, failure) => {
      const { lookup, fetch, reads } = await known(2 * HOUR, [failure]);
      expect(await lookup.resolve(WORKSPACE, REPO)).toEqual({
        stale: true,
        identity: repositoryIdentity('payments-api', 'PAY'),
        confirmedAt: Date.parse('2026-12-01T10:00:00Z'),
        reason: expect.any(String),
      });
      expect(fetch).toHaveBeenCalledTimes(1);
      expect(reads).toHaveBeenCalledTimes(1);
    },
  );

  it(
    'without a last good identity, retries once after a passing failure, ' + 'waiting as long as Retry-After says',
    async () => {
      const { lookup, fetch, waits } = setup([fail(429, 1_500), answer()]);
      expect(await lookup.resolve(WORKSPACE, REPO)).toEqual(repositoryIdentity('payments-api', 'PAY'));
      expect(fetch).toHaveBeenCalledTimes(2);
      expect(waits).toContain(1_500);
    },
  );

  it('retries after a timeout within the budget, and not when Retry-After would outrun it', async () => {
    const timedOut = setup(['hang', answer()]);
    expect(await timedOut.lookup.resolve(WORKSPACE, REPO)).toEqual(repositoryIdentity('payments-api', 'PAY'));
    expect(timedOut.waits).toEqual([2_500, 200]);
    const late = setup([fail(503, 30_000), answer()]);
    await expect(late.lookup.resolve(WORKSPACE, REPO, { budgetMs: 5_000 })).rejects.toMatchObject({
      kind: 'transient',
    });
    expect(late.fetch).toHaveBeenCalledTimes(1);
    expect(late.waits).not.toContain(30_000);
  });

  it('after bridging, asks Bitbucket again only once the back-off (five minutes, or Retry-After) is over', async () => {
    const { lookup, fetch, advance } = await known(2 * HOUR, [fail(503)]);
    await lookup.resolve(WORKSPACE, REPO);
    expect(fetch).toHaveBeenCalledTimes(1);
    advance(299_000);
    expect(await lookup.resolve(WORKSPACE, REPO)).toMatchObject({ stale: true });
    expect(fetch).toHaveBeenCalledTimes(1);
    advance(2_000);
    await lookup.resolve(WORKSPACE, REPO);
    expect(fetch).toHaveBeenCalledTimes(2);
    const patient = await known(2 * HOUR, [fail(429, 600_000)]);
    await patient.lookup.resolve(WORKSPACE, REPO);
    patient.advance(599_000);
    await patient.lookup.resolve(WORKSPACE, REPO);
    expect(patient.fetch).toHaveBeenCalledTimes(1);
    patient.advance(2_000);
    await patient.lookup.resolve(WORKSPACE, REPO);
    expect(patient.fetch).toHaveBeenCalledTimes(2);
  });

  it('uses the last good identity for at most 7 days after Bitbucket confirmed it', async () => {
    const inTime = await known(7 * DAY - HOUR, [fail(503)]);
    expect(await inTime.lookup.resolve(WORKSPACE, REPO)).toMatchObject({ stale: true });
    // KVS may delete an expired record up to 48 h late: the age is checked on read.
    const late = setup([fail(503)]);
    await late.kv.set('repository:2fc883c6-3dee-4e73-a354-ccee4bd77938', {
      identity: repositoryIdentity('payments-api', 'PAY'),
      fetchedAt: Date.parse('2026-12-01T10:00:00Z') - 7 * DAY - 1,
    });
    await expect(late.lookup.resolve(WORKSPACE, REPO)).rejects.toMatchObject({
      kind: 'transient',
      message: expect.stringContaining('it last identified it 7 days ago, too long ago to rely on'),
    });
  });

  it('fails closed for a repository it never identified', async () => {
    const { lookup, fetch } = setup([fail(503)]);
    await expect(lookup.resolve(WORKSPACE, REPO)).rejects.toMatchObject({
      kind: 'transient',
      message: 'Bitbucket answered 503, and it has never identified this repository',
    });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it.each([403, 404])(
    'a %s is "cannot see it": no retry, no last good identity, believed for two minutes',
    async (status) => {
      const { lookup, fetch, advance, setScript } = await known(2 * HOUR, [fail(status)]);
      await expect(lookup.resolve(WORKSPACE, REPO)).rejects.toMatchObject({ kind: 'not-visible' });
      expect(fetch).toHaveBeenCalledTimes(1);
      advance(119_000);
      await expect(lookup.resolve(WORKSPACE, REPO)).rejects.toMatchObject({
        kind: 'not-visible',
        message: expect.stringContaining('a moment ago'),
      });
      expect(fetch).toHaveBeenCalledTimes(1);
      // The answer dropped the last good identity: an outage now fails closed.
      advance(2_000);
      setScript([fail(503)]);
      await expect(lookup.resolve(WORKSPACE, REPO)).rejects.toMatchObject({ kind: 'transient' });
    },
  );

  it('an answer about another repository is not bridged', async () => {
    const { lookup } = await known(2 * HOUR, [answer({ uuid: '{00000000-0000-4000-8000-000000000000}' })]);
    await expect(lookup.resolve(WORKSPACE, REPO)).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 10:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe('the provider with scoped environments', () => {
  const stored = (policy: unknown) => ({ revision: 9, policy, savedAt: '2026-11-20T10:00:00Z', savedBy: 'acc-admin' });
  const scoped = () => stored(policyInputFrom('examples/policy-multi-team.yaml'));
  const prodOnMain = branchRun('main', [step('PROD deploy')]);

  function providerWith(policy: unknown, repositories: RepositoryLookup | undefined, decisions: DecisionRecord[] = []) {
    const read = jest.fn(async () => policy);
    const provider = createProvider({
      store: { read },
      repositories,
      decisions: { append: async (r) => void decisions.push(r) },
      now: () => new Date('2026-12-01T10:00:00Z'),
      log: () => {},
      lookupTimeoutMs: 5_000,
    });
    return { provider, read };
  }

  it('never looks the repository up for a policy without scopes', async () => {
    const resolve = jest.fn();
    const { provider, read } = providerWith(stored(referencePolicyInput()), { resolve });
    await provider(prodOnMain);
    expect(resolve).not.toHaveBeenCalled();
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('looks it up once for a scoped policy, and the policy read stays one read', async () => {
    const resolve = jest.fn(async () => repositoryIdentity('payments-api', 'PAY'));
    const decisions: DecisionRecord[] = [];
    const { provider, read } = providerWith(scoped(), { resolve }, decisions);
    const response = await provider(prodOnMain);
    expect(resolve).toHaveBeenCalledWith('{308ce669-576d-4fa7-b4d4-15e8171f0c8c}', REPO, { budgetMs: 4_500 });
    expect(read).toHaveBeenCalledTimes(1);
    expect('pipelines_configuration' in response).toBe(true);
    expect(JSON.stringify(response)).toContain('prod.payments');
    expect(decisions).toEqual([
      expect.objectContaining({ repository: 'acme/payments-api', project: 'PAY', outcome: 'allowed' }),
    ]);
  });

  it('names the repository by its full name in the block message and the labels record', async () => {
    const { provider } = providerWith(scoped(), { resolve: async () => repositoryIdentity('website', 'MKT') });
    const response = await provider(prodOnMain);
    expect((response as any).error.key).toBe('pipeline-guard.repository-scope');
    expect((response as any).error.message).toContain(
      'Pipeline Guard blocked this run of acme/website for branch main',
    );
    const allowed = await provider(branchRun('main', [step('Build')]));
    expect(((allowed as any).pipelines_configuration.labels['pipeline-guard'] as any).repository).toBe('acme/website');
  });

  it('blocks with a transient message when the lookup fails', async () => {
    const { provider } = providerWith(scoped(), {
      resolve: async () => {
        throw new Error('Bitbucket answered 503');
      },
    });
    const response = await provider(prodOnMain);
    expect(response).toEqual({
      error: {
        key: 'pipeline-guard.repository-unknown',
        message: expect.stringContaining('the repository lookup failed: Bitbucket answered 503'),
      },
    });
    expect((response as any).error.message).toContain('Re-run the pipeline in a minute');
  });

  it('runs on a stale identity and records it as stale in the labels record and the decision log', async () => {
    const confirmedAt = Date.parse('2026-11-30T09:00:00Z');
    const decisions: DecisionRecord[] = [];
    const stale = {
      stale: true as const,
      identity: repositoryIdentity('payments-api', 'PAY'),
      confirmedAt,
      reason: 'Bitbucket answered 503',
    };
    const { provider } = providerWith(scoped(), { resolve: async () => stale }, decisions);
    const response = (await provider(prodOnMain)) as any;
    expect(JSON.stringify(response)).toContain('prod.payments');
    expect(response.pipelines_configuration.labels['pipeline-guard']).toMatchObject({
      repository: 'acme/payments-api',
      repositoryStaleAsOf: '2026-11-30T09:00:00.000Z',
    });
    expect(decisions).toEqual([
      expect.objectContaining({
        repository: 'acme/payments-api',
        outcome: 'allowed',
        repositoryStaleAsOf: confirmedAt,
      }),
    ]);
  });

  it('a fresh identity leaves no stale mark', async () => {
    const decisions: DecisionRecord[] = [];
    const { provider } = providerWith(
      scoped(),
      { resolve: async () => repositoryIdentity('payments-api', 'PAY') },
      decisions,
    );
    const response = (await provider(prodOnMain)) as any;
    expect(response.pipelines_configuration.labels['pipeline-guard'].repositoryStaleAsOf).toBeUndefined();
    expect(decisions[0].repositoryStaleAsOf).toBeUndefined();
  });

  it(
    'a repository Pipeline Guard cannot see says what an admin should check, ' + 'and never to re-run in a minute',
    async () => {
      const resolve = async () => {
        throw new RepositoryLookupError(
          `Bitbucket answered 404 when Pipeline Guard asked for repository ${REPO}`,
          'not-visible',
        );
      };
      const { provider } = providerWith(scoped(), { resolve });
      const message: string = ((await provider(prodOnMain)) as any).error.message;
      expect(message).toContain('Bitbucket answered 404');
      expect(message).toContain('Pipeline Guard cannot see this repository');
      expect(message).toMatch(
        /installed on the workspace this repository belongs to.*read:repository:bitbucket.*not deleted.*Refresh/,
      );
      expect(message).not.toContain('in a minute');
    },
  );

  it.each([
    ['another repository', { ...repositoryIdentity('website', 'WEB'), uuid: '{00000000-0000-4000-8000-000000000000}' }],
    ['no slug', { uuid: REPO, fullName: 'acme/x' }],
    ['a slug with a slash', { ...repositoryIdentity('website'), slug: 'a/b' }],
    ['nothing', undefined],
  ])('blocks when the lookup answers with %s', async (_what, identity) => {
    const { provider } = providerWith(scoped(), { resolve: async () => identity as any });
    const response = await provider(prodOnMain);
    expect(response).toEqual({
      error: {
        key: 'pipeline-guard.repository-unknown',
        message: expect.stringContaining('the repository lookup gave no valid identity'),
      },
    });
  });

  it.each([
    [
      'a repository UUID without braces',
      { repository: '2fc883c6-3dee-4e73-a354-ccee4bd77938' },
      'repository "2fc883c6-3dee-4e73-a354-ccee4bd77938"',
    ],
    ['a repository slug instead of a UUID', { repository: 'payments-api' }, 'repository "payments-api"'],
    [
      'a workspace UUID without braces',
      { workspace: '308ce669-576d-4fa7-b4d4-15e8171f0c8c' },
      'workspace "308ce669-576d-4fa7-b4d4-15e8171f0c8c"',
    ],
  ])('blocks as repository-unknown, never as an out-of-scope repository, for %s', async (_what, fields, named) => {
    const resolve = jest.fn(async () => repositoryIdentity('payments-api', 'PAY'));
    const { provider } = providerWith(scoped(), { resolve });
    const response = await provider({ ...prodOnMain, ...fields });
    expect(resolve).not.toHaveBeenCalled();
    expect(response).toEqual({
      error: {
        key: 'pipeline-guard.repository-unknown',
        message: expect.stringContaining(`the request names ${named}, which is not a Bitbucket UUID in its {…} form`),
      },
    });
  });

  it('blocks when the lookup hangs, well inside the Forge limit', async () => {
    jest.useFakeTimers();
    try {
      const { provider } = providerWith(scoped(), { resolve: () => new Promise(() => {}) });
      const pending = provider(prodOnMain);
      await jest.advanceTimersByTimeAsync(5_000);
      const response = await pending;
      expect((response as any).error.key).toBe('pipeline-guard.repository-unknown');
      expect((response as any).error.message).toContain('the repository lookup did not answer within 5 s');
    } finally {
      jest.useRealTimers();
    }
  });

  it('never answers the Run-pipeline dialog with an error, and does not look up for it', async () => {
    const resolve = jest.fn(async () => {
      throw new Error('down');
    });
    const { provider } = providerWith(scoped(), { resolve });
    const request = { ...readFixture<Record<string, unknown>>('requests', 'documented-definitions.json') };
    const response = await provider(request);
    expect(response).toEqual({ pipelines_configuration: request.pipelines_configuration });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('without a lookup, a scoped policy treats the run as a repository in no scope', async () => {
    const { provider } = providerWith(scoped(), undefined);
    const response = await provider(prodOnMain);
    expect((response as any).error.key).toBe('pipeline-guard.repository-scope');
    expect((response as any).error.message).toContain(
      "this run's repository (Pipeline Guard does not know it, so it is in no scope)",
    );
  });
});
