/**
 * The outage measurement (issue 16): the real provider and repository lookup, over an in-memory KVS
 * and a Bitbucket stand-in on a fake clock, through two hours in which Bitbucket fails half the
 * calls and then two hours in which it fails all of them (429 with Retry-After, 500, 502, 503,
 * network faults, timeouts). A run starts every 30 s, for a seeded choice of ten repositories: eight
 * identified the day before, one last identified 8 days before, one created when all calls fail.
 * "Identified in the last 7 days" is judged at each run, from the stand-in's own successful answers.
 * The same runs and the same failures also go through a model of the lookup before this change
 * (one-hour cache, one call, no fallback), so that the figures compare like with like.
 * OUTAGE_REPORT=1 prints the figures quoted in docs/security.md.
 */
import { createProvider } from '../../src/provider/handler';
import { createCachedRepositoryLookup, RepositoryFetchError } from '../../src/provider/repository-lookup';
import type { RepositoryIdentity } from '../../src/policy/repository';
import { environmentsInScope } from '../../src/policy/scope';
import { validatePolicy } from '../../src/policy/load';
import type { DecisionRecord } from '../../src/storage/decision-record';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { branchRun, policyInputFrom, step } from '../support/requests';

const WORKSPACE = '{308ce669-576d-4fa7-b4d4-15e8171f0c8c}';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OUTAGE_START = Date.parse('2026-12-01T08:00:00Z');
const HALF_FAILING_UNTIL = OUTAGE_START + 2 * HOUR;
const ALL_FAILING_UNTIL = HALF_FAILING_UNTIL + 2 * HOUR;
const RUN_EVERY_MS = 30_000;

interface Repository {
  readonly identity: RepositoryIdentity;
  /** When it ran before the outage (and so was identified), if it did. */
  readonly lastRunBefore?: number;
  /** When it was created, for one created during the outage. */
  readonly createdAt?: number;
}

const uuidOf = (n: number) =>
  `{a1b2c3d4-00${String(n).padStart(2, '0')}-4a00-8000-0000000000${String(n).padStart(2, '0')}}`;
const repository = (n: number, slug: string, projectKey: string, lastRunBefore?: number): Repository => ({
  identity: { uuid: uuidOf(n), slug, fullName: `acme/${slug}`, projectKey },
  ...(lastRunBefore !== undefined ? { lastRunBefore } : {}),
});

const DAY_BEFORE = OUTAGE_START - DAY;
const REPOSITORIES: Repository[] = [
  repository(1, 'payments-api', 'PAY', DAY_BEFORE),
  repository(2, 'payments-web', 'PAY', DAY_BEFORE),
  repository(3, 'payments-sandbox', 'PAY', DAY_BEFORE),
  repository(4, 'search-api', 'SRCH', DAY_BEFORE),
  repository(5, 'search-indexer', 'SRCH', DAY_BEFORE),
  repository(6, 'website', 'WEB', DAY_BEFORE),
  repository(7, 'web-shop', 'WEB', DAY_BEFORE),
  repository(8, 'marketing-site', 'MKT', DAY_BEFORE),
  repository(9, 'legacy-tool', 'PAY', OUTAGE_START - 8 * DAY),
  { ...repository(10, 'new-service', 'PAY'), createdAt: HALF_FAILING_UNTIL + 30 * MINUTE },
];

/** What a run's figures are judged on: when Bitbucket last answered for its repository, before the run. */
interface Judged {
  readonly at: number;
  readonly repo: Repository;
  readonly identifiedAt?: number;
}
const identifiedWithin7Days = (run: Judged) => run.identifiedAt !== undefined && run.at - run.identifiedAt < 7 * DAY;

/** mulberry32: a small seeded generator, so every run of the test sees the same outage. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Failure = RepositoryFetchError | 'hang';

/** Bitbucket's behaviour at a moment: fine before the outage, then half, then all calls failing. */
function outageStub(random: () => number) {
  const failure = (): Failure => {
    const kind = Math.floor(random() * 6);
    if (kind === 0)
      return new RepositoryFetchError('Bitbucket answered 429', 429, 1_000 + Math.floor(random() * 3) * 1_000);
    if (kind === 1) return new RepositoryFetchError('Bitbucket answered 500', 500);
    if (kind === 2) return new RepositoryFetchError('Bitbucket answered 502', 502);
    if (kind === 3) return new RepositoryFetchError('Bitbucket answered 503', 503);
    if (kind === 4) return new RepositoryFetchError('Bitbucket could not be reached: socket hang up');
    return 'hang';
  };
  return (at: number): Failure | undefined => {
    if (at < OUTAGE_START || at >= ALL_FAILING_UNTIL) return undefined;
    if (at < HALF_FAILING_UNTIL && random() < 0.5) return undefined;
    return failure();
  };
}

