/**
 * The hourly rollup (a Forge scheduledTrigger): counts the decision log by UTC day, outcome, rule,
 * environment and repository into one stats record per day, so that the page draws 30 days of
 * charts from 30 small reads instead of every record. Recomputing a day from its records makes
 * the run idempotent: a duplicate or late invocation (Forge promises neither once nor on time)
 * writes the same counts again.
 */
import * as z from 'zod';
import type { DecisionRecord } from './decision-record';
import { scanDecisions } from './decision-store';
import type { EntityStore } from './entity-store';
import { STATS_DAY_PREFIX } from './keys';
import type { KeyValueStore } from './kv';
import { listAll } from './list-all';

export const STATS_WINDOW_DAYS = 30;
/** Older days whose stats record is missing that one run fills in, after today and yesterday. */
export const BACKFILL_DAYS_PER_RUN = 5;
/** Entries kept per breakdown: a busy workspace has many repositories, a stats record stays small. */
export const MAX_BREAKDOWN = 100;
const DAY_MS = 86_400_000;

export type Counts = Record<string, number>;

export interface DayStats {
  readonly v: 1;
  readonly day: string;
  readonly runs: number;
  readonly blocked: number;
  readonly byOutcome: Counts;
  readonly byRule: Counts;
  readonly byEnvironment: Counts;
  readonly byRepository: Counts;
  readonly blockedByRule: Counts;
  readonly blockedByRepository: Counts;
  readonly computedAt: string;
}

export const dayOf = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
export const statsKey = (day: string) => `${STATS_DAY_PREFIX}${day}`;
const dayStart = (day: string) => Date.parse(`${day}T00:00:00.000Z`);

const bump = (counts: Counts, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};
const top = (counts: Counts): Counts =>
  Object.fromEntries(
    Object.entries(counts)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, MAX_BREAKDOWN),
  );

export function countDay(day: string, records: Iterable<DecisionRecord>, computedAt: Date): DayStats {
  const byOutcome: Counts = {};
  const byRule: Counts = {};
  const byEnvironment: Counts = {};
  const byRepository: Counts = {};
  const blockedByRule: Counts = {};
  const blockedByRepository: Counts = {};
  let runs = 0;
  let blocked = 0;
  for (const record of records) {
    runs += 1;
    bump(byOutcome, record.outcome);
    bump(byRepository, record.repository);
    for (const rule of record.rules) bump(byRule, rule);
    for (const environment of record.environments) bump(byEnvironment, environment);
    if (record.outcome === 'blocked') {
      blocked += 1;
      bump(blockedByRepository, record.repository);
      for (const rule of record.rules) bump(blockedByRule, rule);
    }
  }
  return {
    v: 1,
    day,
    runs,
    blocked,
    byOutcome,
    byRule: top(byRule),
    byEnvironment: top(byEnvironment),
    byRepository: top(byRepository),
    blockedByRule: top(blockedByRule),
    blockedByRepository: top(blockedByRepository),
    computedAt: computedAt.toISOString(),
  };
}

async function* recordsOfDay(entities: EntityStore, day: string): AsyncGenerator<DecisionRecord> {
  let cursor: string | undefined;
  do {
    const scan = await scanDecisions(
      entities,
      { from: dayStart(day), to: dayStart(day) + DAY_MS - 1 },
      { cursor, want: 1_000, budget: 1_000 },
    );
    for (const entry of scan.entries) yield entry.record;
    cursor = scan.nextCursor;
  } while (cursor !== undefined);
}

export async function rollUpDay(entities: EntityStore, kv: KeyValueStore, day: string, now: Date): Promise<DayStats> {
  const records: DecisionRecord[] = [];
  for await (const record of recordsOfDay(entities, day)) records.push(record);
  const stats = countDay(day, records, now);
  // Kept a little longer than the window the page draws, then Forge removes it.
  await kv.set(statsKey(day), stats, { ttlSeconds: (STATS_WINDOW_DAYS + 5) * 86_400 });
  return stats;
}

