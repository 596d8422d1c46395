/**
 * The page's tabs. Every tab is its own chunk, loaded when first opened, so the first view carries
 * only the Environments form. To add a tab: one tabComponent and one entry in ENTRIES.
 */
import { lazy, useEffect, useState, type ComponentType, type ReactNode } from 'react';
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

/**
 * A tab component that renders at once when its chunk has already loaded, and lazily otherwise: a
 * React.lazy suspends on its first render even then, and React holds a boundary's content back for
 * 500 ms after its fallback showed, which kept the visible tab (preloaded with the page) off screen.
 */
function tabComponent<P extends object>(load: () => Promise<ComponentType<P>>) {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  const loadOnce = () =>
    (loading ??= load().then((component) => {
      loaded = component;
      return { default: component };
    }));
  const Lazy = lazy(loadOnce);
  function Tab(props: P) {
    // Chosen once per mount: switching from the lazy to the loaded component would remount the tab.
    const [Component] = useState<ComponentType<P>>(() => loaded ?? (Lazy as unknown as ComponentType<P>));
    return <Component {...props} />;
  }
  return { Tab, load: loadOnce };
}

const tabs = {
  environments: tabComponent(() => import('./tabs/EnvironmentsTab').then((m) => m.EnvironmentsTab)),
  yaml: tabComponent(() => import('./tabs/YamlTab').then((m) => m.YamlTab)),
  preview: tabComponent(() => import('./tabs/PreviewTab').then((m) => m.PreviewTab)),
  history: tabComponent(() => import('./tabs/HistoryTab').then((m) => m.HistoryTab)),
  trust: tabComponent(() => import('./tabs/TrustTab').then((m) => m.TrustTab)),
  decisions: tabComponent(() => import('./tabs/DecisionsTab').then((m) => m.DecisionsTab)),
  tests: tabComponent(() => import('./tabs/TestsTab').then((m) => m.TestsTab)),
  repositories: tabComponent(() => import('./tabs/RepositoriesTab').then((m) => m.RepositoriesTab)),
  runners: tabComponent(() => import('./tabs/RunnersTab').then((m) => m.RunnersTab)),
  grants: tabComponent(() => import('./tabs/GrantsTab').then((m) => m.GrantsTab)),
  source: tabComponent(() => import('./tabs/SourceTab').then((m) => m.SourceTab)),
};

const EnvironmentsTab = tabs.environments.Tab;
const YamlTab = tabs.yaml.Tab;
const PreviewTab = tabs.preview.Tab;
const HistoryTab = tabs.history.Tab;
const TrustTab = tabs.trust.Tab;
const DecisionsTab = tabs.decisions.Tab;
const TestsTab = tabs.tests.Tab;
const RepositoriesTab = tabs.repositories.Tab;
const RunnersTab = tabs.runners.Tab;
const GrantsTab = tabs.grants.Tab;
const SourceTab = tabs.source.Tab;

let markFirstTabShown!: () => void;
/**
 * Settles once the first tab the page shows is on screen (its content committed, the empty state
 * included): the editor tools (~200 KB) load after it, so they never hold back the first actionable control.
 */
export const firstTabShown = new Promise<void>((resolve) => (markFirstTabShown = resolve));

function FirstTabShown() {
  useEffect(() => markFirstTabShown(), []);
  return null;
}

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

const ENTRIES: readonly TabEntry[] = [
  {
    name: 'Environments',
    load: tabs.environments.load,
    render: (p) =>
      p.emptyState || (
        <EnvironmentsTab
          key={p.draftVersion}
          onRemoveEnvironment={p.readOnly ? undefined : p.requestRemoveEnvironment}
        />
      ),
  },
  { name: 'YAML', load: tabs.yaml.load, render: yamlTab },
  {
    name: 'Preview',
    load: tabs.preview.load,
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
    load: tabs.history.load,
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
    load: tabs.trust.load,
    render: (p) => <TrustTab call={p.call} draft={p.draft} draftUsable={p.draftUsable} />,
  },
  {
    name: 'Decision log',
    load: tabs.decisions.load,
    render: (p) => <DecisionsTab call={p.call} backend={p.backend} />,
  },
  {
    name: 'Policy tests',
    load: tabs.tests.load,
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
    load: tabs.repositories.load,
    render: (p) => <RepositoriesTab call={p.call} dirty={p.dirty} />,
  },
  // Keyed by what they were loaded for: a tab opened before a save, a discard or a load would keep showing the old
  // state.
  {
    name: 'Runners',
    load: tabs.runners.load,
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
    load: tabs.grants.load,
    render: (p) => <GrantsTab key={p.view.revision} call={p.call} environments={savedEnvironments(p.view.policy)} />,
  },
  {
    name: 'Policy source',
    load: tabs.source.load,
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

export const TABS: readonly TabEntry[] = ENTRIES.map((entry) => ({
  ...entry,
  render: (page) => (
    <>
      {entry.render(page)}
      <FirstTabShown />
    </>
  ),
}));

export const tabIndex = (name: string) => TABS.findIndex((tab) => tab.name === name);
