/** The settings page: load the policy, edit a draft, preview, save, and audit. */
import Button from '@atlaskit/button/new';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { PreviewView } from '../../src/settings/api';
import examplePolicyText from '../../examples/policy.yaml?raw';
import { caller } from './api';
import { BannerView, type Banner } from './banner';
import { BitbucketListingsProvider } from './bitbucket';
import type { SettingsBackend } from './backend/types';
import { setAt } from './draft';
import { EditorContext } from './fields';
import { Notice } from './notice';
import { PageHeader, StateNotices } from './page-header';
import { firstTabShown, tabIndex, TABS, type PageContext } from './page-tabs';
import { createPeople, PeopleContext } from './people';
import { INITIAL_PREVIEW, type PreviewState } from './preview-state';
import type { NewTest } from './tabs/TestsTab';
import { usePolicyDraft, type PolicyDraft } from './use-policy-draft';
import { useSaving, type Saving } from './use-saving';

export type { PageContext } from './page-tabs';

const Dialogs = lazy(() => import('./dialogs'));
const MergeDialog = lazy(() => import('./merge-dialog'));
/** Shown only while the policy comes from a repository, so it stays out of the first view. */
const RepositorySourceBanner = lazy(() =>
  import('./source-banner').then((m) => ({ default: m.RepositorySourceBanner })),
);

/** One default environment with no rules yet: the editor then shows what is missing, field by field. */
const BLANK_POLICY = {
  version: 1,
  environments: [{ name: 'dev', default: true, branches: ['**'], tags: ['**'], runner: { labels: [] } }],
};

function EmptyState({ policy }: { policy: PolicyDraft }) {
  return (
    <Notice appearance="information" title="No policy yet">
      <p>{policy.view?.message}</p>
      {policy.readOnly ? null : (
        <div className="toolbar">
          <Button appearance="primary" onClick={() => policy.setYamlText(examplePolicyText)}>
            Start from the example policy
          </Button>
          <Button onClick={() => policy.replaceDraft(BLANK_POLICY)}>Start from a blank policy</Button>
        </div>
      )}
    </Notice>
  );
}

function PageDialogs({ policy, saving, call }: { policy: PolicyDraft; saving: Saving; call: PageContext['call'] }) {
  const { view, tools, yamlText } = policy;
  if (!view) return null;
  return (
    <Suspense fallback={null}>
      {saving.merging ? (
        <MergeDialog
          merging={saving.merging}
          onApply={saving.resolveMerge}
          onCancel={() => saving.setMerging(undefined)}
        />
      ) : null}
      {saving.pending && tools && yamlText !== undefined ? (
        <Dialogs
          pending={saving.pending}
          call={call}
          tools={tools}
          view={view}
          draft={policy.draft}
          yamlText={yamlText}
          baseText={policy.baseText}
          replacing={saving.replacing}
          confirmBlocks={saving.confirmBlocks}
          setConfirmBlocks={saving.setConfirmBlocks}
          dirty={policy.dirty}
          busy={saving.busy}
          reason={saving.reason}
          setReason={saving.setReason}
          override={saving.override}
          setOverride={saving.setOverride}
          onSave={saving.save}
          onRollback={saving.rollback}
          onImport={(text) => {
            policy.setYamlText(text);
            saving.closeDialog();
          }}
          onRemove={(next) => {
            policy.setDraft(next);
            saving.closeDialog();
          }}
          onClose={saving.closeDialog}
        />
      ) : null}
    </Suspense>
  );
}

function usePreviewAndTests(setTab: (index: number) => void) {
  const [preview, setPreview] = useState<PreviewState>(INITIAL_PREVIEW);
  const [newTest, setNewTest] = useState<NewTest>({
    name: '',
    yaml: INITIAL_PREVIEW.yaml,
    target: INITIAL_PREVIEW.target,
    expect: 'blocked',
  });
  const saveAsTest = (previewView: PreviewView) => {
    setNewTest({
      name: '',
      yaml: preview.yaml,
      target: preview.target,
      expect: previewView.result.outcome,
      ...(preview.repository ? { repository: preview.repository } : {}),
    });
    setTab(tabIndex('Policy tests'));
  };
  return { preview, setPreview, newTest, saveAsTest };
}

