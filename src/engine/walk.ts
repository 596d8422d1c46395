/**
 * Finds every definition and every step of a configuration, in every construct Bitbucket accepts
 * (sections, `pull-requests` destinations, custom `variables`, `parallel` in both forms, `stage`),
 * and reports whatever it cannot walk. A construct the walker cannot see into could hide a PROD
 * step, so each such problem blocks the run under the fixed `invalid-pipeline` rule.
 */
import { isPlainObject } from './clone';
import { extendPath, formatPath, type Path } from '../primitives/path';
import { MAX_AUDIENCE_LENGTH, MAX_AUDIENCES, oidcValueProblem } from './oidc-request';
import type { DefinitionSite, FindingInput, InjectedKind, JsonObject, StepSite } from './types';

const MAPPED_SECTIONS = ['branches', 'tags', 'custom', 'bookmarks', 'pull-requests'] as const;
const ITEM_KEYS = ['step', 'parallel', 'stage', 'variables'];

export interface WalkResult {
  readonly definitions: DefinitionSite[];
  readonly steps: StepSite[];
  readonly problems: FindingInput[];
}

export type InjectedStepRecogniser = (step: JsonObject) => InjectedKind | undefined;

const OIDC_FIX =
  'Write `oidc: true`, or `oidc: { audiences: [my-audience] }` ' +
  `with at most ${MAX_AUDIENCES} audiences of at most ${MAX_AUDIENCE_LENGTH} characters.`;

const quoteKeys = (keys: readonly string[]) => keys.map((k) => `\`${k}\``).join(', ');

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value} (${JSON.stringify(value).slice(0, 40)})`;
}

export interface WalkOptions {
  /** false skips the per-step shape checks, for a second walk over output the first walk already vetted. */
  readonly shapes?: boolean;
  /** Called on each step and stage before anything of it is read (src/engine/templating.ts fills in templates). */
  readonly prepare?: (holder: JsonObject, kind: 'step' | 'stage', segments: Path) => void;
}

type ProblemSink = (segments: Path, message: string, fix: string) => void;

/** What one walk collects, and how it reads each step. */
interface Walk {
  readonly definitions: DefinitionSite[];
  readonly steps: StepSite[];
  readonly problem: ProblemSink;
  readonly recogniseInjected: InjectedStepRecogniser;
  readonly options: WalkOptions;
  /** Each definition's path, formatted once for all its steps. */
  readonly definitionPaths: Map<DefinitionSite, string>;
}

export function walkConfiguration(
  config: JsonObject,
  recogniseInjected: InjectedStepRecogniser,
  options: WalkOptions = {},
): WalkResult {
  const definitions: DefinitionSite[] = [];
  const steps: StepSite[] = [];
  const problems: FindingInput[] = [];

  const problem = (segments: Path, message: string, fix: string) =>
    problems.push({ rule: 'invalid-pipeline', severity: 'high', segments, message, fix });
  const walk: Walk = { definitions, steps, problem, recogniseInjected, options, definitionPaths: new Map() };

  const globalOidc =
    isPlainObject(config.options) && options.shapes !== false && config.options.oidc !== undefined
      ? oidcValueProblem(config.options.oidc)
      : undefined;
  if (globalOidc) problem(['options', 'oidc'], `\`options.oidc\` ${globalOidc}`, OIDC_FIX);

  const pipelines = config.pipelines;
  if (pipelines === undefined || pipelines === null) return { definitions, steps, problems };
  if (!isPlainObject(pipelines)) {
    problem(
      ['pipelines'],
      `\`pipelines\` is ${describe(pipelines)}, not a mapping of sections`,
      'Write `pipelines:` as a mapping with sections such as `default:` or `branches:`.',
    );
    return { definitions, steps, problems };
  }
  for (const [section, value] of Object.entries(pipelines)) walkSection(walk, section, value);
  return { definitions, steps, problems };
}

function walkSection(walk: Walk, section: string, value: unknown): void {
  if (section === 'default') {
    addDefinition(walk, 'default', value, ['pipelines', 'default']);
    return;
  }
  if (!(MAPPED_SECTIONS as readonly string[]).includes(section)) return;
  if (value === null || value === undefined) return;
  if (!isPlainObject(value)) {
    walk.problem(
      ['pipelines', section],
      `\`pipelines.${section}\` is ${describe(value)}, not a mapping of names to pipelines`,
      `Write \`${section}:\` as a mapping, e.g. \`${section}: { main: [ … ] }\`.`,
    );
    return;
  }
  for (const [key, definition] of Object.entries(value)) {
    const segments = ['pipelines', section, key];
    if (section === 'pull-requests' && isPlainObject(definition) && 'destinations' in definition) {
      const destinations = definition.destinations;
      if (!isPlainObject(destinations)) {
        walk.problem(
          [...segments, 'destinations'],
          '`destinations` must be a mapping of destination-branch globs to pipelines',
          'Write `destinations: { main: [ … ] }`.',
        );
        continue;
      }
      for (const [destination, pipeline] of Object.entries(destinations))
        addDefinition(walk, section, pipeline, [...segments, 'destinations', destination], key, destination);
      continue;
    }
    addDefinition(walk, section, definition, segments, key);
  }
}

