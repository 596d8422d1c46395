import { CHAIN } from '../../src/rules/chain';
import { CONFIGURABLE_RULE_IDS } from '../../src/policy/rule-ids';

describe('the chain', () => {
  it('states the order the issue specifies', () => {
    expect(CHAIN.map((t) => t.id)).toEqual([
      'branch-context',
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
    ]);
  });

  it('gives every configurable rule exactly one transform, and every transform a one-line description', () => {
    const ids = CHAIN.map((t) => t.id).filter((id) => id !== 'branch-context');
    expect([...ids].sort()).toEqual([...CONFIGURABLE_RULE_IDS].sort());
    for (const transform of CHAIN) expect(transform.description).toMatch(/^[A-Z][^\n]{20,200}\.$/);
  });
});