const answerFor = (uuid: string) => {
  const repo = REPOSITORIES.find((r) => r.identity.uuid === uuid)!;
  const { slug, fullName, projectKey } = repo.identity;
  return { type: 'repository', uuid, slug, full_name: fullName, project: { key: projectKey } };
};

/** The runs: each repository's run before the outage, then one every 30 s through it, seeded. */
function schedule(): Array<{ at: number; repo: Repository }> {
  const random = seeded(16);
  const before = REPOSITORIES.filter((r) => r.lastRunBefore !== undefined).map((repo) => ({
    at: repo.lastRunBefore!,
    repo,
  }));
  const during: Array<{ at: number; repo: Repository }> = [];
  for (let at = OUTAGE_START; at < ALL_FAILING_UNTIL; at += RUN_EVERY_MS) {
    const existing = REPOSITORIES.filter((r) => r.createdAt === undefined || r.createdAt <= at);
    during.push({ at, repo: existing[Math.floor(random() * existing.length)] });
  }
  return [...before.sort((a, b) => a.at - b.at), ...during];
}

const policy = policyInputFrom('examples/policy-multi-team.yaml');
const stored = { revision: 4, policy, savedAt: '2026-11-01T10:00:00Z', savedBy: 'acc-admin' };
const validated = validatePolicy(policy);
if (!validated.ok) throw new Error('the multi-team example policy does not load');
const PIPELINE = [step('Build'), step('PROD deploy')];

async function withPipelineGuard() {
  let clock = 0;
  const kv = createMemoryKv({ now: () => clock });
  const cacheReads = jest.spyOn(kv, 'get');
  const cacheWrites = jest.spyOn(kv, 'set');
  const bitbucket = outageStub(seeded(2026));
  let calls = 0;
  const identifiedAt = new Map<string, number>();
  const fetch = async (_workspace: string, uuid: string) => {
    calls++;
    const failure = bitbucket(clock);
    if (failure === 'hang') return new Promise<never>(() => {});
    if (failure) throw failure;
    identifiedAt.set(uuid, clock);
    return answerFor(uuid);
  };
  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) =>
      setImmediate(() => {
        if (signal?.aborted) return;
        clock += ms;
        resolve();
      }),
    );
  const lookup = createCachedRepositoryLookup({ kv, fetch, now: () => clock, sleep, log: () => {} });
  const policyRead = jest.fn(async () => stored);
  const decisions: DecisionRecord[] = [];
  const provider = createProvider({
    store: { read: policyRead },
    repositories: lookup,
    decisions: { append: async (r) => void decisions.push(r) },
    now: () => new Date(clock),
    log: () => {},
  });
  const runs: Array<
    Judged & { during: boolean; record: DecisionRecord; calls: number; cacheReads: number; policyReads: number }
  > = [];
  for (const { at, repo } of schedule()) {
    clock = Math.max(clock, at);
    const [callsBefore, readsBefore, policyBefore] = [
      calls,
      cacheReads.mock.calls.length,
      policyRead.mock.calls.length,
    ];
    const known = identifiedAt.get(repo.identity.uuid);
    await provider({ ...branchRun('main', PIPELINE), workspace: WORKSPACE, repository: repo.identity.uuid });
    runs.push({
      at,
      repo,
      ...(known !== undefined ? { identifiedAt: known } : {}),
      during: at >= OUTAGE_START,
      record: decisions[decisions.length - 1],
      calls: calls - callsBefore,
      cacheReads: cacheReads.mock.calls.length - readsBefore,
      policyReads: policyRead.mock.calls.length - policyBefore,
    });
  }
  return { runs, cacheWrites: cacheWrites.mock.calls.length };
}

/**
 * The lookup before this change, on the same runs and the same failures: one-hour cache, one call, a failure blocks.
 */
function beforeThisChange() {
  const bitbucket = outageStub(seeded(2026));
  const cachedAt = new Map<string, number>();
  const runs: Array<Judged & { during: boolean; calls: number; blocked: boolean }> = [];
  for (const { at, repo } of schedule()) {
    const known = cachedAt.get(repo.identity.uuid);
    const fresh = (known ?? -Infinity) > at - HOUR;
    const failed = fresh ? false : bitbucket(at) !== undefined;
    if (!fresh && !failed) cachedAt.set(repo.identity.uuid, at);
    runs.push({
      at,
      repo,
      ...(known !== undefined ? { identifiedAt: known } : {}),
      during: at >= OUTAGE_START,
      calls: fresh ? 0 : 1,
      blocked: failed,
    });
  }
  return runs;
}