function addDefinition(
  walk: Walk,
  section: string,
  value: unknown,
  segments: Path,
  key?: string,
  destination?: string,
): void {
  if (isPlainObject(value) && typeof value.import === 'string') {
    walk.problem(
      segments,
      `the definition is an unresolved import (\`import: ${value.import}\`), so its steps cannot be checked`,
      'Bitbucket resolves imports before calling providers; ' +
        'run the simulator on the imported file, or inline the steps.',
    );
    return;
  }
  if (!Array.isArray(value)) {
    walk.problem(
      segments,
      `the definition is ${describe(value)}, not a list of steps`,
      'Write the pipeline as a list of `- step:`, `- parallel:` or `- stage:` items.',
    );
    return;
  }
  const definition: DefinitionSite = { section, key, destination, segments, items: value };
  walk.definitions.push(definition);
  walk.definitionPaths.set(definition, formatPath(segments));
  definition.items.forEach((item, index) => walkItem(walk, definition, item, index));
}

function walkItem(walk: Walk, definition: DefinitionSite, item: unknown, index: number): void {
  const { problem } = walk;
  const segments = [...definition.segments, index];
  if (!isPlainObject(item)) {
    problem(
      segments,
      `a pipeline item is ${describe(item)}, not \`step\`, \`parallel\` or \`stage\``,
      'Each item of a pipeline is `- step:`, `- parallel:` or `- stage:`.',
    );
    return;
  }
  const keys = Object.keys(item);
  const kind = keys.length === 1 && ITEM_KEYS.includes(keys[0]) ? keys[0] : undefined;
  if (!kind) {
    reportItemKeys(problem, keys, segments);
    return;
  }
  if (kind === 'variables') {
    if (!(definition.section === 'custom' && index === 0))
      problem(
        segments,
        '`variables` may only be the first item of a custom pipeline',
        'Move `variables` to the top of a pipeline under `custom:`.',
      );
    else if (!Array.isArray(item.variables))
      problem(
        [...segments, 'variables'],
        `\`variables\` is ${describe(item.variables)}, not a list`,
        'List the variables as `- name: …` entries.',
      );
    return;
  }
  if (kind === 'step') addStep(walk, definition, item, segments, index, undefined, false);
  else if (kind === 'parallel') walkParallel(walk, definition, item.parallel, segments, index);
  else walkStage(walk, definition, item.stage, segments, index);
}

function reportItemKeys(problem: ProblemSink, keys: readonly string[], segments: Path): void {
  const known = keys.filter((k) => ITEM_KEYS.includes(k));
  const extra = keys.filter((k) => !ITEM_KEYS.includes(k));
  if (known.length === 1)
    problem(
      segments,
      `${quoteKeys(extra)} ${extra.length === 1 ? 'sits' : 'sit'} beside \`${known[0]}:\` instead of under it`,
      `Indent ${extra.length === 1 ? 'it' : 'them'} two spaces further, under \`${known[0]}:\`.`,
    );
  else
    problem(
      segments,
      `a pipeline item has the key(s) ${quoteKeys(keys) || '(none)'}; ` +
        'Bitbucket accepts exactly one of `step`, `parallel`, `stage`',
      'Make each item of the list exactly one `- step:`, `- parallel:` or `- stage:`.',
    );
}

function walkParallel(walk: Walk, definition: DefinitionSite, parallel: unknown, segments: Path, index: number): void {
  const list = Array.isArray(parallel) ? parallel : isPlainObject(parallel) ? parallel.steps : undefined;
  const listSegments = Array.isArray(parallel) ? [...segments, 'parallel'] : [...segments, 'parallel', 'steps'];
  if (!Array.isArray(list)) {
    walk.problem(
      [...segments, 'parallel'],
      `\`parallel\` is ${describe(parallel)}; it must be a list of steps or a mapping with \`steps:\``,
      'Write `- parallel:` followed by `- step:` items, or `parallel: { steps: [ … ] }`.',
    );
    return;
  }
  list.forEach((holder, j) => addStep(walk, definition, holder, [...listSegments, j], index, undefined, true));
}

