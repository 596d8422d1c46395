/**
 * `pipeline-guard replay SAMPLES.jsonl --policy DRAFT --baseline CURRENT`: the settings page's
 * replay for a policy repository's own CI. Reads the samples the page exports (JSON Lines, one
 * `{ "request": …, "repository": { "slug", "project" } }` per line), replays each under both
 * policies and prints the comparison. Exit 0 when the draft newly blocks no run, 1 when it does,
 * 2 on unusable input.
 */
import type { RunSample } from '../engine/sample';
import { PROJECT_KEY_PATTERN, SLUG_PATTERN } from '../policy/scope';
import type { Policy } from '../policy/schema';
import { replayDraft, type ReplayRun, type ReplaySummary } from '../simulate/replay';
import type { Palette } from './render';

export class SamplesInputError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function sampleFromLine(value: unknown, where: string): RunSample {
  if (!isObject(value))
    throw new SamplesInputError(`${where}: a sample is a JSON object { "request": …, "repository": … }`);
  const unknown = Object.keys(value).filter((key) => key !== 'request' && key !== 'repository');
  if (unknown.length)
    throw new SamplesInputError(
      `${where}: unknown field ${unknown.map((key) => JSON.stringify(key.slice(0, 40))).join(', ')}; ` +
        'a sample has "request" and optionally "repository"',
    );
  if (!isObject(value.request))
    throw new SamplesInputError(`${where}: "request" must be the run request object (as the settings page exports it)`);
  if (value.repository === undefined) return { request: value.request };
  const repository = value.repository;
  if (!isObject(repository) || typeof repository.slug !== 'string' || !SLUG_PATTERN.test(repository.slug))
    throw new SamplesInputError(`${where}: "repository" must be { "slug": "<repository slug>", "project": "<KEY>" }`);
  if (
    repository.project !== undefined &&
    (typeof repository.project !== 'string' || !PROJECT_KEY_PATTERN.test(repository.project))
  )
    throw new SamplesInputError(`${where}: "repository.project" must be a Bitbucket project key such as PAY`);
  return {
    request: value.request,
    repository: { slug: repository.slug, ...(repository.project ? { project: repository.project as string } : {}) },
  };
}

/** Every non-blank line is one sample; any line that is not one makes the whole input unusable, naming the line. */
export function parseSamplesJsonl(text: string, label: string): RunSample[] {
  const samples: RunSample[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new SamplesInputError(`${label} line ${index + 1}: not JSON (${(error as Error).message})`);
    }
    samples.push(sampleFromLine(value, `${label} line ${index + 1}`));
  }
  if (samples.length === 0)
    throw new SamplesInputError(
      `${label} holds no samples; export them from the settings page (Preview → Replay → Export samples)`,
    );
  return samples;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function runLine(run: ReplayRun, index: number): string {
  const rules = run.rules.length ? ` [${run.rules.join(', ')}]` : '';
  return `  ${index + 1}. ${run.repository}, ${run.ref} (${run.selector})${rules}`;
}

function section(title: string, runs: ReplayRun[], detail: (run: ReplayRun) => string[]): string[] {
  if (!runs.length) return [];
  return [
    '',
    `${title}:`,
    ...runs.flatMap((run, index) => [runLine(run, index), ...detail(run).map((line) => `     ${line}`)]),
  ];
}

export function renderReplay(
  summary: ReplaySummary,
  labels: { samples: string; draft: string; baseline: string },
  style: Palette,
): string {
  const { totals } = summary;
  const lines = [
    `Replayed ${plural(totals.runs, 'run')} from ${labels.samples} under ${labels.draft} (draft) ` +
      `against ${labels.baseline} (baseline)` +
      (summary.unusable
        ? `; ${plural(summary.unusable, 'sample')} the engine could not read under either policy`
        : '') +
      '.',
    `  newly blocked: ${totals.newlyBlocked ? style.red(String(totals.newlyBlocked)) : '0'}` +
      `   newly allowed: ${totals.newlyAllowed}` +
      `   steps changed: ${summary.stepChanges} (in ${plural(totals.changedSteps, 'run')})` +
      `   runs with new warnings: ${totals.newWarnings}`,
  ];
  const changed = summary.byRepository.filter(
    (r) => r.newlyBlocked || r.newlyAllowed || r.changedSteps || r.newWarnings,
  );
  if (changed.length) {
    lines.push('', 'By repository:');
    for (const r of changed) {
      const counts = [
        r.newlyBlocked && `${r.newlyBlocked} newly blocked`,
        r.newlyAllowed && `${r.newlyAllowed} newly allowed`,
        r.changedSteps && `${plural(r.changedSteps, 'run')} with changed steps`,
        r.newWarnings && `${plural(r.newWarnings, 'run')} with new warnings`,
      ];
      lines.push(`  ${r.repository}: ${counts.filter(Boolean).join(', ')} (of ${plural(r.runs, 'run')})`);
    }
  }
  if (summary.byRule.length) {
    lines.push('', 'By rule:');
    for (const r of summary.byRule) {
      const counts = [
        r.newlyBlocked && `${r.newlyBlocked} newly blocked`,
        r.newlyAllowed && `${r.newlyAllowed} newly allowed`,
        r.newWarnings && `${r.newWarnings} new warnings`,
      ];
      lines.push(`  ${r.rule}: ${counts.filter(Boolean).join(', ')}`);
    }
  }
  const of = (kind: ReplayRun['kinds'][number]) => summary.runs.filter((run) => run.kinds.includes(kind));
  lines.push(
    ...section(style.bold('Newly blocked (the message a developer would get)'), of('newly-blocked'), (run) =>
      (run.message ?? '').split('\n'),
    ),
  );
  lines.push(...section(style.bold('Newly allowed'), of('newly-allowed'), () => []));
  lines.push(
    ...section(style.bold('Steps that change'), of('changed-steps'), (run) =>
      (run.stepChanges ?? []).map((c) => `step "${c.step}" at ${c.path}: ${c.field} ${c.before} -> ${c.after}`),
    ),
  );
  lines.push(
    ...section(style.bold('New warnings'), of('new-warnings'), (run) =>
      (run.warnings ?? []).map((w) => `[${w.rule}]${w.step ? ` step "${w.step}"` : ''}: ${w.message}`),
    ),
  );
  if (summary.runsLeftOut) lines.push('', `${plural(summary.runsLeftOut, 'more changed run')} not listed.`);
  lines.push(
    '',
    totals.newlyBlocked
      ? style.red(`The draft newly blocks ${plural(totals.newlyBlocked, 'run')}.`)
      : style.green('The draft newly blocks no run.'),
  );
  return `${lines.join('\n')}\n`;
}

/** Replays every sample (all listed: the CLI has no storage value to fit) and renders the result. */
export function replayForCli(samples: RunSample[], draft: Policy, baseline: Policy): ReplaySummary {
  return replayDraft({
    samples,
    current: baseline,
    draft,
    limits: { listedRuns: Number.MAX_SAFE_INTEGER, perRun: 50, messageBytes: 64 * 1024 },
  });
}
