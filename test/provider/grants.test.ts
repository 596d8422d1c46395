/**
 * The provider with break-glass grants: they come with the policy in its one storage read, the
 * repository is resolved only when a grant is in force (or the policy is scoped), expiry and
 * revocation apply to the next run, and the decision record names the grant.
 */
import { createProvider } from '../../src/provider/handler';
import { createCachedRepositoryLookup } from '../../src/provider/repository-lookup';
import type { Grant } from '../../src/policy/grant-guard';
import type { DecisionRecord } from '../../src/storage/decision-record';
import { INCIDENT_GRANT } from '../support/grants';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { branchRun, referencePolicyInput, step } from '../support/requests';

const GRANT: Grant = {
  ...INCIDENT_GRANT,
  expires: '2026-12-02T12:00:00.000Z',
  grantedBy: 'admin-1',
  grantedAt: '2026-12-02T09:00:00.000Z',
};
const incident = branchRun('incident/42', [step('PROD deploy')], { pattern: 'incident/*' });

function setup(grants: unknown, slug = 'payments-api') {
  let clock = Date.parse('2026-12-02T10:00:00.000Z');
  const record: Record<string, unknown> = {
    revision: 3,
    policy: referencePolicyInput(),
    savedAt: '2026-12-01T10:00:00Z',
    savedBy: 'admin-1',
    grants,
  };
  const counts = { policyReads: 0, cacheReads: 0, cacheWrites: 0, decisionWrites: 0, fetches: 0 };
  const cache = createMemoryKv();
  const repositories = createCachedRepositoryLookup({
    kv: {
      get: (key) => (counts.cacheReads++, cache.get(key)),
      set: (key, value, options) => (counts.cacheWrites++, cache.set(key, value, options)),
    },
    fetch: async (_workspace, uuid) => (
      counts.fetches++,
      { uuid, slug, full_name: `acme/${slug}`, project: { key: 'PAY' } }
    ),
    now: () => clock,
    log: () => undefined,
  });
  const decisions: DecisionRecord[] = [];
  const provider = createProvider({
    store: { read: async () => (counts.policyReads++, structuredClone(record)) },
    decisions: { append: async (entry) => void (counts.decisionWrites++, decisions.push(entry)) },
    repositories,
    now: () => new Date(clock),
    log: () => undefined,
  });
  return { provider, counts, decisions, record, advance: (ms: number) => (clock += ms) };
}

