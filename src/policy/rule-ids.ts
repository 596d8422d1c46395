/**
 * Every rule id an admin can set a mode for under the policy's `rules:`. The chain's order lives in
 * src/engine/chain.ts; a test keeps the two lists in step.
 */
export const CONFIGURABLE_RULE_IDS = [
  'repository-scope',
  'branch-gate',
  'runner-labels',
  'oidc-role',
  'unverifiable-identity',
  'manual-trigger',
  'deny-image',
  'deny-pipe',
  'deny-script',
  'security-scan',
] as const;

export type ConfigurableRuleId = (typeof CONFIGURABLE_RULE_IDS)[number];

/**
 * Checks that no policy can switch off: they guard the engine's own ability to see the pipeline
 * (a construct it cannot walk could hide a PROD step) and report its faults.
 */
export const FIXED_RULE_IDS = [
  'invalid-request',
  'invalid-pipeline',
  'selected-definition',
  'policy-unavailable',
  'repository-unknown',
  'internal-error',
] as const;

export type FixedRuleId = (typeof FIXED_RULE_IDS)[number];
export type RuleId = ConfigurableRuleId | FixedRuleId;

export const MODES = ['enforce', 'warn', 'off'] as const;
export type Mode = (typeof MODES)[number];

const STRENGTH: Readonly<Record<Mode, number>> = { enforce: 2, warn: 1, off: 0 };

/**
 * Rules that report what cannot be verified rather than what is wrong: unless `rules:` names them, they run
 * in this mode, or in the policy-wide mode when that is weaker (a policy in `off` turns them off too).
 */
export const DEFAULT_RULE_MODES: Readonly<Partial<Record<ConfigurableRuleId, Mode>>> = {
  'unverifiable-identity': 'warn',
};

/** The mode a rule runs in under a policy's `rules:` and `mode`. */
export function ruleMode(
  rules: Readonly<Partial<Record<ConfigurableRuleId, Mode>>>,
  policyMode: Mode,
  rule: ConfigurableRuleId,
): Mode {
  const own = rules[rule];
  if (own) return own;
  const fallback = DEFAULT_RULE_MODES[rule];
  return fallback && STRENGTH[fallback] < STRENGTH[policyMode] ? fallback : policyMode;
}
