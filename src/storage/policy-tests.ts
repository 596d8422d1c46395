/**
 * The admin's saved preview cases ("policy tests"): a pipeline, a target and the outcome the admin
 * expects. Every policy save runs them. One key per case keeps each under the KVS value limit.
 */
import * as z from 'zod';
import { RepositoryIdentitySchema } from '../policy/repository-schema';
import { POLICY_TEST_PREFIX } from './keys';
import type { KeyValueStore } from './kv';
import { listAll } from './list-all';

export const MAX_POLICY_TESTS = 25;
export const MAX_PIPELINE_YAML = 64 * 1024;

const refName = (what: string) => z.string().trim().min(1, `the ${what} is required`).max(300);
const RefSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('branch'), name: refName('branch name') }),
  z.strictObject({ kind: z.literal('tag'), name: refName('tag name') }),
  z.strictObject({ kind: z.literal('commit') }),
]);

/** The simulator's SimulationTarget, validated. */
export const PreviewTargetSchema = z.union([
  RefSpecSchema,
  z.strictObject({
    kind: z.literal('pullrequest'),
    source: refName('source branch'),
    destination: refName('destination branch'),
  }),
  z.strictObject({ kind: z.literal('custom'), name: refName('custom pipeline name'), ref: RefSpecSchema.optional() }),
]);

export type PreviewTarget = z.output<typeof PreviewTargetSchema>;

export const EXPECTED_OUTCOMES = ['allowed', 'blocked', 'none'] as const;

export const PolicyTestInputSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'give the case a name')
    .max(100)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'),
  yaml: z
    .string()
    .min(1, 'paste a pipeline')
    .max(MAX_PIPELINE_YAML, `at most ${MAX_PIPELINE_YAML / 1024} KiB`),
  target: PreviewTargetSchema,
  expect: z.enum(EXPECTED_OUTCOMES),
  /**
   * The repository the run is for, so that a scoped policy's case can pin who may deploy where.
   * Absent (every case stored before this field existed): a repository no scope includes.
   */
  repository: RepositoryIdentitySchema.optional(),
});

export const PolicyTestSchema = PolicyTestInputSchema.extend({
  id: z.string().regex(/^[a-z0-9]{6,40}$/),
  savedAt: z.string().max(100),
  savedBy: z.string().max(200),
});

export type PolicyTestInput = z.output<typeof PolicyTestInputSchema>;
export type PolicyTest = z.output<typeof PolicyTestSchema>;

export interface PolicyTestStore {
  list(): Promise<PolicyTest[]>;
  put(test: PolicyTest): Promise<void>;
  remove(id: string): Promise<void>;
}

export const policyTestKey = (id: string) => `${POLICY_TEST_PREFIX}${id}`;

export function createPolicyTestStore(kv: KeyValueStore): PolicyTestStore {
  return {
    async list() {
      const { entries } = await listAll(kv, POLICY_TEST_PREFIX);
      const tests = entries.flatMap((entry) => {
        const parsed = PolicyTestSchema.safeParse(entry.value);
        return parsed.success ? [parsed.data] : [];
      });
      return tests.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    },
    put: (test) => kv.set(policyTestKey(test.id), test),
    remove: (id) => kv.delete(policyTestKey(id)),
  };
}
