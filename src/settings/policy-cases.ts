/** The saved policy tests as a gate: each case simulated under a policy, and a save refused when one breaks. */
import { refuse } from './resolver-handler';
import type { Draft } from './payloads';
import { runPolicyTest } from './policy-test-run';
import { compilePolicy } from '../engine/compiled-policy';
import type { PolicyTestStore } from '../storage/policy-tests';

/** One case under `policy` (undefined: none saved); the same runner a policy repository's commit goes through. */
export const runCase = runPolicyTest;

export interface CasesChecked {
  readonly testsRun: number;
  /** Names of failing cases the admin chose to go through, with a reason. */
  readonly overridden: string[];
}

/** Refuses a save that breaks a saved case, naming every broken case, unless `override` (the reason) is given. */
export async function checkCases(
  tests: PolicyTestStore,
  draft: Draft,
  revision: number,
  override?: string,
): Promise<CasesChecked> {
  const cases = await tests.list();
  const compiled = compilePolicy(draft.policy, revision);
  const failures = cases.map((test) => runCase(test, compiled)).filter((outcome) => !outcome.passed);
  if (failures.length > 0 && override) return { testsRun: cases.length, overridden: failures.map((f) => f.name) };
  if (failures.length > 0) {
    const broken = failures.map((f) => `"${f.name}" expects ${f.expect} but got ${f.actual}`).join('; ');
    const what = failures.length === 1 ? 'a policy test' : `${failures.length} policy tests`;
    refuse({
      code: 'tests-failed',
      message:
        `Not saved: this policy breaks ${what}: ` +
        `${broken}. Fix the policy, or change the test if the new behaviour is intended.`,
      failures,
    });
  }
  return { testsRun: cases.length, overridden: [] };
}
