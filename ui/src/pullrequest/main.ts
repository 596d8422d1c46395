/** The pull-request panel and the pipeline file viewer: which one is decided by the module the page is shown in. */
import './pullrequest.css';
import type { FileView, PullRequestView, ViewAnswer } from '../../../src/prcheck/views';
import { createBackend, type PullRequestBackend } from './backend';
import { h } from './dom';
import { fileChoices, renderFileResult, renderPanel, targetValue } from './render';

const root = document.getElementById('root')!;

function show(...content: HTMLElement[]) {
  root.replaceChildren(...content);
  root.setAttribute('aria-busy', 'false');
}

const alertOf = (text: string) => h('p', { role: 'alert', class: 'verdict verdict-bad' }, text);

async function panel(backend: PullRequestBackend) {
  const answer = await backend.invoke<ViewAnswer<PullRequestView>>('getPullRequestView');
  show(answer.ok ? renderPanel(answer.view) : alertOf(answer.error));
}

function targetOf(value: string, branch: string): Record<string, unknown> | undefined {
  const [kind, ...rest] = value.split(':');
  const name = rest.join(':');
  if (kind === 'other') return branch.trim() ? { target: { kind: 'branch', name: branch.trim() } } : undefined;
  if (kind === 'custom') return { target: { kind: 'custom', name, branch: branch.trim() || 'main' } };
  return { target: { kind, name } };
}

async function fileViewer(backend: PullRequestBackend) {
  const first = await backend.invoke<ViewAnswer<FileView>>('getFileView', {});
  if (!first.ok) return show(alertOf(first.error));
  const view = first.view;
  const select = h(
    'select',
    { id: 'pg-target' },
    ...fileChoices(view).map((choice) => h('option', { value: choice.value }, choice.label)),
    h('option', { value: 'other' }, 'Another branch…'),
  ) as HTMLSelectElement;
  select.value = targetValue(view);
  const branch = h('input', {
    id: 'pg-branch',
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'main',
  }) as HTMLInputElement;
  const status = h('p', { role: 'status', class: 'muted', id: 'pg-file-status' });
  const result = h('div', { id: 'pg-file-result' }, renderFileResult(view));
  const form = h(
    'form',
    { class: 'file-form', 'aria-label': 'Which run to show' },
    h('label', { for: 'pg-target' }, 'Run'),
    select,
    h('label', { for: 'pg-branch' }, 'Branch (for another branch, or the branch a custom pipeline runs on)'),
    branch,
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const payload = targetOf(select.value, branch.value);
    if (!payload) return void (status.textContent = 'Type a branch name first.');
    status.textContent = 'Simulating…';
    result.setAttribute('aria-busy', 'true');
    const answer = await backend
      .invoke<ViewAnswer<FileView>>('getFileView', payload)
      .catch((error: Error) => ({ ok: false as const, error: error.message }));
    result.replaceChildren(answer.ok ? renderFileResult(answer.view) : alertOf(answer.error));
    result.setAttribute('aria-busy', 'false');
    status.textContent = answer.ok ? `Showing ${select.selectedOptions[0]?.textContent ?? 'the run'}.` : '';
  });
  show(
    h(
      'div',
      { 'data-testid': 'file-viewer' },
      h('h1', {}, `Pipeline Guard: ${view.path}`),
      h(
        'p',
        { class: 'muted' },
        `At commit ${view.commit.slice(0, 12)}: what Pipeline Guard does to a run of this file.`,
      ),
      form,
      status,
      result,
    ),
  );
}

async function start() {
  const backend = await createBackend();
  if ((await backend.kind()) === 'file') await fileViewer(backend);
  else await panel(backend);
}

start().catch((error: Error) => show(alertOf(`Pipeline Guard could not start: ${error.message}`)));
