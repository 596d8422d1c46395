/**
 * Every rule id an admin can set a mode for under the policy's `rules:`. The chain's order lives in
 * src/engine/chain.ts; a test keeps the two lists in step.
 */
export const CONFIGURABLE_RULE_IDS = [
  'repository-scope',
  'branch-gate',
  'runner-labels',
  'oidc-role',
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
export const FIXED_RULE_IDS = ['invalid-request', 'invalid-pipeline', 'selected-definition', 'policy-unavailable', 'repository-unknown', 'internal-error'] as const;

export type FixedRuleId = (typeof FIXED_RULE_IDS)[number];
export type RuleId = ConfigurableRuleId | FixedRuleId;

export const MODES = ['enforce', 'warn', 'off'] as const;
export type Mode = (typeof MODES)[number];