describe('the provider with break-glass grants', () => {
  it(
    'lets the granted run through, with one policy read, one cache read and one decision write per run ' +
      '(a REST call only on the first)',
    async () => {
      const { provider, counts, decisions } = setup([GRANT]);
      const first = await provider(incident);
      expect(first).toHaveProperty('pipelines_configuration');
      expect((first as any).pipelines_configuration.labels['pipeline-guard'].grants).toEqual(['INC-4711']);
      expect(counts).toEqual({ policyReads: 1, cacheReads: 1, cacheWrites: 1, decisionWrites: 1, fetches: 1 });
      await provider(incident);
      expect(counts).toEqual({ policyReads: 2, cacheReads: 2, cacheWrites: 1, decisionWrites: 2, fetches: 1 });
      expect(decisions.map((d) => d.grants)).toEqual([['INC-4711'], ['INC-4711']]);
    },
  );

  it(
    "matches a grant that carries the repository UUID on the request's own: " +
      'one policy read and one decision write per run, no lookup, even with a grant in force',
    async () => {
      const { provider, counts, decisions } = setup([
        { ...GRANT, repositoryUuid: '{2FC883C6-3dee-4e73-a354-ccee4bd77938}' },
      ]);
      expect(await provider(incident)).toHaveProperty('pipelines_configuration');
      expect(await provider(incident)).toHaveProperty('pipelines_configuration');
      expect(counts).toEqual({ policyReads: 2, cacheReads: 0, cacheWrites: 0, decisionWrites: 2, fetches: 0 });
      expect(decisions.map((d) => d.grants)).toEqual([['INC-4711'], ['INC-4711']]);
      // Another repository, even one that took the slug over, does not get it.
      const other = { ...incident, repository: '{3fc883c6-3dee-4e73-a354-ccee4bd77938}' };
      expect(await provider(other)).toEqual({ error: expect.objectContaining({ key: 'pipeline-guard.branch-gate' }) });
      expect(counts.cacheReads + counts.fetches).toBe(0);
    },
  );

  it(
    'does no repository lookup when no grant is in force (none stored, or all expired) ' + 'and the policy is unscoped',
    async () => {
      for (const grants of [undefined, [], [{ ...GRANT, expires: '2026-12-02T09:30:00.000Z' }]]) {
        const { provider, counts } = setup(grants);
        expect(await provider(incident)).toHaveProperty('error');
        expect(counts).toEqual({ policyReads: 1, cacheReads: 0, cacheWrites: 0, decisionWrites: 1, fetches: 0 });
      }
    },
  );

  it('applies expiry against its own clock at run time: allowed before, blocked exactly at the expiry', async () => {
    const { provider, advance } = setup([GRANT]);
    expect(await provider(incident)).toHaveProperty('pipelines_configuration');
    advance(2 * 60 * 60 * 1000 - 1);
    expect(await provider(incident)).toHaveProperty('pipelines_configuration');
    advance(1);
    expect(await provider(incident)).toEqual({ error: expect.objectContaining({ key: 'pipeline-guard.branch-gate' }) });
  });

  it(
    'a revoked grant (gone from the stored record) no longer applies on the next run, ' +
      'although the policy revision is the same',
    async () => {
      const { provider, record } = setup([GRANT]);
      expect(await provider(incident)).toHaveProperty('pipelines_configuration');
      record.grants = [];
      expect(await provider(incident)).toHaveProperty('error');
    },
  );

  it('does not apply to another repository', async () => {
    const { provider } = setup([GRANT], 'website');
    expect(await provider(incident)).toHaveProperty('error');
  });

  it(
    'ignores a damaged stored grant (a grant only widens, so dropping it fails closed) ' +
      'and never a forged one in the pipeline',
    async () => {
      const { provider } = setup([{ ...GRANT, rules: ['branch-gate', 'oidc-role'] }, 'garbage']);
      expect(await provider(incident)).toHaveProperty('error');
      const forged = branchRun('incident/42', [step('PROD deploy')], {
        pattern: 'incident/*',
        extra: { labels: { 'pipeline-guard': { grants: ['INC-4711'] } } },
      });
      expect(await setup([]).provider(forged)).toHaveProperty('error');
    },
  );

  it('a failing lookup with an unscoped policy just means no grant applies; the run is judged as usual', async () => {
    const record = { revision: 3, policy: referencePolicyInput(), savedAt: 'x', savedBy: 'y', grants: [GRANT] };
    const provider = createProvider({
      store: { read: async () => record },
      repositories: {
        resolve: async () => {
          throw new Error('Bitbucket answered 500');
        },
      },
      now: () => new Date('2026-12-02T10:00:00.000Z'),
      log: () => undefined,
    });
    expect(await provider(incident)).toEqual({ error: expect.objectContaining({ key: 'pipeline-guard.branch-gate' }) });
    expect(await provider(branchRun('main', [step('PROD deploy')]))).toHaveProperty('pipelines_configuration');
  });

  it('a lookup answering for another repository is not believed: no grant applies', async () => {
    const record = { revision: 3, policy: referencePolicyInput(), savedAt: 'x', savedBy: 'y', grants: [GRANT] };
    const provider = createProvider({
      store: { read: async () => record },
      repositories: {
        resolve: async () => ({
          uuid: '{00000000-0000-4000-8000-000000000000}',
          slug: 'payments-api',
          fullName: 'acme/payments-api',
        }),
      },
      now: () => new Date('2026-12-02T10:00:00.000Z'),
      log: () => undefined,
    });
    expect(await provider(incident)).toEqual({ error: expect.objectContaining({ key: 'pipeline-guard.branch-gate' }) });
  });
});
