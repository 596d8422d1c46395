/** The policy a read works on: the enforced revision, or the unsaved draft a payload carries. */
import { refuse } from './resolver-handler';
import { draftFrom } from './payloads';
import { compilePolicy } from '../engine/compiled-policy';
import type { CompiledPolicy } from '../engine/types';
import { validatePolicy } from '../policy/load';
import type { Policy } from '../policy/schema';
import type { PolicyRepository } from '../storage/policy-repo';

export interface PolicyInUse {
  /** Undefined when no policy is saved (pipelines pass through unchanged). */
  readonly compiled: CompiledPolicy | undefined;
  /** In words, for the page: which policy the answer is for. */
  readonly source: string;
}

export const DRAFT_SOURCE = 'the unsaved policy in the editor';

export function createPolicyReader(repo: PolicyRepository) {
  /** The enforced revision, compiled; refuses when the stored policy is damaged. */
  const saved = async (): Promise<PolicyInUse> => {
    const current = await repo.current();
    if (current.state === 'none')
      return { compiled: undefined, source: 'no policy saved (pipelines pass through unchanged)' };
    if (current.state === 'damaged')
      return refuse({
        code: 'damaged',
        message:
          `The stored policy (revision ${current.revision}) is damaged and the provider is blocking runs. ` +
          `Save a policy to repair it.`,
      });
    const result = validatePolicy(current.record.policy);
    if (!result.ok)
      return refuse({
        code: 'damaged',
        message:
          `The stored policy (revision ${current.record.revision}) no longer validates and the provider ` +
          `is blocking runs. Save a corrected policy.`,
        problems: result.problems,
      });
    return {
      compiled: compilePolicy(result.policy, current.record.revision),
      source: `saved revision ${current.record.revision}`,
    };
  };

  /** The enforced policy, or undefined when there is none usable: what a change is compared with. */
  const enforced = async (): Promise<Policy | undefined> => {
    const current = await repo.current();
    if (current.state !== 'ok') return undefined;
    const result = validatePolicy(current.record.policy);
    return result.ok ? result.policy : undefined;
  };

  /** The payload's draft when it carries one, else the enforced revision. */
  const inUse = async (input: { policy?: unknown; policyText?: string }): Promise<PolicyInUse> => {
    const draft = draftFrom(input);
    return draft ? { compiled: compilePolicy(draft.policy), source: DRAFT_SOURCE } : saved();
  };

  return { saved, enforced, inUse };
}

export type PolicyReader = ReturnType<typeof createPolicyReader>;
