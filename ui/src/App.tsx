/** The settings page: load the policy, edit a draft, preview, save, and audit. */
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiError, PolicyView, PreviewView, SavedView } from '../../src/settings/api';
import examplePolicyText from '../../examples/policy.yaml?raw';
import { parseYaml } from '../../src/yaml/document';
import { caller } from './api';
import { BitbucketListingsProvider } from './bitbucket';
import type { SettingsBackend } from './backend/types';
import { check } from './draft';
import { EditorContext, type EditorState } from './fields';
import { setAt } from './draft';
import { DecisionsTab } from './tabs/DecisionsTab';
import { EnvironmentsTab } from './tabs/EnvironmentsTab';
import { GrantsTab } from './tabs/GrantsTab';
import { HistoryTab } from './tabs/HistoryTab';
import { INITIAL_PREVIEW, PreviewTab, type PreviewState } from './tabs/PreviewTab';
import { RepositoriesTab } from './tabs/RepositoriesTab';
import { RunnersTab } from './tabs/RunnersTab';
import { TestsTab, type NewTest } from './tabs/TestsTab';
import { TrustTab } from './tabs/TrustTab';
import { YamlTab } from './tabs/YamlTab';

interface Banner {
  readonly appearance: 'success' | 'error' | 'warning' | 'information';
  readonly title: string;
  readonly body: string;
  readonly details?: string[];
}

/** One default environment with no rules yet: the editor then shows what is missing, field by field. */
const BLANK_POLICY = { version: 1, environments: [{ name: 'dev', default: true, branches: ['**'], tags: ['**'], runner: { labels: [] } }] };

const TABS = ['Environments', 'YAML', 'Preview', 'History', 'Trust policies', 'Decision log', 'Policy tests', 'Repositories', 'Runners', 'Break-glass grants'] as const;

