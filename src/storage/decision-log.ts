/**
 * The decision log: one compact record per real run, written by the provider and read by the
 * settings page.
 *
 * Appending is one `set` of a fresh key and never a read, so the provider's hot path keeps its
 * single storage read (the policy). The key puts the newest record first in KVS's ascending key
 * order: `decision:<9999999999999 - epoch ms, 13 digits>:<random>`.
 *
 * Storage stays bounded without any pruning on the hot path:
 * - every record carries a 30-day KVS TTL, so the store holds at most 30 days of runs;
 * - every field is truncated, so a record is at most about 1.5 KiB whatever the pipeline sends;
 * - listing reads at most DECISION_SCAN_CAP records (the newest), so the page's cost does not grow
 *   with the workspace's run rate.
 */
import * as z from 'zod';
import type { DecisionRecord, DecisionSink } from './decision-record';
import { DECISION_PREFIX } from './keys';
import { listAll, type KeyValueStore } from './kv';

export const DECISION_TTL_DAYS = 30;
export const DECISION_TTL_SECONDS = DECISION_TTL_DAYS * 24 * 60 * 60;
/** The newest records a listing or export reads. */
export const DECISION_SCAN_CAP = 1_000;
const MAX_TIME = 9_999_999_999_999;
const MAX_TEXT = 300;
const MAX_RULES = 20;

const OUTCOMES = ['allowed', 'blocked', 'none', 'passthrough'] as const;

export const StoredDecisionSchema = z.object({
  at: z.string().max(40),
  repository: z.string().max(MAX_TEXT),
  project: z.string().max(MAX_TEXT).optional(),
  ref: z.string().max(MAX_TEXT),
  trigger: z.string().max(40),
  outcome: z.enum(OUTCOMES),
  rules: z.array(z.string().max(60)).max(MAX_RULES),
  pipeline: z.string().max(MAX_TEXT).optional(),
  buildNumber: z.number().int().optional(),
  policyRevision: z.number().int().optional(),
  grants: z.array(z.string().max(64)).max(MAX_RULES).optional(),
});

export type StoredDecision = z.output<typeof StoredDecisionSchema>;

export interface DecisionFilter {
  readonly outcome?: (typeof OUTCOMES)[number];
  /** Case-insensitive substring of the repository (its full name when it was resolved, else its UUID). */
  readonly repository?: string;
  /** A Bitbucket project key (case-insensitive): only records of repositories in that project. */
  readonly project?: string;
}

export interface DecisionListing {
  readonly records: StoredDecision[];
  /** How many records were read to answer. */
  readonly scanned: number;
  /** True when older records exist beyond DECISION_SCAN_CAP and were not read. */
  readonly capped: boolean;
}

export function decisionKey(at: Date, random: string): string {
  return `${DECISION_PREFIX}${String(MAX_TIME - at.getTime()).padStart(13, '0')}:${random}`;
}

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

export function compactDecision(record: DecisionRecord): StoredDecision {
  return {
    at: record.at,
    repository: clip(record.repository),
    ...(record.project !== undefined ? { project: clip(record.project) } : {}),
    ref: clip(record.ref),
    trigger: record.trigger.slice(0, 40),
    outcome: record.outcome,
    rules: record.rules.slice(0, MAX_RULES).map((rule) => rule.slice(0, 60)),
    ...(record.pipeline !== undefined ? { pipeline: clip(record.pipeline) } : {}),
    ...(record.buildNumber !== undefined ? { buildNumber: record.buildNumber } : {}),
    ...(record.policyRevision !== undefined ? { policyRevision: record.policyRevision } : {}),
    ...(record.grants?.length ? { grants: record.grants.slice(0, MAX_RULES).map((id) => id.slice(0, 64)) } : {}),
  };
}

export interface DecisionLogOptions {
  readonly random?: () => string;
}

export interface DecisionLog extends DecisionSink {
  list(filter?: DecisionFilter, scanCap?: number): Promise<DecisionListing>;
}

const randomSuffix = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0');

export function createDecisionLog(kv: KeyValueStore, options: DecisionLogOptions = {}): DecisionLog {
  const random = options.random ?? randomSuffix;
  return {
    async append(record) {
      const at = new Date(record.at);
      const when = Number.isNaN(at.getTime()) ? new Date() : at;
      await kv.set(decisionKey(when, random()), compactDecision(record), { ttlSeconds: DECISION_TTL_SECONDS });
    },

    async list(filter = {}, scanCap = DECISION_SCAN_CAP) {
      const wanted = filter.repository?.trim().toLowerCase();
      const project = filter.project?.trim().toUpperCase();
      const records: StoredDecision[] = [];
      const { entries, capped } = await listAll(kv, DECISION_PREFIX, scanCap);
      for (const entry of entries) {
        // Stored data is a boundary: a malformed record is skipped rather than shown half-parsed.
        const parsed = StoredDecisionSchema.safeParse(entry.value);
        if (!parsed.success) continue;
        if (filter.outcome && parsed.data.outcome !== filter.outcome) continue;
        if (wanted && !parsed.data.repository.toLowerCase().includes(wanted)) continue;
        if (project && parsed.data.project?.toUpperCase() !== project) continue;
        records.push(parsed.data);
      }
      // The key order already is newest first; sorting by time as well keeps the page right if
      // two records share a millisecond or a store returns a page in another order.
      records.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      return { records, scanned: entries.length, capped };
    },
  };
}
