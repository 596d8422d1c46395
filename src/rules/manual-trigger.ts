import { cloneJson } from '../engine/clone';
import { formatPath } from '../engine/path';
import { shellQuote } from '../engine/shell';
import type { ChainContext, DefinitionSite, JsonObject, StepSite, Transform } from '../engine/types';
import type { Environment } from '../policy/schema';

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

function firstItemIndex(definition: DefinitionSite): number {
  const first = definition.items[0] as JsonObject | undefined;
  return first && typeof first === 'object' && 'variables' in first ? 1 : 0;
}

function scanWillGoFirst(context: ChainContext): boolean {
  return context.policy.scanSteps.length > 0 && context.policy.modeOf('security-scan') === 'enforce';
}

function makeManual(site: StepSite): void {
  // Stage steps cannot be manual one by one; the stage waits as a whole.
  const holder = site.stage ?? site.step;
  const before = holder.trigger === undefined ? 'automatic' : String(holder.trigger);
  holder.trigger = 'manual';
  site.changes.push(`${site.stage ? "the step's stage" : 'the step'} now waits for a person (trigger: manual, was ${before})`);
}

export const manualTrigger: Transform = {
  id: 'manual-trigger',
  description: 'Makes steps of environments with `manualTrigger: true` wait for a person, keeping Bitbucket\'s rule that the first step is automatic.',
  apply(context) {
    const mode = context.policy.modeOf('manual-trigger');
    if (mode === 'off') return;
    const needsGate = new Set<DefinitionSite>();
    for (const site of context.steps) {
      const env = site.environment;
      if (!env?.manualTrigger || site.injected || site.isChildPipeline) continue;
      const holder = site.stage ?? site.step;
      if (holder.trigger === 'manual') continue;
      if (mode === 'warn') {
        // Warn mode is a dry run of this rewrite: the step keeps starting by itself, and the record says so.
        context.report({
          rule: 'manual-trigger',
          severity: 'medium',
          site,
          message: `belongs to environment "${env.name}", whose steps wait for a person, but manual-trigger is in warn mode, so it starts automatically.`,
          fix: `Add \`trigger: manual\` to the ${site.stage ? 'stage' : 'step'} yourself, or ask a workspace admin to enforce manual-trigger.`,
        });
        continue;
      }
      makeManual(site);
      if (site.topLevelIndex === firstItemIndex(site.definition)) needsGate.add(site.definition);
    }
    if (scanWillGoFirst(context)) return;
    for (const definition of needsGate) {
      definition.items.splice(firstItemIndex(definition), 0, { step: cloneJson(context.policy.gateStep) });
      context.configChanges.push(`${GATE_STEP_NAME} put first in ${formatPath(definition.segments)}: Bitbucket does not allow a manual first step`);
    }
  },
};
