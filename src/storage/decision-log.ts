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
import { createDecisionAppender, DECISION_OUTCOMES as OUTCOMES, MAX_DECISION_RULES as MAX_RULES, MAX_DECISION_TEXT as MAX_TEXT, type DecisionLogOptions } from './decision-append';
import type { DecisionSink } from './decision-record';
import { DECISION_PREFIX } from './keys';
import { listAll, type KeyValueStore } from './kv';

export { compactDecision, createDecisionAppender, DECISION_TTL_DAYS, DECISION_TTL_SECONDS, decisionKey, type DecisionLogOptions } from './decision-append';
/** The newest records a listing or export reads. */
export const DECISION_SCAN_CAP = 1_000;

export const StoredDecisionSchema = z.object({
  at: z.string().max(40),
  repository: z.string().max(MAX_TEXT),
  ref: z.string().max(MAX_TEXT),
  trigger: z.string().max(40),
  outcome: z.enum(OUTCOMES),
  rules: z.array(z.string().max(60)).max(MAX_RULES),
  pipeline: z.string().max(MAX_TEXT).optional(),
  buildNumber: z.number().int().optional(),
  policyRevision: z.number().int().optional(),
});

export type StoredDecision = z.output<typeof StoredDecisionSchema>;

export interface DecisionFilter {
  readonly outcome?: (typeof OUTCOMES)[number];
  /** Case-insensitive substring of the repository. */
  readonly repository?: string;
}

export interface DecisionListing {
  readonly records: StoredDecision[];
  /** How many records were read to answer. */
  readonly scanned: number;
  /** True when older records exist beyond DECISION_SCAN_CAP and were not read. */
  readonly capped: boolean;
}

export interface DecisionLog extends DecisionSink {
  list(filter?: DecisionFilter, scanCap?: number): Promise<DecisionListing>;
}

export function createDecisionLog(kv: KeyValueStore, options: DecisionLogOptions = {}): DecisionLog {
  return {
    ...createDecisionAppender(kv, options),

    async list(filter = {}, scanCap = DECISION_SCAN_CAP) {
      const wanted = filter.repository?.trim().toLowerCase();
      const records: StoredDecision[] = [];
      const { entries, capped } = await listAll(kv, DECISION_PREFIX, scanCap);
      for (const entry of entries) {
        // Stored data is a boundary: a malformed record is skipped rather than shown half-parsed.
        const parsed = StoredDecisionSchema.safeParse(entry.value);
        if (!parsed.success) continue;
        if (filter.outcome && parsed.data.outcome !== filter.outcome) continue;
        if (wanted && !parsed.data.repository.toLowerCase().includes(wanted)) continue;
        records.push(parsed.data);
      }
      // The key order already is newest first; sorting by time as well keeps the page right if
      // two records share a millisecond or a store returns a page in another order.
      records.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      return { records, scanned: entries.length, capped };
    },
  };
}