function errorBanner(title: string, error: ApiError): Banner {
  const details = [
    ...(error.failures ?? []).map((f) => `“${f.name}”: expects ${f.expect}, got ${f.actual}${f.detail ? ` (${f.detail})` : ''}`),
    ...(error.problems ?? []).map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`),
  ];
  return { appearance: 'error', title, body: error.message, details };
}

/** The saved policy's environment names: a grant can only open environments the provider enforces. */
function savedEnvironments(policy: unknown): string[] {
  const environments = (policy as { environments?: unknown } | undefined)?.environments;
  return Array.isArray(environments) ? environments.flatMap((env) => (typeof env?.name === 'string' ? [env.name as string] : [])) : [];
}

export function App({ backend }: { backend: SettingsBackend }) {
  const call = useMemo(() => caller(backend), [backend]);
  const [view, setView] = useState<PolicyView>();
  const [loadError, setLoadError] = useState<string>();
  const [draft, setDraft] = useState<unknown>();
  const [yamlError, setYamlError] = useState<string>();
  const [banner, setBanner] = useState<Banner>();
  const [tab, setTab] = useState(0);
  const [preview, setPreview] = useState<PreviewState>(INITIAL_PREVIEW);
  const [newTest, setNewTest] = useState<NewTest>({ name: '', yaml: INITIAL_PREVIEW.yaml, target: INITIAL_PREVIEW.target, expect: 'blocked' });
  const [busy, setBusy] = useState(false);
  /** Bumped whenever the draft is replaced from outside the editors, so they reset their local text. */
  const [draftVersion, setDraftVersion] = useState(0);
  const replaceDraft = useCallback((next: unknown) => {
    setDraft(next);
    setYamlError(undefined);
    setDraftVersion((v) => v + 1);
  }, []);

  const load = useCallback(async () => {
    const result = await call<PolicyView>('getPolicy');
    if (!result.ok) return setLoadError(result.error.message);
    setView(result);
    replaceDraft(result.policy);
  }, [call, replaceDraft]);

  useEffect(() => {
    void load();
  }, [load]);

  const checked = useMemo(() => check(draft), [draft]);
  const dirty = draft !== undefined && JSON.stringify(draft) !== JSON.stringify(view?.policy);
  const readOnly = !view?.canEdit;
  const draftUsable = dirty && checked.valid && !yamlError;

  const editor: EditorState = useMemo(
    () => ({ draft, problems: checked.problems, readOnly, set: (path, value) => setDraft((current: unknown) => setAt(current, path, value)) }),
    [draft, checked.problems, readOnly],
  );

  const save = async () => {
    if (!view) return;
    setBusy(true);
    const result = await call<SavedView>('savePolicy', { expectedRevision: view.revision, policy: draft });
    setBusy(false);
    if (!result.ok) return setBanner(errorBanner(result.error.code === 'stale' ? 'Someone else saved first' : 'Not saved', result.error));
    setBanner({ appearance: 'success', title: `Saved revision ${result.revision}`, body: `Every pipeline run from now on is checked against it.${result.testsRun ? ` All ${result.testsRun} policy tests pass.` : ''}` });
    await load();
  };

  const rollback = async (revision: number) => {
    if (!view) return;
    const result = await call<SavedView>('rollback', { revision, expectedRevision: view.revision });
    if (!result.ok) return setBanner(errorBanner('Not rolled back', result.error));
    setBanner({ appearance: 'success', title: `Rolled back to revision ${revision}`, body: `Its policy is now revision ${result.revision} and applies to the next pipeline run.` });
    await load();
  };

  const saveAsTest = (previewView: PreviewView) => {
    setNewTest({ name: '', yaml: preview.yaml, target: preview.target, expect: previewView.result.outcome });
    setTab(TABS.indexOf('Policy tests'));
  };

  if (loadError)
    return (
      <main className="page">
        <SectionMessage appearance="error" title="Pipeline Guard settings could not load">
          <p>{loadError}</p>
        </SectionMessage>
      </main>
    );
  if (!view) return <main className="page" aria-busy="true">Loading Pipeline Guard settings…</main>;

  const emptyState = draft === undefined && (
    <SectionMessage appearance="information" title="No policy yet">
      <p>{view.message}</p>
      {readOnly ? null : (
        <div className="toolbar">
          <Button appearance="primary" onClick={() => replaceDraft(parseYaml(examplePolicyText).value)}>
            Start from the example policy
          </Button>
          <Button onClick={() => replaceDraft(BLANK_POLICY)}>Start from a blank policy</Button>
        </div>
      )}
    </SectionMessage>
  );

  return (
    <EditorContext.Provider value={editor}>
      <BitbucketListingsProvider call={call}>
      <main className="page">
        <header className="page-header">
          <div>
            <Heading size="large" as="h1">
              Pipeline Guard
            </Heading>
            <p className="hint" data-testid="policy-status">
              {view.state === 'ok' ? <Lozenge appearance="success">revision {view.revision} enforced</Lozenge> : view.state === 'none' ? <Lozenge>no policy: pipelines pass through</Lozenge> : <Lozenge appearance="removed">stored policy damaged</Lozenge>}
              {view.savedAt ? ` Saved ${new Date(view.savedAt).toLocaleString()} by ${view.savedBy}.` : ''}
            </p>
          </div>
          {readOnly ? null : (
            <div className="save-bar">
              <span className="hint" aria-live="polite">
                {yamlError ? 'The YAML has a syntax error.' : !dirty ? 'No unsaved changes.' : checked.valid ? 'Unsaved changes.' : `${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'} to fix before saving.`}
              </span>
              <Button isDisabled={!dirty} onClick={() => replaceDraft(view.policy)}>
                Discard changes
              </Button>
              <Button appearance="primary" isDisabled={!draftUsable || busy} onClick={save}>
                {busy ? 'Saving…' : 'Save policy'}
              </Button>
            </div>
          )}
        </header>
        {readOnly ? (
          <div className="banner">
            <SectionMessage appearance="warning" title="View only">
              <p>Only workspace admins can change Pipeline Guard settings. You can read the policy, preview pipelines and read the decision log.</p>
            </SectionMessage>
          </div>
        ) : null}
        {view.state === 'damaged' ? (
          <div className="banner">
            <SectionMessage appearance="error" title="The stored policy is damaged">
              <p>{view.message}</p>
            </SectionMessage>
          </div>
        ) : null}
        {banner ? (
          <div className="banner" role={banner.appearance === 'error' ? 'alert' : 'status'}>
            <SectionMessage appearance={banner.appearance} title={banner.title}>
              <p>{banner.body}</p>
              {banner.details?.length ? (
                <ul>
                  {banner.details.map((d, i) => (
                    <li key={i}>{d}</li>
                  ))}
                </ul>
              ) : null}
              <Button appearance="subtle" onClick={() => setBanner(undefined)}>
                Dismiss
              </Button>
            </SectionMessage>
          </div>
        ) : null}
        <Tabs id="settings-tabs" selected={tab} onChange={(index) => setTab(index)}>
          <TabList>
            {TABS.map((name) => (
              <Tab key={name}>{name}</Tab>
            ))}
          </TabList>
          <TabPanel>
            <div className="panel">{emptyState || <EnvironmentsTab key={draftVersion} />}</div>
          </TabPanel>
          <TabPanel>
            <div className="panel">{emptyState || <YamlTab key={draftVersion} onSyntaxError={setYamlError} />}</div>
          </TabPanel>
          <TabPanel>
            <div className="panel">
              <PreviewTab call={call} draft={draft} draftUsable={draftUsable} state={preview} setState={setPreview} onSaveAsTest={readOnly ? undefined : saveAsTest} />
            </div>
          </TabPanel>
          <TabPanel>
            <div className="panel">
              <HistoryTab call={call} currentRevision={view.revision} canEdit={!readOnly} dirty={dirty} onRollback={rollback} />
            </div>
          </TabPanel>
          <TabPanel>
            <div className="panel">
              <TrustTab call={call} draft={draft} draftUsable={draftUsable} />
            </div>
          </TabPanel>
          <TabPanel>
            <div className="panel">
              <DecisionsTab call={call} backend={backend} />
            </div>
          </TabPanel>
          <TabPanel>
            <div className="panel">
              <TestsTab key={JSON.stringify(newTest)} call={call} canEdit={!readOnly} draft={draft} draftUsable={draftUsable} initial={newTest} />
            </div>
          </TabPanel>
          <TabPanel>
            <div className="panel">
              <RepositoriesTab call={call} dirty={dirty} />
            </div>
          </TabPanel>
          <TabPanel>
            <div className="panel">
              <RunnersTab call={call} draft={draft} draftUsable={draftUsable} />
            </div>
          </TabPanel>
          <TabPanel>
            <div className="panel">
              <GrantsTab call={call} environments={savedEnvironments(view.policy)} />
            </div>
          </TabPanel>
        </Tabs>
      </main>
      </BitbucketListingsProvider>
    </EditorContext.Provider>
  );
}
