/**
 * The policy record as it sits in storage. Stored data is a boundary like any other: it is
 * validated on every read, and a record that fails validation blocks runs instead of being
 * half-trusted.
 */
import * as z from 'zod';

export const StoredPolicySchema = z.looseObject({
  revision: z.number().int().min(1),
  policy: z.unknown(),
  savedAt: z.string().max(100),
  savedBy: z.string().max(200),
});

export type StoredPolicy = z.output<typeof StoredPolicySchema>;
