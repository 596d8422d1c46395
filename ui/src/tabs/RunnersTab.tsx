/**
 * The runner inventory: the workspace's runners (listed from Bitbucket as the user at the page), which
 * online runners serve each environment, and warnings about an environment no runner serves and a
 * runner whose labels let steps of two environments onto it.
 */
import Button from '@atlaskit/button/new';
import DynamicTable from '../table';
import Lozenge from '../lozenge';
import SectionMessage from '../section-message';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../../src/settings/api';
import type { RunnerInventoryView } from '../../../src/settings/scope-api';
import type { Call } from '../api';

const STATUS_APPEARANCE: Record<string, 'success' | 'removed' | 'default' | 'moved'> = {
  ONLINE: 'success',
  OFFLINE: 'removed',
  UNHEALTHY: 'removed',
  DISABLED: 'default',
};

type Inventory = RunnerInventoryView['inventory'];

/** The inventory's problems, or that there are none. */
function RunnerWarnings({ inventory }: { inventory: Inventory }) {
  if (inventory.warnings.length)
    return (
      <SectionMessage
        appearance="warning"
        title={`${inventory.warnings.length} runner problem${inventory.warnings.length === 1 ? '' : 's'}`}
      >
        <ul data-testid="runner-warnings">
          {inventory.warnings.map((warning, i) => (
            <li key={i}>{warning.message}</li>
          ))}
        </ul>
      </SectionMessage>
    );
  if (!inventory.environments.length) return null;
  return (
    <SectionMessage
      appearance="success"
      title="Every environment has an online runner, and no runner serves two environments"
    >
      <p>{inventory.runners.length} runners listed.</p>
    </SectionMessage>
  );
}

function EnvironmentRunners({ inventory }: { inventory: Inventory }) {
  return (
    <DynamicTable
      caption="Which online runners serve each environment"
      head={{
        cells: [
          { key: 'env', content: 'Environment' },
          { key: 'labels', content: 'Labels its steps get' },
          { key: 'served', content: 'Online runners' },
          { key: 'other', content: 'Matching, not taking steps' },
        ],
      }}
      rows={inventory.environments.map((env) => ({
        key: env.name,
        cells: [
          { key: 'env', content: env.name },
          {
            key: 'labels',
            content: env.labels.length ? (
              <code>{env.labels.join(', ')}</code>
            ) : (
              <span className="hint">none (Bitbucket Cloud runners)</span>
            ),
          },
          {
            key: 'served',
            content:
              env.labels.length === 0 ? (
                '—'
              ) : env.servedBy.length ? (
                env.servedBy.join(', ')
              ) : (
                <Lozenge appearance="removed">none</Lozenge>
              ),
          },
          { key: 'other', content: env.matchingUnavailable.join(', ') || '—' },
        ],
      }))}
    />
  );
}

function WorkspaceRunners({ inventory }: { inventory: Inventory }) {
  return (
    <DynamicTable
      caption="The workspace’s runners"
      head={{
        cells: [
          { key: 'name', content: 'Runner' },
          { key: 'status', content: 'Status' },
          { key: 'labels', content: 'Labels' },
          { key: 'serves', content: 'Serves' },
        ],
      }}
      rows={inventory.runners.map((runner) => ({
        key: runner.uuid,
        cells: [
          { key: 'name', content: runner.name },
          {
            key: 'status',
            content: (
              <Lozenge appearance={STATUS_APPEARANCE[runner.status] ?? 'default'}>
                {runner.cordoned ? `${runner.status.toLowerCase()}, cordoned` : runner.status.toLowerCase()}
              </Lozenge>
            ),
          },
          { key: 'labels', content: <code>{runner.labels.join(', ')}</code> },
          { key: 'serves', content: runner.serves.length ? runner.serves.join(', ') : '—' },
        ],
      }))}
      emptyView={<p>No runners are registered in this workspace.</p>}
    />
  );
}

function RunnerInventory({ view }: { view: RunnerInventoryView }) {
  const { inventory } = view;
  return (
    <div className="stack" data-testid="runner-inventory">
      <RunnerWarnings inventory={inventory} />
      {view.truncated ? (
        <p className="hint">
          This workspace has more runners than the page lists; the inventory covers the first ones.
        </p>
      ) : null}
      {inventory.environments.length === 0 ? (
        <p className="hint">There is no policy yet, so no environment needs a runner.</p>
      ) : null}
      <EnvironmentRunners inventory={inventory} />
      <WorkspaceRunners inventory={inventory} />
    </div>
  );
}

function RunnersError({ error }: { error: ApiError }) {
  if (error.code === 'forbidden')
    return (
      <SectionMessage appearance="information" title="The runner inventory is for workspace admins">
        <p>
          Runner names and labels are workspace-wide, so only workspace admins see them here. Your pipelines get their
          environment’s labels from the policy (Policy tab).
        </p>
      </SectionMessage>
    );
  return (
    <SectionMessage appearance="error" title="The runners could not be listed">
      <p>{error.message}</p>
    </SectionMessage>
  );
}

export function RunnersTab({ call, draft, draftUsable }: { call: Call; draft: unknown; draftUsable: boolean }) {
  const [view, setView] = useState<RunnerInventoryView>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  // The draft is read when the inventory is asked for, not on every keystroke.
  const latest = useRef({ draft, draftUsable });
  latest.current = { draft, draftUsable };

  const load = useCallback(async () => {
    setBusy(true);
    const result = await call<RunnerInventoryView>(
      'runnerInventory',
      latest.current.draftUsable ? { policy: latest.current.draft } : {},
    );
    setBusy(false);
    if (result.ok) {
      setView(result);
      setError(undefined);
    } else setError(result.error);
  }, [call]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="stack">
      <p className="lead">
        Bitbucket puts a step on any runner that carries every label in its <code>runs-on</code>. Pipeline Guard gives
        each step its environment’s labels, so an environment is served by the online runners that carry all of them.
      </p>
      <div className="toolbar">
        <Button onClick={load} isDisabled={busy}>
          {busy ? 'Loading runners…' : 'Reload runners'}
        </Button>
        {view ? <span className="hint">For {view.policySource}.</span> : null}
      </div>
      {error ? <RunnersError error={error} /> : null}
      {view?.inventory ? <RunnerInventory view={view} /> : null}
    </div>
  );
}
