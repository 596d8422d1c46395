/**
 * The page's tabs. Every tab is its own chunk, loaded when first opened, so the first view carries
 * only the Environments form. To add a tab: one loader and one entry in TABS.
 */
import { lazy, type ReactNode } from 'react';
import type { HistoryEntry, PolicyView, PreviewView } from '../../src/settings/api';
import type { Call } from './api';
import type { SettingsBackend } from './backend/types';
import type { PreviewState } from './preview-state';
import type { NewTest } from './tabs/TestsTab';

/** What a tab may use from the page. */
export interface PageContext {
  readonly call: Call;
  readonly backend: SettingsBackend;
  readonly view: PolicyView;
  readonly draft: unknown;
  /** The editor holds valid unsaved changes. */
  readonly draftUsable: boolean;
  readonly dirty: boolean;
  readonly readOnly: boolean;
  readonly draftVersion: number;
  /** The "no policy yet" message with its start buttons, while there is no draft. */
  readonly emptyState: ReactNode;
  /** The draft as YAML text; undefined until the YAML support has loaded. */
  readonly yamlText: string | undefined;
  setYamlText(text: string): void;
  requestImport(text: string, fileName: string): void;
  requestRemoveEnvironment(index: number): void;
  requestRollback(entry: HistoryEntry): void;
  readonly preview: PreviewState;
  setPreview(next: PreviewState): void;
  saveAsTest(view: PreviewView): void;
  readonly newTest: NewTest;
  /** Reloads the policy and its source, after the source changed or a commit loaded. */
  reloadAll(): void;
}

const loaders = {
  environments: () => import('./tabs/EnvironmentsTab').then((m) => ({ default: m.EnvironmentsTab })),
  yaml: () => import('./tabs/YamlTab').then((m) => ({ default: m.YamlTab })),
  preview: () => import('./tabs/PreviewTab').then((m) => ({ default: m.PreviewTab })),
  history: () => import('./tabs/HistoryTab').then((m) => ({ default: m.HistoryTab })),
  trust: () => import('./tabs/TrustTab').then((m) => ({ default: m.TrustTab })),
  decisions: () => import('./tabs/DecisionsTab').then((m) => ({ default: m.DecisionsTab })),
  tests: () => import('./tabs/TestsTab').then((m) => ({ default: m.TestsTab })),
  repositories: () => import('./tabs/RepositoriesTab').then((m) => ({ default: m.RepositoriesTab })),
  runners: () => import('./tabs/RunnersTab').then((m) => ({ default: m.RunnersTab })),
  grants: () => import('./tabs/GrantsTab').then((m) => ({ default: m.GrantsTab })),
  source: () => import('./tabs/SourceTab').then((m) => ({ default: m.SourceTab })),
};

const EnvironmentsTab = lazy(loaders.environments);
const YamlTab = lazy(loaders.yaml);
const PreviewTab = lazy(loaders.preview);
const HistoryTab = lazy(loaders.history);
const TrustTab = lazy(loaders.trust);
const DecisionsTab = lazy(loaders.decisions);
const TestsTab = lazy(loaders.tests);
const RepositoriesTab = lazy(loaders.repositories);
const RunnersTab = lazy(loaders.runners);
const GrantsTab = lazy(loaders.grants);
const SourceTab = lazy(loaders.source);

/** The saved policy's environment names: a grant can only open environments the provider enforces. */
function savedEnvironments(policy: unknown): string[] {
  const environments = (policy as { environments?: unknown } | undefined)?.environments;
  return Array.isArray(environments)
    ? environments.flatMap((env) => (typeof env?.name === 'string' ? [env.name as string] : []))
    : [];
}

function yamlTab(p: PageContext) {
  if (p.emptyState) return p.emptyState;
  if (p.yamlText === undefined) return <p aria-busy="true">Loading the YAML editor…</p>;
  return (
    <YamlTab
      text={p.yamlText}
      onText={p.readOnly ? undefined : p.setYamlText}
      onImport={p.readOnly ? undefined : p.requestImport}
    />
  );
}

interface TabEntry {
  readonly name: string;
  /** Starts loading the tab's chunk; the page loads the visible tab's before anything else. */
  readonly load: () => Promise<unknown>;
  readonly render: (page: PageContext) => ReactNode;
}

export const TABS: readonly TabEntry[] = [
  {
    name: 'Environments',
    load: loaders.environments,
    render: (p) =>
      p.emptyState || (
        <EnvironmentsTab
          key={p.draftVersion}
          onRemoveEnvironment={p.readOnly ? undefined : p.requestRemoveEnvironment}
        />
      ),
  },
  { name: 'YAML', load: loaders.yaml, render: yamlTab },
  {
    name: 'Preview',
    load: loaders.preview,
    render: (p) => (
      <PreviewTab
        call={p.call}
        draft={p.draft}
        draftUsable={p.draftUsable}
        state={p.preview}
        setState={p.setPreview}
        onSaveAsTest={p.readOnly ? undefined : p.saveAsTest}
        replayText={p.readOnly ? undefined : p.yamlText}
      />
    ),
  },
  {
    name: 'History',
    load: loaders.history,
    render: (p) => (
      <HistoryTab
        call={p.call}
        currentRevision={p.view.revision}
        canEdit={!p.readOnly}
        dirty={p.dirty}
        onRollback={p.requestRollback}
      />
    ),
  },
  {
    name: 'Trust policies',
    load: loaders.trust,
    render: (p) => <TrustTab call={p.call} draft={p.draft} draftUsable={p.draftUsable} />,
  },
  { name: 'Decision log', load: loaders.decisions, render: (p) => <DecisionsTab call={p.call} backend={p.backend} /> },
  {
    name: 'Policy tests',
    load: loaders.tests,
    render: (p) => (
      <TestsTab
        key={JSON.stringify(p.newTest)}
        call={p.call}
        canEdit={!p.readOnly}
        draft={p.draft}
        draftUsable={p.draftUsable}
        initial={p.newTest}
      />
    ),
  },
  {
    name: 'Repositories',
    load: loaders.repositories,
    render: (p) => <RepositoriesTab call={p.call} dirty={p.dirty} />,
  },
  // Keyed by what they were loaded for: a tab opened before a save, a discard or a load would keep showing the old
  // state.
  {
    name: 'Runners',
    load: loaders.runners,
    render: (p) => (
      <RunnersTab
        key={`${p.view.revision}-${p.draftVersion}`}
        call={p.call}
        draft={p.draft}
        draftUsable={p.draftUsable}
      />
    ),
  },
  {
    name: 'Break-glass grants',
    load: loaders.grants,
    render: (p) => <GrantsTab key={p.view.revision} call={p.call} environments={savedEnvironments(p.view.policy)} />,
  },
  {
    name: 'Policy source',
    load: loaders.source,
    render: (p) => (
      <SourceTab
        call={p.call}
        backend={p.backend}
        policyText={p.view.policyText ?? p.yamlText ?? ''}
        onChanged={p.reloadAll}
      />
    ),
  },
];

export const tabIndex = (name: string) => TABS.findIndex((tab) => tab.name === name);