function pageContext(
  policy: PolicyDraft,
  saving: Saving,
  base: Pick<PageContext, 'call' | 'backend' | 'emptyState'>,
  extras: ReturnType<typeof usePreviewAndTests>,
): PageContext {
  const { draft, dirty, setYamlText } = policy;
  return {
    ...base,
    ...extras,
    view: policy.view!,
    draft,
    draftUsable: policy.draftUsable,
    dirty,
    readOnly: policy.readOnly,
    draftVersion: policy.draftVersion,
    yamlText: policy.yamlText,
    setYamlText,
    requestImport: (text, fileName) =>
      dirty ? saving.setPending({ kind: 'import', text, fileName }) : setYamlText(text),
    requestRemoveEnvironment: (index) => {
      const name = (draft as { environments?: Array<{ name?: unknown }> })?.environments?.[index]?.name;
      const label = typeof name === 'string' && name ? name : `environment ${index + 1}`;
      saving.setPending({
        kind: 'remove-environment',
        index,
        name: label,
        draft: setAt(draft, ['environments', index], undefined),
      });
    },
    requestRollback: (entry) => saving.setPending({ kind: 'rollback', entry }),
    reloadAll: () => void policy.load(),
  };
}

function PageTabs({ page, tab, setTab }: { page: PageContext; tab: number; setTab: (index: number) => void }) {
  return (
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
  );
}

export function App({ backend }: { backend: SettingsBackend }) {
  const call = useMemo(() => caller(backend), [backend]);
  const people = useMemo(() => createPeople(call), [call]);
  // The first tab's chunk is preloaded with the page (vite.config.mts); the editor tools wait until it has shown.
  useEffect(() => void TABS[0].load(), []);
  const policy = usePolicyDraft(call, firstTabShown);
  const [banner, setBanner] = useState<Banner>();
  const [tab, setTab] = useState(0);
  const saving = useSaving(call, people, policy, setBanner);
  const extras = usePreviewAndTests(setTab);
  const { view } = policy;

  if (policy.loadError)
    return (
      <main className="page">
        <Notice appearance="error" title="Pipeline Guard settings could not load">
          <p>{policy.loadError}</p>
        </Notice>
      </main>
    );
  if (!view)
    return (
      <main className="page" aria-busy="true">
        Loading Pipeline Guard settings…
      </main>
    );

  const emptyState: ReactNode = policy.draft === undefined && <EmptyState policy={policy} />;
  const page = pageContext(policy, saving, { call, backend, emptyState }, extras);
  const discard = () => {
    saving.discard();
    policy.discard();
  };

  return (
    <PeopleContext.Provider value={people}>
      <EditorContext.Provider value={policy.editor}>
        <BitbucketListingsProvider call={call}>
          <main className="page">
            <PageHeader
              view={view}
              policy={policy}
              busy={saving.busy}
              onDiscard={discard}
              onSave={() => saving.setPending({ kind: 'save' })}
            />
            {policy.source && policy.fromRepository ? (
              <Suspense fallback={null}>
                <RepositorySourceBanner
                  source={policy.source}
                  policyText={view.policyText ?? policy.yamlText}
                  onOpenSource={() => setTab(tabIndex('Policy source'))}
                />
              </Suspense>
            ) : null}
            <StateNotices view={view} readOnly={!view.canEdit} />
            {banner ? <BannerView banner={banner} onDismiss={() => setBanner(undefined)} /> : null}
            <PageTabs page={page} tab={tab} setTab={setTab} />
            <PageDialogs policy={policy} saving={saving} call={call} />
          </main>
        </BitbucketListingsProvider>
      </EditorContext.Provider>
    </PeopleContext.Provider>
  );
}
