/** The panel's and the file viewer's markup, from the resolver's view models. */
import type { FileView, PullRequestView, RunView, ViolationView } from '../../../src/prcheck/views';
import { h } from './dom';

const OUTCOME_TEXT: Record<string, string> = {
  allowed: 'allowed',
  blocked: 'blocked',
  none: 'nothing runs',
  absent: 'not defined',
  unusable: 'cannot be simulated',
};
const outcomeText = (outcome: string | undefined) => (outcome === undefined ? '' : (OUTCOME_TEXT[outcome] ?? outcome));

function badge(outcome: string, fails: boolean): HTMLElement {
  const tone = fails ? 'bad' : outcome === 'blocked' ? 'warn' : outcome === 'allowed' ? 'good' : 'plain';
  return h(
    'span',
    { class: `badge badge-${tone}` },
    fails ? `${outcomeText(outcome)}, worse than today` : outcomeText(outcome),
  );
}

function violations(title: string, list: readonly ViolationView[], id: string): HTMLElement | null {
  if (!list.length) return null;
  return h(
    'div',
    { class: 'violations' },
    h('h4', { id }, `${title} (${list.length})`),
    h('ol', { 'aria-labelledby': id }, ...list.map((v) => h('li', { class: `mode-${v.mode}` }, v.text))),
  );
}

function stepsTable(run: RunView, id: string): HTMLElement {
  if (!run.steps.length) return h('p', { class: 'muted' }, run.note ?? 'No steps run.');
  const header = h(
    'tr',
    {},
    ...['Step', 'Line', 'Environment', 'Runners (runs-on)', 'Identity', 'Pipeline Guard changes'].map((title) =>
      h('th', { scope: 'col' }, title),
    ),
  );
  const rows = run.steps.map((step) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, step.name ?? step.path),
      h('td', {}, step.line === undefined ? '-' : String(step.line)),
      h('td', {}, step.environment ?? '-'),
      h('td', {}, step.runsOn?.join(', ') ?? '-'),
      h('td', {}, step.identity),
      h('td', {}, step.changes.length ? step.changes.join('; ') : 'none'),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-labelledby': id, tabindex: '0' },
    h('table', {}, h('caption', { id }, `Steps of the ${run.label}`), h('thead', {}, header), h('tbody', {}, ...rows)),
  );
}

export function runSection(run: RunView, index: number, destination?: string): HTMLElement {
  const id = `run-${index}`;
  const before =
    run.outcomeBefore !== undefined
      ? h(
          'p',
          { class: 'muted' },
          `On ${destination ?? 'the destination'} today: ${outcomeText(run.outcomeBefore)}. ` +
            `After this merge: ${outcomeText(run.outcome)}.`,
        )
      : null;
  const diff = run.diff
    ? h(
        'details',
        {},
        h('summary', {}, 'What Pipeline Guard changes in this run (diff)'),
        h('pre', { class: 'diff', tabindex: '0', 'aria-label': `Diff of the ${run.label}` }, run.diff),
      )
    : null;
  return h(
    'section',
    { class: `run${run.fails ? ' run-fails' : ''}`, 'aria-labelledby': `${id}-title`, 'data-run': run.id },
    h('h3', { id: `${id}-title` }, `${run.label} `, badge(run.outcome, run.fails)),
    before,
    violations('New violations: these fail the check', run.introduced, `${id}-new`),
    violations(`Already on ${destination ?? 'the destination'}: not failing the check`, run.existing, `${id}-existing`),
    violations('Fixed by this pull request', run.fixed, `${id}-fixed`),
    violations('Warnings (warn mode, never failing)', run.warnings, `${id}-warnings`),
    stepsTable(run, `${id}-steps`),
    diff,
  );
}

export function renderPanel(view: PullRequestView): HTMLElement {
  const pr = view.pullRequest;
  const tone =
    view.verdict === 'failed' || view.verdict === 'unusable' || view.verdict === 'source-missing' ? 'bad' : 'good';
  return h(
    'div',
    { 'data-testid': 'pr-panel' },
    h('h1', {}, 'Pipeline Guard: this pull request'),
    h(
      'p',
      { class: 'muted' },
      `#${pr.id}${pr.title ? ` ${pr.title}` : ''}: ${pr.source} → ${pr.destination}, ` +
        `commit ${pr.sourceCommit.slice(0, 12)}` +
        `${view.policyRevision !== undefined ? `, policy revision ${view.policyRevision}` : ''}`,
    ),
    h('p', { class: `verdict verdict-${tone}`, role: 'status', 'data-testid': 'pr-verdict' }, view.summary),
    view.problems.length
      ? h('ul', { class: 'problems' }, ...view.problems.map((problem) => h('li', {}, problem)))
      : null,
    h('h2', {}, 'Every run this merge makes possible'),
    ...view.runs.map((run, index) => runSection(run, index, pr.destination)),
  );
}

export interface FileChoice {
  readonly value: string;
  readonly label: string;
}

export function fileChoices(view: FileView): FileChoice[] {
  const literal = (key: string) => !/[*?{}[\]]/.test(key);
  return [
    ...view.choices.branches.filter(literal).map((name) => ({ value: `branch:${name}`, label: `Branch ${name}` })),
    ...view.choices.tags.filter(literal).map((name) => ({ value: `tag:${name}`, label: `Tag ${name}` })),
    ...view.choices.custom.map((name) => ({ value: `custom:${name}`, label: `Custom pipeline ${name}` })),
  ];
}

export function targetValue(view: FileView): string {
  const target = view.target;
  return target.kind === 'custom'
    ? `custom:${target.name}`
    : target.kind === 'branch' || target.kind === 'tag'
      ? `${target.kind}:${target.name}`
      : '';
}

export function renderFileResult(view: FileView): HTMLElement {
  return h(
    'div',
    { 'data-testid': 'file-result' },
    view.problems.length
      ? h('ul', { class: 'problems' }, ...view.problems.map((problem) => h('li', {}, problem)))
      : null,
    view.run ? runSection(view.run, 0) : null,
  );
}
