/**
 * The policy record as it sits in storage. Stored data is a boundary like any other: it is
 * validated on every read, and a record that fails validation blocks runs instead of being
 * half-trusted.
 *
 * The record also carries the workspace's active break-glass grants under `grants`, so that a run
 * reads the policy and its grants in one storage read. Grants change without a new policy revision;
 * the provider checks them with the guard in src/policy/grant-guard.ts and drops a damaged entry
 * (a grant only widens, so ignoring one fails closed).
 */
import * as z from 'zod';

export const StoredPolicySchema = z.looseObject({
  revision: z.number().int().min(1),
  policy: z.unknown(),
  savedAt: z.string().max(100),
  savedBy: z.string().max(200),
  grants: z.unknown().optional(),
});

export type StoredPolicy = z.output<typeof StoredPolicySchema>;
