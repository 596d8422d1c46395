/** The settings page: load the policy, edit a draft, preview, save, and audit. */
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { lazy, Suspense, useCallback, useMemo, useEffect, useState, type ReactNode } from 'react';
import type { ApiError, HistoryEntry, PolicyView, PreviewView, SavedView } from '../../src/settings/api';
import type { PolicySourceView } from '../../src/settings/source-handlers';
import examplePolicyText from '../../examples/policy.yaml?raw';
import { caller, type Call } from './api';
import { BitbucketListingsProvider } from './bitbucket';
import type { SettingsBackend } from './backend/types';
import type { Pending } from './dialogs';
import { setAt } from './draft';
import { loadEditorTools, type EditorTools } from './editor-tools-loader';
import { EditorContext, type EditorState } from './fields';
import { Notice, StatusLabel } from './notice';
import { createPeople, PeopleContext, usePersonName } from './people';
import { INITIAL_PREVIEW, type PreviewState } from './preview-state';
import type { NewTest } from './tabs/TestsTab';

/**
 * Every tab is its own chunk, loaded when first opened, so the first view carries only the
 * Environments form. To add a tab: one lazy import here and one entry in TABS.
 */
const EnvironmentsTab = lazy(() => import('./tabs/EnvironmentsTab').then((m) => ({ default: m.EnvironmentsTab })));
const YamlTab = lazy(() => import('./tabs/YamlTab').then((m) => ({ default: m.YamlTab })));
const PreviewTab = lazy(() => import('./tabs/PreviewTab').then((m) => ({ default: m.PreviewTab })));
const HistoryTab = lazy(() => import('./tabs/HistoryTab').then((m) => ({ default: m.HistoryTab })));
const TrustTab = lazy(() => import('./tabs/TrustTab').then((m) => ({ default: m.TrustTab })));
const DecisionsTab = lazy(() => import('./tabs/DecisionsTab').then((m) => ({ default: m.DecisionsTab })));
const TestsTab = lazy(() => import('./tabs/TestsTab').then((m) => ({ default: m.TestsTab })));
const RepositoriesTab = lazy(() => import('./tabs/RepositoriesTab').then((m) => ({ default: m.RepositoriesTab })));
const RunnersTab = lazy(() => import('./tabs/RunnersTab').then((m) => ({ default: m.RunnersTab })));
const GrantsTab = lazy(() => import('./tabs/GrantsTab').then((m) => ({ default: m.GrantsTab })));
const SourceTab = lazy(() => import('./tabs/SourceTab').then((m) => ({ default: m.SourceTab })));
const Dialogs = lazy(() => import('./dialogs'));
/** Shown only while the policy comes from a repository, so it stays out of the first view. */
const RepositorySourceBanner = lazy(() => import('./source-banner').then((m) => ({ default: m.RepositorySourceBanner })));

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

