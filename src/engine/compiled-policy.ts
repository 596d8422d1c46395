import { CONFIGURABLE_RULE_IDS, ruleMode, type ConfigurableRuleId, type Mode, type RuleId } from '../policy/rule-ids';
import type { Environment, Policy } from '../policy/schema';
import { isScoped } from '../policy/scope';
import { gateStepFor, scanStepsFor } from './injected-steps';
import { digestOf } from './digest';
import type { CompiledPolicy } from './types';

const configurable = new Set<string>(CONFIGURABLE_RULE_IDS);

/** Everything the chain derives from a policy once per run rather than once per step. */
export function compilePolicy(policy: Policy, revision?: number): CompiledPolicy {
  const defaultEnvironment = policy.environments.find((env) => env.default && env.scope === undefined);
  if (!defaultEnvironment) throw new Error('policy has no default environment (the schema should have refused it)');

  const labelOwners = new Map<string, Environment[]>();
  for (const env of policy.environments) {
    for (const label of [...(env.runner?.labels ?? []), ...(env.runner?.extraLabels ?? [])]) {
      const owners = labelOwners.get(label) ?? [];
      if (!owners.includes(env)) owners.push(env);
      labelOwners.set(label, owners);
    }
  }

  return {
    policy,
    revision,
    digest: digestOf(policy),
    defaultEnvironment,
    scoped: isScoped(policy),
    labelOwners,
    scanSteps: scanStepsFor(policy, defaultEnvironment),
    gateStep: gateStepFor(defaultEnvironment),
    modeOf(rule: RuleId): Mode {
      if (!configurable.has(rule)) return 'enforce';
      return ruleMode(policy.rules, policy.mode, rule as ConfigurableRuleId);
    },
  };
}