function walkStage(walk: Walk, definition: DefinitionSite, stage: unknown, segments: Path, index: number): void {
  if (!isPlainObject(stage) || !Array.isArray(stage.steps)) {
    walk.problem(
      [...segments, 'stage'],
      '`stage` must be a mapping with a `steps:` list',
      'Write `- stage: { name: …, steps: [ - step: … ] }`.',
    );
    return;
  }
  walk.options.prepare?.(stage, 'stage', [...segments, 'stage']);
  stage.steps.forEach((holder, j) =>
    addStep(walk, definition, holder, [...segments, 'stage', 'steps', j], index, stage, false),
  );
}

function addStep(
  walk: Walk,
  definition: DefinitionSite,
  holder: unknown,
  segments: Path,
  topLevelIndex: number,
  stage: JsonObject | undefined,
  inParallel: boolean,
): void {
  const { problem, options } = walk;
  if (!isPlainObject(holder) || !('step' in holder)) {
    problem(
      segments,
      `expected a \`- step:\` item here, found ${describe(holder)}`,
      'Only steps may appear inside `parallel` and `stage`.',
    );
    return;
  }
  const keys = Object.keys(holder);
  if (keys.length !== 1) {
    const extra = keys.filter((k) => k !== 'step');
    problem(
      segments,
      `${quoteKeys(extra)} ${extra.length === 1 ? 'sits' : 'sit'} beside \`step:\` instead of under it`,
      `Indent ${extra.length === 1 ? 'it' : 'them'} two spaces further, under \`step:\`.`,
    );
    return;
  }
  const step = holder.step;
  if (!isPlainObject(step)) {
    problem(
      [...segments, 'step'],
      `\`step\` is ${describe(step)}, not a mapping`,
      'Give the step its options as a mapping: `- step: { name: …, script: [ … ] }`.',
    );
    return;
  }
  options.prepare?.(step, 'step', [...segments, 'step']);
  const site: StepSite = {
    step,
    segments,
    path: extendPath(walk.definitionPaths.get(definition)!, segments, definition.segments.length),
    name: typeof step.name === 'string' ? step.name : undefined,
    definition,
    topLevelIndex,
    stage,
    inParallel,
    isChildPipeline: step.type === 'pipeline',
    injected: stage || inParallel ? undefined : walk.recogniseInjected(step),
    scriptShift: 0,
    changes: [],
  };
  if (options.shapes !== false) checkStepShape(site, problem);
  walk.steps.push(site);
}

function checkStepShape(site: StepSite, problem: ProblemSink): void {
  const { step } = site;
  for (const key of ['script', 'after-script'] as const) {
    const script = step[key];
    if (script === undefined) continue;
    if (!Array.isArray(script)) {
      problem(
        [...site.segments, 'step', key],
        `\`${key}\` is ${describe(script)}, not a list of commands`,
        `Write \`${key}:\` as a list: \`- echo hello\`.`,
      );
      continue;
    }
    script.forEach((line, i) => {
      if (typeof line === 'string') return;
      if (isPlainObject(line) && typeof line.pipe === 'string') return;
      problem(
        [...site.segments, 'step', key, i],
        `a \`${key}\` item is ${describe(line)}; expected a command or a \`pipe:\``,
        'Quote the command so that YAML reads it as one string, e.g. `- "echo key: value"`.',
      );
    });
  }
  const runsOn = step['runs-on'];
  if (
    runsOn !== undefined &&
    typeof runsOn !== 'string' &&
    !(Array.isArray(runsOn) && runsOn.every((l) => typeof l === 'string'))
  )
    problem(
      [...site.segments, 'step', 'runs-on'],
      `\`runs-on\` is ${describe(runsOn)}; expected a label or a list of labels`,
      'Write `runs-on: [self.hosted, linux]`.',
    );
  const oidcProblem = step.oidc === undefined ? undefined : oidcValueProblem(step.oidc);
  if (oidcProblem) problem([...site.segments, 'step', 'oidc'], `\`oidc\` ${oidcProblem}`, OIDC_FIX);
  for (const key of ['name', 'deployment', 'environment', 'trigger'] as const)
    if (step[key] !== undefined && typeof step[key] !== 'string')
      problem(
        [...site.segments, 'step', key],
        `\`${key}\` is ${describe(step[key])}; expected text`,
        `Write \`${key}:\` as a plain string.`,
      );
}