export interface RollupResult {
  readonly days: string[];
}

/** Today and yesterday every run (late records land there), and a few missing older days. */
export async function runRollup(entities: EntityStore, kv: KeyValueStore, now: Date): Promise<RollupResult> {
  const today = dayOf(now.getTime());
  const window = Array.from({ length: STATS_WINDOW_DAYS }, (_, i) => dayOf(dayStart(today) - i * DAY_MS));
  const stored = new Set((await readStats(kv)).map((stats) => stats.day));
  const missing = window
    .slice(2)
    .filter((day) => !stored.has(day))
    .slice(0, BACKFILL_DAYS_PER_RUN);
  const days = [...window.slice(0, 2), ...missing];
  for (const day of days) await rollUpDay(entities, kv, day, now);
  return { days };
}

const CountsSchema = z.record(z.string(), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));

/** Stored stats are a boundary: a damaged day is skipped (drawn as not rolled up), never half-read. */
export const DayStatsSchema = z.object({
  v: z.literal(1),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  runs: z.number().int().min(0),
  blocked: z.number().int().min(0),
  byOutcome: CountsSchema,
  byRule: CountsSchema,
  byEnvironment: CountsSchema,
  byRepository: CountsSchema,
  blockedByRule: CountsSchema,
  blockedByRepository: CountsSchema,
  computedAt: z.string().max(40),
});

export const isDayStats = (value: unknown): value is DayStats => DayStatsSchema.safeParse(value).success;

/** Every stored day, oldest first; damaged records are skipped. */
export async function readStats(kv: KeyValueStore): Promise<DayStats[]> {
  const { entries } = await listAll(kv, STATS_DAY_PREFIX, 400);
  return entries
    .map((entry) => entry.value)
    .filter(isDayStats)
    .sort((a, b) => a.day.localeCompare(b.day));
}

export interface StatsView {
  /** One entry per day of the window, oldest first; days without a stats record count zero and say so. */
  readonly days: { day: string; runs: number; blocked: number; rolledUp: boolean }[];
  readonly topBlockingRules: { name: string; count: number }[];
  readonly topBlockingRepositories: { name: string; count: number }[];
  readonly byOutcome: Counts;
  readonly byEnvironment: Counts;
  /** When the newest stats record was computed: the charts are this fresh. */
  readonly computedAt?: string;
}

export function statsView(all: readonly DayStats[], now: Date, topN = 10): StatsView {
  const today = dayOf(now.getTime());
  const window = Array.from({ length: STATS_WINDOW_DAYS }, (_, i) =>
    dayOf(dayStart(today) - (STATS_WINDOW_DAYS - 1 - i) * DAY_MS),
  );
  const byDay = new Map(all.map((stats) => [stats.day, stats]));
  const sum = (pick: (stats: DayStats) => Counts): Counts => {
    const total: Counts = {};
    for (const day of window) {
      const stats = byDay.get(day);
      if (stats) for (const [name, count] of Object.entries(pick(stats))) total[name] = (total[name] ?? 0) + count;
    }
    return total;
  };
  const ranked = (counts: Counts) =>
    Object.entries(counts)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, topN)
      .map(([name, count]) => ({ name, count }));
  const computed = all.map((stats) => stats.computedAt).sort();
  return {
    days: window.map((day) => ({
      day,
      runs: byDay.get(day)?.runs ?? 0,
      blocked: byDay.get(day)?.blocked ?? 0,
      rolledUp: byDay.has(day),
    })),
    topBlockingRules: ranked(sum((s) => s.blockedByRule)),
    topBlockingRepositories: ranked(sum((s) => s.blockedByRepository)),
    byOutcome: sum((s) => s.byOutcome),
    byEnvironment: sum((s) => s.byEnvironment),
    ...(computed.length ? { computedAt: computed[computed.length - 1] } : {}),
  };
}
