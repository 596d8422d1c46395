/** The page's header: what is enforced and who saved it, and for admins the save bar. */
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import type { PolicyView } from '../../src/settings/api';
import { Notice, StatusLabel } from './notice';
import { usePersonName } from './people';
import type { PolicyDraft } from './use-policy-draft';

function SavedBy({ view }: { view: PolicyView }) {
  const name = usePersonName(view.savedBy);
  if (!view.savedAt) return null;
  return (
    <>
      {' '}
      Saved {new Date(view.savedAt).toLocaleString()} by{' '}
      <span className="person" title={view.savedBy} data-account-id={view.savedBy}>
        {name ?? view.savedBy}
      </span>
      .
    </>
  );
}

function PolicyStatus({ view }: { view: PolicyView }) {
  if (view.state === 'ok') return <StatusLabel appearance="success">revision {view.revision} enforced</StatusLabel>;
  if (view.state === 'none') return <StatusLabel appearance="default">no policy: pipelines pass through</StatusLabel>;
  return <StatusLabel appearance="removed">stored policy damaged</StatusLabel>;
}

function draftState(policy: PolicyDraft): string {
  if (policy.syntaxError) return 'The YAML has a syntax error.';
  if (!policy.dirty) return 'No unsaved changes.';
  if (policy.checked.valid) return 'Unsaved changes.';
  const count = policy.checked.problems.length;
  return `${count} problem${count === 1 ? '' : 's'} to fix before saving.`;
}

export function PageHeader({
  view,
  policy,
  busy,
  onDiscard,
  onSave,
}: {
  view: PolicyView;
  policy: PolicyDraft;
  busy: boolean;
  onDiscard: () => void;
  onSave: () => void;
}) {
  return (
    <header className="page-header">
      <div>
        <Heading size="large" as="h1">
          Pipeline Guard
        </Heading>
        <p className="hint" data-testid="policy-status">
          <PolicyStatus view={view} />
          <SavedBy view={view} />
        </p>
      </div>
      {policy.readOnly ? null : (
        <div className="save-bar">
          <span className="hint" aria-live="polite">
            {draftState(policy)}
          </span>
          <Button isDisabled={!policy.dirty} onClick={onDiscard}>
            Discard changes
          </Button>
          <Button appearance="primary" isDisabled={!policy.draftUsable || busy} onClick={onSave}>
            {busy ? 'Saving…' : 'Save policy'}
          </Button>
        </div>
      )}
    </header>
  );
}

/** Why the page cannot be changed, or why the provider is blocking runs. */
export function StateNotices({ view, readOnly }: { view: PolicyView; readOnly: boolean }) {
  return (
    <>
      {readOnly ? (
        <div className="banner">
          <Notice appearance="warning" title="View only">
            <p>
              Only workspace admins can change Pipeline Guard settings. You can read the policy, preview pipelines and
              read the decision log.
            </p>
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
    </>
  );
}
