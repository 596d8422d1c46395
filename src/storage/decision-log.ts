/**
 * The decision log's older format: one KVS key per run, `decision:<9999999999999 - epoch ms>:<random>`,
 * with a 30-day TTL. Nothing writes it any more (the log moved to the `decision` custom entity,
 * decision-store.ts); these records are read, and shown beside the new ones, until they expire.
 */
import * as z from 'zod';
import { DECISION_OUTCOMES } from './decision-guard';
import type { DecisionRecord } from './decision-record';
import { DECISION_PREFIX } from './keys';
import { MAX_PAGE_SIZE, type KeyValueStore } from './kv';

export const LEGACY_DECISION_TTL_SECONDS = 30 * 24 * 60 * 60;
const MAX_TIME = 9_999_999_999_999;
const MAX_TEXT = 300;

export const StoredDecisionSchema = z.object({
  at: z.string().max(40),
  repository: z.string().max(MAX_TEXT),
  ref: z.string().max(MAX_TEXT),
  trigger: z.string().max(40),
  outcome: z.enum(DECISION_OUTCOMES),
  rules: z.array(z.string().max(60)).max(20),
  pipeline: z.string().max(MAX_TEXT).optional(),
  buildNumber: z.number().int().optional(),
  policyRevision: z.number().int().optional(),
});

export type StoredDecision = z.output<typeof StoredDecisionSchema>;

/** The key an older version wrote; newest first in KVS's ascending key order. */
export function decisionKey(at: Date, random: string): string {
  return `${DECISION_PREFIX}${String(MAX_TIME - at.getTime()).padStart(13, '0')}:${random}`;
}

/** A record of the older format in today's shape; what it never held stays empty or absent. */
export function fromLegacy(stored: StoredDecision): DecisionRecord | undefined {
  const at = Date.parse(stored.at);
  if (Number.isNaN(at)) return undefined;
  return {
    v: 2,
    at,
    repository: stored.repository,
    repositoryKey: stored.repository.toLowerCase(),
    repositoryUuid: stored.repository.slice(0, 80),
    ref: stored.ref,
    trigger: stored.trigger,
    ...(stored.pipeline !== undefined ? { pipeline: stored.pipeline.toLowerCase().slice(0, 80) } : {}),
    ...(stored.buildNumber !== undefined ? { buildNumber: stored.buildNumber } : {}),
    outcome: stored.outcome,
    // An older no-policy pass-through listed the storage fault's id; it was never one.
    rules:
      stored.outcome === 'passthrough' && stored.policyRevision === undefined
        ? stored.rules.filter((rule) => rule !== 'policy-unavailable')
        : stored.rules,
    grants: [],
    environments: [],
    ...(stored.policyRevision !== undefined ? { policyRevision: stored.policyRevision } : {}),
  };
}

export interface LegacyPage {
  readonly entries: { id: string; record: DecisionRecord }[];
  readonly cursor?: string;
  readonly scanned: number;
  readonly damaged: number;
}

/** One storage page of older records, newest first, damaged ones skipped. */
export async function readLegacyPage(
  kv: KeyValueStore,
  cursor: string | undefined,
  limit = MAX_PAGE_SIZE,
): Promise<LegacyPage> {
  const page = await kv.list(DECISION_PREFIX, { limit, cursor });
  const entries: { id: string; record: DecisionRecord }[] = [];
  let damaged = 0;
  for (const entry of page.entries) {
    const parsed = StoredDecisionSchema.safeParse(entry.value);
    const record = parsed.success ? fromLegacy(parsed.data) : undefined;
    if (record) entries.push({ id: entry.key, record });
    else damaged += 1;
  }
  return { entries, cursor: page.cursor, scanned: page.entries.length, damaged };
}
