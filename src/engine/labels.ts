/**
 * The decision record Pipeline Guard leaves in the output's `labels`, under one key and within
 * Bitbucket's 10 KB limit. It is derived from the output itself (and merged with an earlier
 * record of the same policy and ref), so a second pass over the output writes the same record.
 */
import { isPlainObject } from './clone';
import type { Finding, RunRef } from './types';

export const LABEL_KEY = 'pipeline-guard';
export const LABELS_LIMIT_BYTES = 10 * 1024;
const MAX_WARNINGS = 50;

export interface DecisionLabel {
  v: 1;
  policy: string;
  ref: string;
  /** The repository's full name, when the provider resolved it (scoped policies). */
  repository?: string;
  /** Set when `repository` is Bitbucket's answer of this time (ISO 8601), kept through an outage of its API. */
  repositoryStaleAsOf?: string;
  steps: Record<string, string[] | number>;
  warnings: string[];
  /** Break-glass grants this run used, from storage: never carried over from an earlier record. */
  grants?: string[];
  truncated?: true;
}

const encoder = new TextEncoder();
/**
 * Encoded into one kept buffer rather than a new one per check: allocating the buffer cost more than encoding
 * (npm run bench). UTF-8 takes at most 3 bytes per UTF-16 unit, so a text that fits the buffer by that measure is
 * counted whole; a longer one (only ever a hostile `labels`) gets a buffer of its own, so the kept one stays small.
 */
const scratch = new Uint8Array(3 * 64 * 1024);
export const byteLength = (value: unknown): number => {
  const json = JSON.stringify(value) ?? '';
  return json.length * 3 <= scratch.length ? encoder.encodeInto(json, scratch).written : encoder.encode(json).length;
};

export function refKey(ref: RunRef): string {
  return ref.kind === 'none' ? 'none' : `${ref.kind}:${ref.name}`;
}

export function buildDecisionLabel(
  previous: unknown,
  policyDigest: string,
  ref: RunRef,
  stepsByEnvironment: Map<string, string[]>,
  warnings: readonly Finding[],
  repository?: string,
  grants: readonly string[] = [],
): DecisionLabel {
  const refText = refKey(ref);
  const warningKeys = new Set(warnings.map((w) => `${w.rule}@${w.path}`));
  if (
    isPlainObject(previous) &&
    previous.policy === policyDigest &&
    previous.ref === refText &&
    Array.isArray(previous.warnings)
  )
    for (const key of previous.warnings) if (typeof key === 'string' && key.length <= 300) warningKeys.add(key);
  const label: DecisionLabel = {
    v: 1,
    policy: policyDigest,
    ref: refText,
    ...(repository !== undefined ? { repository } : {}),
    steps: Object.fromEntries([...stepsByEnvironment].sort(([a], [b]) => a.localeCompare(b))),
    warnings: [...warningKeys].sort().slice(0, MAX_WARNINGS),
    ...(grants.length ? { grants: [...grants] } : {}),
  };
  if (warningKeys.size > MAX_WARNINGS) label.truncated = true;
  return label;
}

/** Shrinks the record until the whole `labels` map fits; undefined when even the smallest form does not. */
export function fitLabels(others: Record<string, unknown>, label: DecisionLabel): Record<string, unknown> | undefined {
  const attempt = (candidate: DecisionLabel) => ({ ...others, [LABEL_KEY]: candidate });
  let candidate = label;
  if (byteLength(attempt(candidate)) <= LABELS_LIMIT_BYTES) return attempt(candidate);
  candidate = {
    ...candidate,
    steps: Object.fromEntries(
      Object.entries(candidate.steps).map(([env, list]) => [env, Array.isArray(list) ? list.length : list]),
    ),
    truncated: true,
  };
  if (byteLength(attempt(candidate)) <= LABELS_LIMIT_BYTES) return attempt(candidate);
  candidate = { ...candidate, warnings: candidate.warnings.slice(0, 5) };
  if (byteLength(attempt(candidate)) <= LABELS_LIMIT_BYTES) return attempt(candidate);
  return undefined;
}

/**
 * Notes in the run's decision record that its repository identity is Bitbucket's last good answer,
 * kept through an outage; left out when the note would not fit Bitbucket's limit for labels.
 */
export function markRepositoryStale(config: Record<string, unknown>, asOf: number): void {
  const labels = config.labels;
  if (!isPlainObject(labels) || !isPlainObject(labels[LABEL_KEY])) return;
  const marked = {
    ...labels,
    [LABEL_KEY]: { ...labels[LABEL_KEY], repositoryStaleAsOf: new Date(asOf).toISOString() },
  };
  if (byteLength(marked) <= LABELS_LIMIT_BYTES) config.labels = marked;
}
