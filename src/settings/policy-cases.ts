/** The saved policy tests as a gate: each case simulated under a policy, and a save refused when one breaks. */
import { refuse } from './resolver-handler';
import type { Draft } from './payloads';
import type { PolicyTestOutcome } from './api';
import { compilePolicy } from '../engine/compiled-policy';
import type { CompiledPolicy } from '../engine/types';
import { simulate, SimulationInputError } from '../simulate/simulate';
import type { PolicyTest, PolicyTestStore } from '../storage/policy-tests';

/** One case under `policy` (undefined: none saved); a pipeline that cannot be simulated fails the case. */
export function runCase(test: PolicyTest, policy: CompiledPolicy | undefined): PolicyTestOutcome {
  try {
    const result = simulate({ yamlText: test.yaml, policy, target: test.target, repository: test.repository });
    const passed = result.outcome === test.expect;
    const firstBlock = result.violations.find((v) => v.mode === 'enforce');
    const detail = passed
      ? undefined
      : firstBlock
        ? `${firstBlock.rule}: ${firstBlock.message}`
        : `the run would be ${result.outcome}`;
    return { id: test.id, name: test.name, expect: test.expect, actual: result.outcome, passed, detail };
  } catch (error) {
    if (!(error instanceof SimulationInputError)) throw error;
    return {
      id: test.id,
      name: test.name,
      expect: test.expect,
      actual: 'error',
      passed: false,
      detail: `the case's pipeline cannot be simulated: ${error.message}`,
    };
  }
}

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
