import { cloneJson } from '../engine/clone';
import { GATE_STEP_NAME } from '../engine/injected-steps';
import { formatPath } from '../primitives/path';
import type { ChainContext, DefinitionSite, JsonObject, StepSite, Transform } from '../engine/types';

function firstItemIndex(definition: DefinitionSite): number {
  const first = definition.items[0] as JsonObject | undefined;
  return first && typeof first === 'object' && 'variables' in first ? 1 : 0;
}

function isManual(holder: unknown): boolean {
  return typeof holder === 'object' && holder !== null && (holder as JsonObject).trigger === 'manual';
}

/**
 * Whether the first item would make Bitbucket reject the pipeline: a manual step or stage, or a parallel group with
 * one.
 */
function startsManual(definition: DefinitionSite): boolean {
  const first = definition.items[firstItemIndex(definition)] as JsonObject | undefined;
  if (!first || typeof first !== 'object') return false;
  if ('step' in first) return isManual(first.step);
  if ('stage' in first) return isManual(first.stage);
  const parallel = first.parallel as unknown;
  const steps = Array.isArray(parallel) ? parallel : (parallel as JsonObject | undefined)?.steps;
  return Array.isArray(steps) && steps.some((holder) => isManual((holder as JsonObject | undefined)?.step));
}

function scanWillGoFirst(context: ChainContext): boolean {
  return context.policy.scanSteps.length > 0 && context.policy.modeOf('security-scan') === 'enforce';
}

function makeManual(site: StepSite): void {
  // Stage steps cannot be manual one by one; the stage waits as a whole.
  const holder = site.stage ?? site.step;
  const before = holder.trigger === undefined ? 'automatic' : String(holder.trigger);
  holder.trigger = 'manual';
  site.changes.push(
    `${site.stage ? "the step's stage" : 'the step'} now waits for a person (trigger: manual, was ${before})`,
  );
}

export const manualTrigger: Transform = {
  id: 'manual-trigger',
  description:
    'Makes steps of environments with `manualTrigger: true` wait for a person, ' +
    "keeping Bitbucket's rule that the first step is automatic.",
  apply(context) {
    const mode = context.policy.modeOf('manual-trigger');
    if (mode === 'off') return;
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
          message:
            `belongs to environment "${env.name}", whose steps wait for a person, ` +
            'but manual-trigger is in warn mode, so it starts automatically.',
          fix:
            `Add \`trigger: manual\` to the ${site.stage ? 'stage' : 'step'} yourself, ` +
            'or ask a workspace admin to enforce manual-trigger.',
        });
        continue;
      }
      makeManual(site);
    }
    if (mode !== 'enforce' || scanWillGoFirst(context)) return;
    // Checked on the result rather than on the steps this rule changed: a PROD step that was
    // already manual needs the automatic step in front just the same.
    for (const definition of context.definitions) {
      if (!startsManual(definition)) continue;
      definition.items.splice(firstItemIndex(definition), 0, { step: cloneJson(context.policy.gateStep) });
      context.configChanges.push(
        `${GATE_STEP_NAME} put first in ${formatPath(definition.segments)}: ` +
          'Bitbucket does not allow a manual first step',
      );
    }
  },
};