describe('a Bitbucket outage: half the calls failing for two hours, then all of them for two hours', () => {
  let measured: Awaited<ReturnType<typeof withPipelineGuard>>;
  let before: ReturnType<typeof beforeThisChange>;
  beforeAll(async () => {
    measured = await withPipelineGuard();
    before = beforeThisChange();
  }, 60_000);

  const during = () => measured.runs.filter((run) => run.during);

  it('blocks no run of a repository identified in the last 7 days for the outage', () => {
    const known = during().filter(identifiedWithin7Days);
    expect(known.length).toBeGreaterThan(300);
    expect(known.filter((run) => run.record.rules.includes('repository-unknown'))).toEqual([]);
    // The figure before: the same runs, blocked whenever the hour-old cache had lapsed and the call failed.
    expect(before.filter((run) => run.during && identifiedWithin7Days(run) && run.blocked).length).toBeGreaterThan(50);
  });

  it('still fails closed for a repository never identified, or not in the last 7 days, while Bitbucket fails', () => {
    const unknown = during().filter((run) => !identifiedWithin7Days(run));
    expect(unknown.length).toBeGreaterThan(10);
    for (const run of unknown) expect(run.record.repositoryStaleAsOf).toBeUndefined();
    const allFailing = unknown.filter((run) => run.at >= HALF_FAILING_UNTIL);
    expect(allFailing.map((run) => run.repo.identity.slug)).toContain('new-service');
    expect(
      allFailing.every((run) => run.record.outcome === 'blocked' && run.record.rules.includes('repository-unknown')),
    ).toBe(true);
  });

  it('puts no run in a scoped environment its repository is not in', () => {
    const allowed = measured.runs.filter((run) => run.record.outcome === 'allowed');
    expect(allowed.length).toBeGreaterThan(300);
    for (const run of allowed) {
      const inScope = environmentsInScope(validated.policy, run.repo.identity).map((env) => env.name);
      expect({
        repo: run.repo.identity.slug,
        environments: run.record.environments.filter((env) => !inScope.includes(env)),
      }).toEqual({ repo: run.repo.identity.slug, environments: [] });
    }
    // A repository in no team's scope asking for PROD is blocked as before, stale identity or not.
    const marketing = measured.runs.filter((run) => run.repo.identity.slug === 'marketing-site');
    expect(marketing.every((run) => run.record.outcome === 'blocked')).toBe(true);
  });

  it('records every run on a stale identity as stale, and only those', () => {
    const stale = measured.runs.filter((run) => run.record.repositoryStaleAsOf !== undefined);
    expect(stale.length).toBeGreaterThan(100);
    for (const run of stale) expect(run.record.repositoryStaleAsOf).toBe(run.identifiedAt);
    expect(
      measured.runs.filter((run) => !run.during).every((run) => run.record.repositoryStaleAsOf === undefined),
    ).toBe(true);
  });

  it('keeps lookups per run as low as before: one cache read, one policy read, no more Bitbucket calls', () => {
    expect(measured.runs.every((run) => run.cacheReads === 1 && run.policyReads === 1)).toBe(true);
    // A repository with a last good identity costs at most one call per run, as before; only one without gets the
    // retry.
    expect(measured.runs.filter((run) => identifiedWithin7Days(run) && run.calls > 1)).toEqual([]);
    expect(Math.max(...measured.runs.map((run) => run.calls))).toBeLessThanOrEqual(2);
    const total = (runs: Array<{ calls: number }>) => runs.reduce((sum, run) => sum + run.calls, 0);
    expect(total(measured.runs)).toBeLessThanOrEqual(total(before));
    if (process.env.OUTAGE_REPORT) {
      const figures = (runs: Array<Judged & { calls: number }>, blocked: (index: number) => boolean) => ({
        runs: runs.length,
        calls: total(runs),
        callsPerRun: Number((total(runs) / runs.length).toFixed(3)),
        knownRuns: runs.filter(identifiedWithin7Days).length,
        knownRunsBlockedForOutage: runs.filter((run, i) => identifiedWithin7Days(run) && blocked(i)).length,
        unknownRuns: runs.filter((run) => !identifiedWithin7Days(run)).length,
        unknownRunsBlocked: runs.filter((run, i) => !identifiedWithin7Days(run) && blocked(i)).length,
      });
      const phase = (from: number, to: number) => {
        const mine = measured.runs.filter((run) => run.at >= from && run.at < to);
        const theirs = before.filter((run) => run.at >= from && run.at < to);
        return {
          now: {
            ...figures(mine, (i) => mine[i].record.rules.includes('repository-unknown')),
            staleRuns: mine.filter((run) => run.record.repositoryStaleAsOf !== undefined).length,
          },
          before: figures(theirs, (i) => theirs[i].blocked),
        };
      };
      const report = {
        halfFailing: phase(OUTAGE_START, HALF_FAILING_UNTIL),
        allFailing: phase(HALF_FAILING_UNTIL, ALL_FAILING_UNTIL),
        whole: phase(OUTAGE_START, ALL_FAILING_UNTIL),
        cacheWrites: measured.cacheWrites,
      };
      console.log(JSON.stringify(report, null, 1));
    }
  });
});
