/**
 * "What does repository X get": pick a repository and see, for the policy in the editor, each
 * environment, whether the repository is in its scope and why, and which one is its default. Admins
 * can also make the provider read the repository again from Bitbucket (its project may have moved).
 */
import Button from '@atlaskit/button/new';
import DynamicTable from '../table';
import Lozenge from '../lozenge';
import SectionMessage from '../section-message';
import { useMemo, useState } from 'react';
import { validatePolicy } from '../../../src/policy/load';
import { describeScope, environmentsFor } from '../../../src/policy/scope';
import type { ApiError } from '../../../src/settings/api';
import type { BitbucketRepository } from '../../../src/settings/bitbucket-rest';
import type { RefreshedRepositoryView } from '../../../src/settings/scope-api';
import type { Call } from '../api';
import { useEditor } from '../fields';
import { identityOf, RepositorySelect } from '../repository-select';

type EnvironmentRow = ReturnType<typeof environmentsFor>[number];

const ENVIRONMENT_HEAD = {
  cells: [
    { key: 'n', content: '#' },
    { key: 'env', content: 'Environment' },
    { key: 'scope', content: 'Scope' },
    { key: 'in', content: 'Serves this repository' },
    { key: 'why', content: 'Why' },
  ],
};

/** Each environment of the policy, whether it serves the repository and why. */
function RepositoryView({ repository, rows }: { repository: BitbucketRepository; rows: EnvironmentRow[] }) {
  const fallback = rows.find((row) => row.isDefault);
  const serving = rows.filter((row) => row.inScope).length;
  return (
    <div className="stack" data-testid="repository-view">
      <p role="status">
        <strong>{repository.fullName}</strong> (project {repository.projectKey ?? 'unknown'}): steps that match no
        environment run as <strong>{fallback?.environment.name}</strong>. {serving} of {rows.length} environments serve
        it.
      </p>
      <DynamicTable
        caption={`Environments for ${repository.fullName}`}
        head={ENVIRONMENT_HEAD}
        rows={rows.map((row) => ({
          key: row.environment.name,
          cells: [
            { key: 'n', content: row.index + 1 },
            {
              key: 'env',
              content: (
                <>
                  {row.environment.name}
                  {row.isDefault ? (
                    <>
                      {' '}
                      <Lozenge appearance="inprogress">default</Lozenge>
                    </>
                  ) : null}
                </>
              ),
            },
            { key: 'scope', content: describeScope(row.environment.scope) },
            {
              key: 'in',
              content: row.inScope ? (
                <Lozenge appearance="success">yes</Lozenge>
              ) : (
                <Lozenge appearance="removed">no</Lozenge>
              ),
            },
            { key: 'why', content: row.reason },
          ],
        }))}
      />
    </div>
  );
}

/** Makes the provider read the repository again from Bitbucket, and says what it now knows. */
function useRepositoryRefresh(call: Call, repository: BitbucketRepository | undefined) {
  const [refreshed, setRefreshed] = useState<RefreshedRepositoryView['repository']>();
  const [refreshError, setRefreshError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const refresh = async () => {
    if (!repository) return;
    setBusy(true);
    const result = await call<RefreshedRepositoryView>('refreshRepository', { repositoryUuid: repository.uuid });
    setBusy(false);
    if (result.ok) {
      setRefreshed(result.repository);
      setRefreshError(undefined);
    } else {
      setRefreshed(undefined);
      setRefreshError(result.error);
    }
  };
  const forget = () => {
    setRefreshed(undefined);
    setRefreshError(undefined);
  };
  return { refreshed, refreshError, busy, refresh, forget };
}

function RefreshCache({
  refreshed,
  refreshError,
  busy,
  refresh,
}: Omit<ReturnType<typeof useRepositoryRefresh>, 'forget'>) {
  return (
    <div className="stack">
      <div className="toolbar">
        <Button onClick={refresh} isDisabled={busy}>
          {busy ? 'Refreshing…' : 'Refresh repository cache'}
        </Button>
      </div>
      <p className="hint">
        The provider keeps each repository’s slug and project for up to an hour. Refresh after moving or renaming a
        repository, so its next run uses the new ones.
      </p>
      {refreshed ? (
        <SectionMessage appearance="success" title="Repository cache refreshed">
          <p>
            The provider now knows {refreshed.fullName} as slug {refreshed.slug} in project{' '}
            {refreshed.projectKey ?? '(none)'}; its next run uses this.
          </p>
        </SectionMessage>
      ) : null}
      {refreshError ? (
        <SectionMessage appearance="error" title="Not refreshed">
          <p>{refreshError.message}</p>
        </SectionMessage>
      ) : null}
    </div>
  );
}

export function RepositoriesTab({ call, dirty }: { call: Call; dirty: boolean }) {
  const editor = useEditor();
  const [repository, setRepository] = useState<BitbucketRepository>();
  const { forget, ...cache } = useRepositoryRefresh(call, repository);
  const validated = useMemo(
    () => (editor.draft === undefined ? undefined : validatePolicy(editor.draft)),
    [editor.draft],
  );
  const rows = repository && validated?.ok ? environmentsFor(validated.policy, identityOf(repository)) : undefined;

  return (
    <div className="stack">
      <p className="lead">
        Pick a repository to see which environments its steps can use under{' '}
        {dirty ? 'the policy in the editor, unsaved changes included' : 'this policy'}, and where its other steps run.
      </p>
      <div className="grid">
        <RepositorySelect
          id="repo-view-repository"
          label="Repository"
          value={repository?.uuid ?? ''}
          emptyLabel="Choose a repository"
          help="Listed from Bitbucket as you see it."
          onChange={(next) => {
            setRepository(next);
            forget();
          }}
        />
      </div>
      {editor.draft === undefined ? (
        <p className="hint">There is no policy yet, so every repository’s pipelines pass through unchanged.</p>
      ) : null}
      {validated && !validated.ok ? (
        <SectionMessage appearance="warning" title="The policy in the editor has problems">
          <p>Fix them on the Environments tab first; this view needs a valid policy.</p>
        </SectionMessage>
      ) : null}
      {repository && rows ? <RepositoryView repository={repository} rows={rows} /> : null}
      {repository && !editor.readOnly ? <RefreshCache {...cache} /> : null}
    </div>
  );
}
