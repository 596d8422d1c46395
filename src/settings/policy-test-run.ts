/**
 * Runs one policy test (a saved preview case) against a policy: the runner behind every page save,
 * rollback and "Run all", and behind every commit of a policy repository (policy-sync.ts).
 */
import type { CompiledPolicy } from '../engine/types';
import { simulate, SimulationInputError } from '../simulate/simulate';
import type { PolicyTestInput } from '../storage/policy-tests';
import type { PolicyTestOutcome } from './api';

export function runPolicyTest(
  test: PolicyTestInput & { id: string },
  policy: CompiledPolicy | undefined,
): PolicyTestOutcome {
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
    const detail = `the case's pipeline cannot be simulated: ${error.message}`;
    return { id: test.id, name: test.name, expect: test.expect, actual: 'error', passed: false, detail };
  }
}
