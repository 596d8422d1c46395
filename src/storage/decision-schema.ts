/**
 * The zod schema of a decision record: the source of truth for its shape. The provider's path checks
 * records with the hand-written `isDecisionRecord` (decision-record.ts) to stay free of zod;
 * test/storage/decision-record.test.ts keeps the two in agreement.
 */
import * as z from 'zod';
import { DECISION_OUTCOMES } from './decision-guard';
import { MAX_ID, MAX_LIST, MAX_MESSAGE_BYTES, MAX_TEXT } from './decision-record';

const list = (max: number) => z.array(z.string().max(max)).max(MAX_LIST);

export const DecisionRecordSchema = z.strictObject({
  v: z.literal(2),
  at: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  repository: z.string().max(MAX_TEXT),
  repositoryKey: z.string().max(MAX_TEXT),
  repositoryUuid: z.string().max(MAX_ID),
  project: z.string().max(MAX_ID).optional(),
  repositoryStaleAsOf: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional(),
  ref: z.string().max(MAX_TEXT),
  trigger: z.string().max(40),
  pipeline: z.string().max(MAX_ID).optional(),
  buildNumber: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional(),
  creator: z.string().max(MAX_ID).optional(),
  outcome: z.enum(DECISION_OUTCOMES),
  rules: list(60),
  grants: list(MAX_ID),
  environments: list(60),
  message: z.string().max(MAX_MESSAGE_BYTES).optional(),
  policyRevision: z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional(),
  sample: z
    .string()
    .max(64)
    .regex(/^[0-9a-f]+$/)
    .optional(),
});
