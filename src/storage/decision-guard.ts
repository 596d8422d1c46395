/**
 * The decision-log reader's guard for stored records (decision-store.ts): apart from decision-record.ts because the
 * provider only writes records, and its bundle would carry this all the same.
 */
import type { Outcome } from '../engine/run';
import { MAX_ID, MAX_LIST, MAX_MESSAGE_BYTES, MAX_TEXT, type DecisionRecord } from './decision-record';

export const DECISION_OUTCOMES = ['allowed', 'blocked', 'none', 'passthrough'] as const satisfies readonly Outcome[];

const isString = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;
const isStringList = (value: unknown, max: number) =>
  Array.isArray(value) && value.length <= MAX_LIST && value.every((item) => isString(item, max));
const isOptional = (value: unknown, check: (value: unknown) => boolean) => value === undefined || check(value);
const isInteger = (value: unknown) => Number.isSafeInteger(value);

/** Stored data is a boundary: the hand-written twin of DecisionRecordSchema (decision-schema.ts). */
export function isDecisionRecord(value: unknown): value is DecisionRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  const known = new Set([
    'v',
    'at',
    'repository',
    'repositoryKey',
    'repositoryUuid',
    'project',
    'repositoryStaleAsOf',
    'ref',
    'trigger',
    'pipeline',
    'buildNumber',
    'creator',
    'outcome',
    'rules',
    'grants',
    'environments',
    'message',
    'policyRevision',
    'sample',
  ]);
  return (
    Object.keys(r).every((key) => known.has(key)) &&
    r.v === 2 &&
    isInteger(r.at) &&
    (r.at as number) >= 0 &&
    isString(r.repository, MAX_TEXT) &&
    isString(r.repositoryKey, MAX_TEXT) &&
    isString(r.repositoryUuid, MAX_ID) &&
    isOptional(r.project, (v) => isString(v, MAX_ID)) &&
    isOptional(r.repositoryStaleAsOf, isInteger) &&
    isString(r.ref, MAX_TEXT) &&
    isString(r.trigger, 40) &&
    isOptional(r.pipeline, (v) => isString(v, MAX_ID)) &&
    isOptional(r.buildNumber, isInteger) &&
    isOptional(r.creator, (v) => isString(v, MAX_ID)) &&
    (DECISION_OUTCOMES as readonly unknown[]).includes(r.outcome) &&
    isStringList(r.rules, 60) &&
    isStringList(r.grants, MAX_ID) &&
    isStringList(r.environments, 60) &&
    isOptional(r.message, (v) => isString(v, MAX_MESSAGE_BYTES)) &&
    isOptional(r.policyRevision, isInteger) &&
    isOptional(r.sample, (v) => isString(v, 64) && /^[0-9a-f]+$/.test(v as string))
  );
}
