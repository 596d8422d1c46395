/**
 * Which repository a run is for. The provider request names it only by UUID; scoped policies need
 * its slug and project, so the provider asks Bitbucket (as the app) and keeps the answer in KVS.
 * One record per repository holds everything the lookup needs, so every run costs one cache read:
 * - an answer under an hour old is used as it is (no Bitbucket call);
 * - an older one is the repository's last good identity: when Bitbucket fails with 429, 5xx, a
 *   network fault or a timeout, it is used for at most 7 days after Bitbucket last confirmed it, the
 *   run says it is stale, and runs skip Bitbucket for a minute (or as long as `Retry-After` says);
 * - without a usable last good identity, a passing failure is retried once within the time budget,
 *   after `Retry-After` (or 200 ms);
 * - a 401, 403 or 404 ("cannot see it") is kept for two minutes and drops the last good identity.
 * A repository never identified, or last identified over 7 days ago, still fails closed.
 * Forge plugs in through src/forge/repository-lookup.ts; everything here runs without Forge.
 */
import { isRepositoryIdentity, repositoryFromAnswer, type RepositoryIdentity } from '../policy/repository';
import type { KeyValueStore } from '../storage/kv';
import { repositoryCacheKey } from '../storage/keys';

/** An identity older than an hour, used because Bitbucket failed in passing. */
export interface StaleRepository {
  readonly stale: true;
  readonly identity: RepositoryIdentity;
  /** Epoch milliseconds of Bitbucket's last good answer. */
  readonly confirmedAt: number;
  /** What failed this time, for the log. */
  readonly reason: string;
}

export type ResolvedRepository = RepositoryIdentity | StaleRepository;

export const isStaleRepository = (value: unknown): value is StaleRepository =>
  typeof value === 'object' && value !== null && (value as { stale?: unknown }).stale === true;

export interface ResolveOptions {
  /** Milliseconds the whole lookup (cache read, calls, waits) may take; the caller's deadline. */
  readonly budgetMs?: number;
}

/** The port the provider resolves a run's repository through. */
export interface RepositoryLookup {
  resolve(workspace: string, repository: string, options?: ResolveOptions): Promise<ResolvedRepository>;
}

/** The lookup the settings page also uses: `refresh` skips the cache and stores Bitbucket's current answer. */
export interface CachedRepositoryLookup extends RepositoryLookup {
  refresh(workspace: string, repository: string): Promise<RepositoryIdentity>;
}

/** Bitbucket refused or failed; `status` is absent for a network fault. */
export class RepositoryFetchError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Bitbucket's answer body for `GET /2.0/repositories/{workspace}/{repository}`; rejects with RepositoryFetchError. */
export type FetchRepository = (workspace: string, repository: string) => Promise<unknown>;

/**
 * - `transient`: 429, 5xx, a network fault or a timeout, and no last good identity to use;
 * - `not-visible`: Bitbucket says the app cannot see the repository (401, 403, 404); re-running will not help;
 * - `invalid`: Bitbucket answered, but not with that repository.
 */
export type LookupFailure = 'transient' | 'not-visible' | 'invalid';

export class RepositoryLookupError extends Error {
  constructor(
    message: string,
    readonly kind: LookupFailure,
  ) {
    super(message);
  }
}

/** An hour: a renamed or moved repository is seen within the hour, or at once after a refresh. */
export const REPOSITORY_CACHE_SECONDS = 3_600;
/** How long after Bitbucket's last good answer an outage may still be bridged with it. */
export const LAST_GOOD_SECONDS = 7 * 24 * 3_600;
/** How long "cannot see it" is believed without asking again: a fixed permission shows within two minutes. */
export const NOT_VISIBLE_CACHE_SECONDS = 120;
/**
 * After a failure bridged with the last good identity, runs use it without asking for this long (or
 * as long as `Retry-After` says, up to MAX_BACKOFF_SECONDS): an outage costs a repository one call
 * per five minutes, not one per run, and a recovered Bitbucket is asked again within five minutes.
 */
