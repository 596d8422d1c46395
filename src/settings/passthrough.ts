/**
 * The steps of a run that passes through because no policy is saved yet: the provider hands the
 * configuration back unchanged, so the engine decides nothing per step, but the admin still needs
 * to see what would run.
 */
import { isPlainObject } from '../engine/clone';
import { walkConfiguration } from '../engine/walk';
import type { SimulatedStep, SimulationResult } from '../simulate/simulate';
import { parseYaml } from '../yaml/document';

export function passthroughSteps(result: SimulationResult, yamlText: string): SimulatedStep[] {
  const config = result.request.pipelines_configuration;
  if (!isPlainObject(config)) return [];
  let positionOf: ((path: readonly (string | number)[]) => { line: number } | undefined) | undefined;
  try {
    positionOf = parseYaml(yamlText).positionOf;
  } catch {
    positionOf = undefined;
  }
  return walkConfiguration(config, () => undefined, { shapes: false }).steps.map((site) => {
    const runsOn = site.step['runs-on'];
    return {
      path: site.path,
      line: site.segments.length ? positionOf?.(site.segments)?.line : undefined,
      name: site.name,
      runsOn: Array.isArray(runsOn) ? runsOn.map(String) : typeof runsOn === 'string' ? [runsOn] : undefined,
      oidc: site.step.oidc === true,
      changes: [],
    };
  });
}