const TABS: readonly { readonly name: string; readonly render: (page: PageContext) => ReactNode }[] = [
  { name: 'Environments', render: (p) => p.emptyState || <EnvironmentsTab key={p.draftVersion} onRemoveEnvironment={p.readOnly ? undefined : p.requestRemoveEnvironment} /> },
  { name: 'YAML', render: (p) => p.emptyState || (p.yamlText === undefined ? <p aria-busy="true">Loading the YAML editor…</p> : <YamlTab text={p.yamlText} onText={p.readOnly ? undefined : p.setYamlText} onImport={p.readOnly ? undefined : p.requestImport} />) },
  { name: 'Preview', render: (p) => <PreviewTab call={p.call} draft={p.draft} draftUsable={p.draftUsable} state={p.preview} setState={p.setPreview} onSaveAsTest={p.readOnly ? undefined : p.saveAsTest} replayText={p.readOnly ? undefined : p.yamlText} /> },
  { name: 'History', render: (p) => <HistoryTab call={p.call} currentRevision={p.view.revision} canEdit={!p.readOnly} dirty={p.dirty} onRollback={p.requestRollback} /> },
  { name: 'Trust policies', render: (p) => <TrustTab call={p.call} draft={p.draft} draftUsable={p.draftUsable} /> },
  { name: 'Decision log', render: (p) => <DecisionsTab call={p.call} backend={p.backend} /> },
  { name: 'Policy tests', render: (p) => <TestsTab key={JSON.stringify(p.newTest)} call={p.call} canEdit={!p.readOnly} draft={p.draft} draftUsable={p.draftUsable} initial={p.newTest} /> },
  { name: 'Repositories', render: (p) => <RepositoriesTab call={p.call} dirty={p.dirty} /> },
  // Keyed by what they were loaded for: a tab opened before a save, a discard or a load would keep showing the old state.
  { name: 'Runners', render: (p) => <RunnersTab key={`${p.view.revision}-${p.draftVersion}`} call={p.call} draft={p.draft} draftUsable={p.draftUsable} /> },
  { name: 'Break-glass grants', render: (p) => <GrantsTab key={p.view.revision} call={p.call} environments={savedEnvironments(p.view.policy)} /> },
  {
    name: 'Policy source',
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

interface Banner {
  readonly appearance: 'success' | 'error' | 'warning' | 'information';
  readonly title: string;
  readonly body: string;
  readonly details?: string[];
  readonly actions?: ReactNode;
}

/** One default environment with no rules yet: the editor then shows what is missing, field by field. */
const BLANK_POLICY = { version: 1, environments: [{ name: 'dev', default: true, branches: ['**'], tags: ['**'], runner: { labels: [] } }] };

function errorBanner(title: string, error: ApiError): Banner {
  const details = [
    ...(error.failures ?? []).map((f) => `“${f.name}”: expects ${f.expect}, got ${f.actual}${f.detail ? ` (${f.detail})` : ''}`),
    ...(error.problems ?? []).map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`),
    ...(error.weakenings ?? []).map((w) => w.message),
  ];
  return { appearance: 'error', title, body: error.message, details };
}

/** The saved policy's environment names: a grant can only open environments the provider enforces. */
function savedEnvironments(policy: unknown): string[] {
  const environments = (policy as { environments?: unknown } | undefined)?.environments;
  return Array.isArray(environments) ? environments.flatMap((env) => (typeof env?.name === 'string' ? [env.name as string] : [])) : [];
}

interface DraftState {
  readonly draft: unknown;
  /**
   * The YAML text the admin last wrote, imported or loaded (undefined: none, plain YAML of the
   * draft). Form edits change only the draft; the text shown and saved is this text synced to the
   * draft, so comments and key order survive.
   */
  readonly text?: string;
  /** Set while the YAML text does not parse; the draft then keeps its last good value. */
  readonly syntaxError?: string;
}

/** Until zod has loaded, nothing is known to be wrong or right. */
const NOT_CHECKED = { problems: [], valid: false, warnings: [] } as const;

function SavedBy({ view }: { view: PolicyView }) {
  const name = usePersonName(view.savedBy);
  if (!view.savedAt) return null;
  return (
    <>
      {' '}Saved {new Date(view.savedAt).toLocaleString()} by{' '}
      <span className="person" title={view.savedBy} data-account-id={view.savedBy}>
        {name ?? view.savedBy}
      </span>
      .
    </>
  );
}

export function App({ backend }: { backend: SettingsBackend }) {
  const call = useMemo(() => caller(backend), [backend]);
  const people = useMemo(() => createPeople(call), [call]);
  const [view, setView] = useState<PolicyView>();
  /** Where the policy comes from: under a repository source the policy is read-only here (grants are not). */
  const [source, setSource] = useState<PolicySourceView>();
  const [loadError, setLoadError] = useState<string>();
  const [state, setState] = useState<DraftState>({ draft: undefined });
  const [tools, setTools] = useState<EditorTools>();
  const [banner, setBanner] = useState<Banner>();
  const [tab, setTab] = useState(0);
  const [preview, setPreview] = useState<PreviewState>(INITIAL_PREVIEW);
  const [newTest, setNewTest] = useState<NewTest>({ name: '', yaml: INITIAL_PREVIEW.yaml, target: INITIAL_PREVIEW.target, expect: 'blocked' });
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending>();
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState(false);
  // The Save dialog's replay: confirming that the draft's newly blocked runs should be blocked.
  const [confirmBlocks, setConfirmBlocks] = useState(false);
  /** The admin's own changes, set aside when another admin's save was loaded over them. */
  const [aside, setAside] = useState<DraftState>();
  /** Bumped whenever the draft is replaced from outside the editors, so they reset their local text. */
  const [draftVersion, setDraftVersion] = useState(0);
  const { draft, text: baseText, syntaxError } = state;

  useEffect(() => {
    void loadEditorTools().then(setTools);
  }, []);

  const replaceDraft = useCallback((next: unknown, text?: string) => {
    setState({ draft: next, text });
    setDraftVersion((v) => v + 1);
  }, []);

  const fetchView = useCallback(async () => {
    void call<PolicySourceView>('getPolicySource').then((loaded) => setSource(loaded.ok ? loaded : undefined));
    const result = await call<PolicyView>('getPolicy');
    if (!result.ok) {
      setLoadError(result.error.message);
      return undefined;
    }
    setView(result);
    return result;
  }, [call]);

  const load = useCallback(async () => {
    const loaded = await fetchView();
    if (loaded) replaceDraft(loaded.policy, loaded.policyText);
  }, [fetchView, replaceDraft]);

  useEffect(() => {
    void load();
  }, [load]);

  const checked = useMemo(() => (tools ? tools.inspect(draft) : NOT_CHECKED), [tools, draft]);
  const yamlText = useMemo(() => (tools && draft !== undefined ? (syntaxError ? baseText : tools.syncYamlText(baseText, draft)) : undefined), [tools, draft, baseText, syntaxError]);
  const dirty = draft !== undefined && (JSON.stringify(draft) !== JSON.stringify(view?.policy) || (baseText ?? null) !== (view?.policyText ?? null));
  const fromRepository = source?.source.kind === 'repository' || source?.damaged === true;
  const readOnly = !view?.canEdit || fromRepository;
  const draftUsable = dirty && checked.valid && !syntaxError;

  const editor: EditorState = useMemo(
    () => ({
      draft,
      problems: checked.problems,
      warnings: checked.warnings,
      readOnly,
      set: (path, value) => setState((current) => ({ ...current, draft: setAt(current.draft, path, value) })),
    }),
    [draft, checked.problems, checked.warnings, readOnly],
  );

  const setYamlText = useCallback(
    (text: string) => {
      // Synchronously when loaded, so a controlled text area keeps its cursor.
      if (tools) setState((current) => tools.parsePolicyDraft(text, current.draft));
      else void loadEditorTools().then((loaded) => setState((current) => loaded.parsePolicyDraft(text, current.draft)));
    },
    [tools],
  );

  const closeDialog = () => {
    setPending(undefined);
    setConfirmBlocks(false);
    setReason('');
    setOverride(false);
  };

  const save = async () => {
    if (!view || yamlText === undefined) return;
    setBusy(true);
    const result = await call<SavedView>('savePolicy', { expectedRevision: view.revision, policyText: yamlText, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(confirmBlocks ? { confirmNewlyBlocked: true } : {}) });
    setBusy(false);
    closeDialog();
    if (!result.ok) {
      if (result.error.code !== 'stale') return setBanner(errorBanner('Not saved', result.error));
      // Reload what is enforced now (header, history, Discard), and keep the admin's changes in the editor.
      const current = await fetchView();
      const revision = result.error.currentRevision ?? current?.revision ?? 0;
      return setBanner({
        appearance: 'warning',
        title: 'Someone else saved first',
        body: `${people.name(result.error.savedBy ?? '') ?? result.error.savedBy ?? 'Another admin'} saved revision ${revision}${result.error.savedAt ? ` at ${new Date(result.error.savedAt).toLocaleString()}` : ''}, after you loaded revision ${view.revision}. Revision ${revision} is now enforced; your changes are not saved and are still in the editor.`,
        actions: (
          <Button appearance="primary" onClick={() => setPending({ kind: 'compare-current', revision })}>
            Compare with revision {revision} and load it
          </Button>
        ),
      });
    }
    setBanner({
      appearance: 'success',
      title: `Saved revision ${result.revision}`,
      body: `Every pipeline run from now on is checked against it.${result.testsRun ? ` All ${result.testsRun} policy tests pass.` : ''}`,
    });
    setAside(undefined);
    await load();
  };

  const rollback = async (entry: HistoryEntry) => {
    if (!view) return;
    setBusy(true);
    const result = await call<SavedView>('rollback', {
      revision: entry.revision,
      expectedRevision: view.revision,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
      ...(override ? { overrideFailingTests: true } : {}),
    });
    setBusy(false);
    if (!result.ok) {
      // Failing tests: the dialog stays open and offers a recorded override.
      if (result.error.code === 'tests-failed') return setPending({ kind: 'rollback', entry, failures: result.error });
      closeDialog();
      return setBanner(errorBanner('Not rolled back', result.error));
    }
    closeDialog();
    setBanner({ appearance: 'success', title: `Rolled back to revision ${entry.revision}`, body: `Its policy is now revision ${result.revision} and applies to the next pipeline run.` });
    await load();
  };

  const saveAsTest = (previewView: PreviewView) => {
    setNewTest({ name: '', yaml: preview.yaml, target: preview.target, expect: previewView.result.outcome, ...(preview.repository ? { repository: preview.repository } : {}) });
    setTab(TABS.findIndex((t) => t.name === 'Policy tests'));
  };

  if (loadError)
    return (
      <main className="page">
        <Notice appearance="error" title="Pipeline Guard settings could not load">
          <p>{loadError}</p>
        </Notice>
      </main>
    );
  if (!view) return <main className="page" aria-busy="true">Loading Pipeline Guard settings…</main>;

  const emptyState = draft === undefined && (
    <Notice appearance="information" title="No policy yet">
      <p>{view.message}</p>
      {readOnly ? null : (
        <div className="toolbar">
          <Button appearance="primary" onClick={() => setYamlText(examplePolicyText)}>
            Start from the example policy
          </Button>
          <Button onClick={() => replaceDraft(BLANK_POLICY)}>Start from a blank policy</Button>
        </div>
      )}
    </Notice>
  );

  const page: PageContext = {
    call,
    backend,
    view,
    draft,
    draftUsable,
    dirty,
    readOnly,
    draftVersion,
    emptyState,
    yamlText,
    setYamlText,
    requestImport: (text, fileName) => (dirty ? setPending({ kind: 'import', text, fileName }) : setYamlText(text)),
    requestRemoveEnvironment: (index) => {
      const next = setAt(draft, ['environments', index], undefined);
      const name = (draft as { environments?: Array<{ name?: unknown }> })?.environments?.[index]?.name;
      setPending({ kind: 'remove-environment', index, name: typeof name === 'string' && name ? name : `environment ${index + 1}`, draft: next });
    },
    requestRollback: (entry) => setPending({ kind: 'rollback', entry }),
    preview,
    setPreview,
    saveAsTest,
    newTest,
    reloadAll: () => void load(),
  };

  const status =
    view.state === 'ok' ? (
      <StatusLabel appearance="success">revision {view.revision} enforced</StatusLabel>
    ) : view.state === 'none' ? (
      <StatusLabel appearance="default">no policy: pipelines pass through</StatusLabel>
    ) : (
      <StatusLabel appearance="removed">stored policy damaged</StatusLabel>
    );

  return (
    <PeopleContext.Provider value={people}>
      <EditorContext.Provider value={editor}>
        <BitbucketListingsProvider call={call}>
        <main className="page">
          <header className="page-header">
            <div>
              <Heading size="large" as="h1">
                Pipeline Guard
              </Heading>
              <p className="hint" data-testid="policy-status">
                {status}
                <SavedBy view={view} />
              </p>
            </div>
            {readOnly ? null : (
              <div className="save-bar">
                <span className="hint" aria-live="polite">
                  {syntaxError ? 'The YAML has a syntax error.' : !dirty ? 'No unsaved changes.' : checked.valid ? 'Unsaved changes.' : `${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'} to fix before saving.`}
                </span>
                <Button isDisabled={!dirty} onClick={() => replaceDraft(view.policy, view.policyText)}>
                  Discard changes
                </Button>
                <Button appearance="primary" isDisabled={!draftUsable || busy} onClick={() => setPending({ kind: 'save' })}>
                  {busy ? 'Saving…' : 'Save policy'}
                </Button>
              </div>
            )}
          </header>
          {source && fromRepository ? (
            <Suspense fallback={null}>
              <RepositorySourceBanner
                source={source}
                policyText={view.policyText ?? yamlText}
                onOpenSource={() => setTab(TABS.findIndex((t) => t.name === 'Policy source'))}
              />
            </Suspense>
          ) : null}
          {!view.canEdit ? (
            <div className="banner">
              <Notice appearance="warning" title="View only">
                <p>Only workspace admins can change Pipeline Guard settings. You can read the policy, preview pipelines and read the decision log.</p>
              </Notice>
            </div>
          ) : null}
          {view.state === 'damaged' ? (
            <div className="banner">
              <Notice appearance="error" title="The stored policy is damaged">
                <p>{view.message}</p>
              </Notice>
            </div>
          ) : null}
          {banner ? (
            <div className="banner" role={banner.appearance === 'error' ? 'alert' : 'status'}>
              <Notice appearance={banner.appearance} title={banner.title}>
                <p>{banner.body}</p>
                {banner.details?.length ? (
                  <ul>
                    {banner.details.map((d, i) => (
                      <li key={i}>{d}</li>
                    ))}
                  </ul>
                ) : null}
                <div className="toolbar">
                  {banner.actions}
                  <Button appearance="subtle" onClick={() => setBanner(undefined)}>
                    Dismiss
                  </Button>
                </div>
              </Notice>
            </div>
          ) : null}
          {aside && !readOnly ? (
            <div className="banner">
              <Notice appearance="information" title="Your changes are kept aside">
                <p>The editor shows revision {view.revision}. Your unsaved changes from before are kept until you leave the page.</p>
                <div className="toolbar">
                  <Button
                    onClick={() => {
                      setState(aside);
                      setDraftVersion((v) => v + 1);
                      setAside(undefined);
                    }}
                  >
                    Put my changes back in the editor
                  </Button>
                </div>
              </Notice>
            </div>
          ) : null}
          <Tabs id="settings-tabs" selected={tab} onChange={(index) => setTab(index)}>
            <TabList>
              {TABS.map(({ name }) => (
                <Tab key={name}>{name}</Tab>
              ))}
            </TabList>
            {TABS.map(({ name, render }) => (
              <TabPanel key={name}>
                <div className="panel">
                  <Suspense fallback={<p aria-busy="true">Loading {name}…</p>}>{render(page)}</Suspense>
                </div>
              </TabPanel>
            ))}
          </Tabs>
          {pending && tools && yamlText !== undefined ? (
            <Suspense fallback={null}>
              <Dialogs
                pending={pending}
                tools={tools}
                view={view}
                draft={draft}
                yamlText={yamlText}
                baseText={baseText}
                dirty={dirty}
                busy={busy}
                reason={reason}
                setReason={setReason}
                override={override}
                setOverride={setOverride}
                onSave={save}
                call={call}
                confirmBlocks={confirmBlocks}
                setConfirmBlocks={setConfirmBlocks}
                onRollback={rollback}
                onImport={(text) => {
                  setYamlText(text);
                  closeDialog();
                }}
                onRemove={(next) => {
                  setState((current) => ({ ...current, draft: next }));
                  setDraftVersion((v) => v + 1);
                  closeDialog();
                }}
                onLoadCurrent={() => {
                  setAside(state);
                  replaceDraft(view.policy, view.policyText);
                  closeDialog();
                  setBanner(undefined);
                }}
                onClose={closeDialog}
              />
            </Suspense>
          ) : null}
        </main>
        </BitbucketListingsProvider>
      </EditorContext.Provider>
    </PeopleContext.Provider>
  );
}