export const BACKOFF_SECONDS = 300;
export const MAX_BACKOFF_SECONDS = 900;
/** The whole lookup when the caller names no budget. */
export const DEFAULT_BUDGET_MS = 5_500;
/** One Bitbucket call; leaves room in the budget for the retry. */
export const ATTEMPT_TIMEOUT_MS = 2_500;
/** The cache read; a hung read counts as a miss. */
export const CACHE_READ_TIMEOUT_MS = 1_500;
/** The retry is made only when at least this long is left for it after the wait. */
export const MIN_RETRY_MS = 1_000;
/** The wait before the retry when Bitbucket names none. */
export const RETRY_WAIT_MS = 200;

const NOT_VISIBLE = new Set([401, 403, 404]);

/** What one KVS record per repository holds. Stored data is a boundary: every field is checked on read. */
interface CachedRepository {
  readonly identity?: RepositoryIdentity;
  /** Epoch milliseconds of Bitbucket's answer that gave `identity`. */
  readonly fetchedAt?: number;
  /** Epoch milliseconds of a 401/403/404. */
  readonly notVisibleAt?: number;
  readonly notVisibleStatus?: number;
  /** Until then (epoch ms), a lapsed identity is used without asking Bitbucket. */
  readonly backoffUntil?: number;
}

