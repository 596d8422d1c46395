/** The policy repository's state for the page: the commit in force and the newest commit that failed. */
import SectionMessage from './section-message';
import type { PolicySourceView } from '../../src/settings/api';

const short = (hash: string) => hash.slice(0, 12);

export function ActiveCommit({ view }: { view: PolicySourceView }) {
  if (!view.active)
    return (
      <p data-testid="active-commit">
        No commit of this branch is active yet: the policy in force was saved before the switch.
      </p>
    );
  const { commit, revision, loadedAt } = view.active;
  return (
    <p data-testid="active-commit">
      Active: revision {revision} from commit <code>{short(commit.hash)}</code>
      {commit.author ? ` by ${commit.author}` : ''}
      {commit.message ? ` (“${commit.message.split('\n')[0]}”)` : ''}, loaded {new Date(loadedAt).toLocaleString()}.
    </p>
  );
}

export function SyncFailureNotice({ view }: { view: PolicySourceView }) {
  const failure = view.status?.failure;
  if (!failure) return null;
  const report = view.status?.report?.hash === failure.hash ? view.status.report : undefined;
  return (
    <div data-testid="source-failure">
      <SectionMessage appearance="error" title={`Commit ${short(failure.hash)} was not loaded`}>
        <p>{failure.message}</p>
        {failure.details.length ? (
          <ul>
            {failure.details.map((detail, index) => (
              <li key={index}>{detail}</li>
            ))}
          </ul>
        ) : null}
        <p className="hint">
          {`${new Date(failure.at).toLocaleString()}. `}
          {report
            ? report.posted
              ? 'Also reported on the commit as a failed build status.'
              : `Not reported on the commit: ${report.detail}.`
            : failure.retryable
              ? 'The hourly check tries this commit again.'
              : ''}
        </p>
      </SectionMessage>
    </div>
  );
}
