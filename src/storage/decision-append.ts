/**
 * Appending to the decision log: what the provider needs of it, apart from the listing side
 * (decision-log.ts) so that the provider's bundle carries no zod. Key layout, TTL and truncation
 * are explained in decision-log.ts.
 */
import type { DecisionRecord, DecisionSink } from './decision-record';
import type { StoredDecision } from './decision-log';
import { DECISION_PREFIX } from './keys';
import type { KeyValueStore } from './kv';

export const DECISION_TTL_DAYS = 30;
export const DECISION_TTL_SECONDS = DECISION_TTL_DAYS * 24 * 60 * 60;
const MAX_TIME = 9_999_999_999_999;
export const MAX_DECISION_TEXT = 300;
export const MAX_DECISION_RULES = 20;

export const DECISION_OUTCOMES = ['allowed', 'blocked', 'none', 'passthrough'] as const;

export function decisionKey(at: Date, random: string): string {
  return `${DECISION_PREFIX}${String(MAX_TIME - at.getTime()).padStart(13, '0')}:${random}`;
}

const clip = (text: string) => (text.length > MAX_DECISION_TEXT ? `${text.slice(0, MAX_DECISION_TEXT - 1)}…` : text);

export function compactDecision(record: DecisionRecord): StoredDecision {
  return {
    at: record.at,
    repository: clip(record.repository),
    ref: clip(record.ref),
    trigger: record.trigger.slice(0, 40),
    outcome: record.outcome,
    rules: record.rules.slice(0, MAX_DECISION_RULES).map((rule) => rule.slice(0, 60)),
    ...(record.pipeline !== undefined ? { pipeline: clip(record.pipeline) } : {}),
    ...(record.buildNumber !== undefined ? { buildNumber: record.buildNumber } : {}),
    ...(record.policyRevision !== undefined ? { policyRevision: record.policyRevision } : {}),
  };
}

export interface DecisionLogOptions {
  readonly random?: () => string;
}

const randomSuffix = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0');

export function createDecisionAppender(kv: KeyValueStore, options: DecisionLogOptions = {}): DecisionSink {
  const random = options.random ?? randomSuffix;
  return {
    async append(record) {
      const at = new Date(record.at);
      const when = Number.isNaN(at.getTime()) ? new Date() : at;
      await kv.set(decisionKey(when, random()), compactDecision(record), { ttlSeconds: DECISION_TTL_SECONDS });
    },
  };
}