export interface RepositoryLookupDependencies {
  readonly kv: Pick<KeyValueStore, 'get' | 'set'>;
  readonly fetch: FetchRepository;
  readonly now?: () => number;
  /** Waits `ms`, or for ever once `signal` aborts; tests pass a fake clock's. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly log?: (message: string) => void;
}

class AttemptTimeout extends Error {}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const messageOf = (error: unknown) => (error as Error)?.message ?? String(error);

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
  });
}

/**
 * `Retry-After` in milliseconds: delta seconds or an HTTP date; undefined when absent or unreadable.
 * Exported for the Forge adapter, which reads the header.
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d{1,7}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function readRecord(value: unknown, repository: string): CachedRepository {
  if (typeof value !== 'object' || value === null) return {};
  const raw = value as Record<string, unknown>;
  const record: { -readonly [K in keyof CachedRepository]: CachedRepository[K] } = {};
  if (isNumber(raw.fetchedAt) && isRepositoryIdentity(raw.identity, repository)) {
    record.identity = raw.identity;
    record.fetchedAt = raw.fetchedAt;
  }
  if (isNumber(raw.notVisibleAt) && isNumber(raw.notVisibleStatus)) {
    record.notVisibleAt = raw.notVisibleAt;
    record.notVisibleStatus = raw.notVisibleStatus;
  }
  if (isNumber(raw.backoffUntil)) record.backoffUntil = raw.backoffUntil;
  return record;
}

const isTransientStatus = (status: number | undefined) => status === undefined || status === 429 || status >= 500;

type Sleep = NonNullable<RepositoryLookupDependencies['sleep']>;
type Within = <T>(promise: Promise<T>, ms: number) => Promise<T>;

/** Bounded by `ms`: a hung promise becomes an AttemptTimeout, and the wait is cut short once it settles. */
function boundedBy(sleep: Sleep): Within {
  return async <T>(promise: Promise<T>, ms: number): Promise<T> => {
    const settled = new AbortController();
    const timeout = sleep(ms, settled.signal).then((): never => {
      throw new AttemptTimeout(`did not answer within ${ms / 1000} s`);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      settled.abort();
    }
  };
}

/** Ages on a clock that may be skewed up to a minute backwards (still counted as now). */
function clockOf(now: () => number) {
  const ageOf = (at: number) => Math.max(0, now() - at);
  const youngerThan = (at: number | undefined, seconds: number) =>
    at !== undefined && now() - at >= -60_000 && ageOf(at) < seconds * 1000;
  return { now, ageOf, youngerThan };
}
type Clock = ReturnType<typeof clockOf>;

/** The one KVS record per repository: a failed write or read never fails the run. */
function createRecordStore(kv: RepositoryLookupDependencies['kv'], within: Within, log: (message: string) => void) {
  const store = async (repository: string, record: CachedRepository, ttlSeconds: number) => {
    try {
      await kv.set(repositoryCacheKey(repository), record, { ttlSeconds: Math.max(1, Math.ceil(ttlSeconds)) });
    } catch (error) {
      // The run goes on with what it has; the next run asks Bitbucket again.
      log(`pipeline-guard: could not cache repository ${repository}: ${messageOf(error)}`);
    }
  };
  const read = async (repository: string, budgetMs: number): Promise<CachedRepository> => {
    try {
      const value = await within(kv.get(repositoryCacheKey(repository)), Math.min(budgetMs, CACHE_READ_TIMEOUT_MS));
      return readRecord(value, repository);
    } catch (error) {
      log(`pipeline-guard: repository cache read failed, asking Bitbucket: ${messageOf(error)}`);
      return {};
    }
  };
  return { store, read };
}
type RecordStore = ReturnType<typeof createRecordStore>;

function identityFrom(answer: unknown, repository: string): RepositoryIdentity {
  const identity = repositoryFromAnswer(answer, repository);
  if (!identity)
    throw new RepositoryLookupError(
      `Bitbucket's answer for repository ${repository} is not a repository with that UUID, a full name ` +
        `and a valid project key`,
      'invalid',
    );
  return identity;
}

function notVisible(repository: string, status: number, cached: boolean): RepositoryLookupError {
  return new RepositoryLookupError(
    `Bitbucket answered ${status} when Pipeline Guard asked for repository ${repository}` +
      (cached ? ' (a moment ago; it asks again after two minutes)' : ''),
    'not-visible',
  );
}

/**
 * Bitbucket's answer, asked at most twice within the budget: the retry only after a passing failure,
 * and only when `retry` (no last good identity could carry the run, so the retry is all that stands
 * between it and a block; otherwise a run costs at most one call, as before there was a retry).
 */
function createBitbucketCaller(fetch: FetchRepository, now: () => number, sleep: Sleep, within: Within) {
  /** One call, bounded; every failure becomes a RepositoryFetchError (no status: network fault or timeout). */
  const attempt = async (workspace: string, repository: string, timeoutMs: number): Promise<unknown> => {
    try {
      return await within(fetch(workspace, repository), timeoutMs);
    } catch (error) {
      if (error instanceof RepositoryFetchError) throw error;
      const timedOut = error instanceof AttemptTimeout;
      throw new RepositoryFetchError(
        timedOut ? `Bitbucket ${(error as Error).message}` : `Bitbucket could not be reached: ${messageOf(error)}`,
      );
    }
  };
  return async (workspace: string, repository: string, deadline: number, retry: boolean): Promise<unknown> => {
    const attemptMs = () => Math.max(1, Math.min(deadline - now(), ATTEMPT_TIMEOUT_MS));
    try {
      return await attempt(workspace, repository, attemptMs());
    } catch (error) {
      const failure = error as RepositoryFetchError;
      if (!retry || !isTransientStatus(failure.status)) throw failure;
      const wait = failure.retryAfterMs ?? RETRY_WAIT_MS;
      if (deadline - now() - wait < MIN_RETRY_MS) throw failure;
      await sleep(wait);
      return attempt(workspace, repository, attemptMs());
    }
  };
}

const canBridge = (cached: CachedRepository, clock: Clock) =>
  cached.identity !== undefined && clock.youngerThan(cached.fetchedAt, LAST_GOOD_SECONDS);

/** After a passing failure: the last good identity if Bitbucket confirmed it within 7 days, else fail closed. */
async function bridge(
  repository: string,
  cached: CachedRepository,
  failure: RepositoryFetchError,
  clock: Clock,
  records: RecordStore,
): Promise<StaleRepository> {
  const { identity, fetchedAt } = cached;
  if (!identity || fetchedAt === undefined || !canBridge(cached, clock)) {
    const days = fetchedAt === undefined ? 0 : Math.floor(clock.ageOf(fetchedAt) / 86_400_000);
    const last =
      fetchedAt === undefined
        ? 'it has never identified this repository'
        : `it last identified it ${days} days ago, too long ago to rely on`;
    throw new RepositoryLookupError(`${failure.message}, and ${last}`, 'transient');
  }
  const backoffMs = Math.min(Math.max(failure.retryAfterMs ?? 0, BACKOFF_SECONDS * 1000), MAX_BACKOFF_SECONDS * 1000);
  const ttl = LAST_GOOD_SECONDS - clock.ageOf(fetchedAt) / 1000;
  await records.store(repository, { identity, fetchedAt, backoffUntil: clock.now() + backoffMs }, ttl);
  return { stale: true, identity, confirmedAt: fetchedAt, reason: failure.message };
}

export function createCachedRepositoryLookup(deps: RepositoryLookupDependencies): CachedRepositoryLookup {
  const clock = clockOf(deps.now ?? (() => Date.now()));
  const { now, youngerThan } = clock;
  const sleep = deps.sleep ?? realSleep;
  const within = boundedBy(sleep);
  const records = createRecordStore(deps.kv, within, deps.log ?? ((message: string) => console.log(message)));
  const fetchWithRetry = createBitbucketCaller(deps.fetch, now, sleep, within);

  /** Asks Bitbucket; stores a good answer or a "cannot see it"; throws on anything else. */
  const fetchAndStore = async (workspace: string, repository: string, deadline: number, retry: boolean) => {
    let answer: unknown;
    try {
      answer = await fetchWithRetry(workspace, repository, deadline, retry);
    } catch (error) {
      const status = (error as RepositoryFetchError).status;
      if (status !== undefined && NOT_VISIBLE.has(status)) {
        const mark = { notVisibleAt: now(), notVisibleStatus: status };
        await records.store(repository, mark, NOT_VISIBLE_CACHE_SECONDS);
        throw notVisible(repository, status, false);
      }
      throw error;
    }
    const identity = identityFrom(answer, repository);
    await records.store(repository, { identity, fetchedAt: now() }, LAST_GOOD_SECONDS);
    return identity;
  };

  return {
    async resolve(workspace, repository, options = {}) {
      const deadline = now() + (options.budgetMs ?? DEFAULT_BUDGET_MS);
      const cached = await records.read(repository, deadline - now());
      if (youngerThan(cached.notVisibleAt, NOT_VISIBLE_CACHE_SECONDS))
        throw notVisible(repository, cached.notVisibleStatus!, true);
      if (cached.identity && youngerThan(cached.fetchedAt, REPOSITORY_CACHE_SECONDS)) return cached.identity;
      const backingOff = cached.backoffUntil !== undefined && now() < cached.backoffUntil;
      if (backingOff && canBridge(cached, clock))
        return {
          stale: true,
          identity: cached.identity!,
          confirmedAt: cached.fetchedAt!,
          reason: 'Bitbucket failed a moment ago',
        };
      try {
        return await fetchAndStore(workspace, repository, deadline, !canBridge(cached, clock));
      } catch (error) {
        if (!(error instanceof RepositoryFetchError) || !isTransientStatus(error.status)) throw asLookupError(error);
        return bridge(repository, cached, error, clock, records);
      }
    },
    refresh: (workspace, repository) =>
      fetchAndStore(workspace, repository, now() + DEFAULT_BUDGET_MS, true).catch((error) =>
        Promise.reject(asLookupError(error)),
      ),
  };
}

function asLookupError(error: unknown): RepositoryLookupError {
  if (error instanceof RepositoryLookupError) return error;
  if (error instanceof RepositoryFetchError)
    return new RepositoryLookupError(
      error.message,
      isTransientStatus(error.status) ? 'transient' : NOT_VISIBLE.has(error.status!) ? 'not-visible' : 'invalid',
    );
  return new RepositoryLookupError(messageOf(error), 'transient');
}

/** The identity a lookup settled on, fresh or kept from Bitbucket's last good answer. */
export const identityOfResolved = (resolved: ResolvedRepository): RepositoryIdentity =>
  isStaleRepository(resolved) ? resolved.identity : resolved;
