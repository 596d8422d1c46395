/**
 * The steps Pipeline Guard itself puts into a pipeline (security scans, the approval gate), built
 * once per compiled policy so that every pass recognises its own earlier output.
 */
import type { Environment, Policy } from '../policy/schema';
import { shellQuote } from './shell';
import type { JsonObject } from './types';

/** The policy's scan steps as pipeline steps, on the default environment's runners. */
export function scanStepsFor(policy: Policy, defaultEnvironment: Environment): JsonObject[] {
  return (policy.securityScan?.steps ?? []).map((scan) => {
    const step: JsonObject = { name: scan.name };
    if (scan.image) step.image = scan.image;
    step.script = [...scan.script];
    if (scan.size) step.size = scan.size;
    if (scan['max-time']) step['max-time'] = scan['max-time'];
    if (defaultEnvironment.runner) step['runs-on'] = [...defaultEnvironment.runner.labels];
    return step;
  });
}

export const GATE_STEP_NAME = 'Pipeline Guard: approval gate';

/**
 * Bitbucket rejects a pipeline whose first step is manual. When a manual step would come first and
 * no scan step will be put before it, this automatic step goes first instead.
 */
export function gateStepFor(defaultEnvironment: Environment): JsonObject {
  const step: JsonObject = {
    name: GATE_STEP_NAME,
    script: [`echo ${shellQuote('The next step needs a person to start it (Pipeline Guard: manual trigger).')}`],
  };
  if (defaultEnvironment.runner) step['runs-on'] = [...defaultEnvironment.runner.labels];
  return step;
}
