/**
 * The banner over the page while the policy comes from a repository: why nothing here edits it, a
 * link to the file, and an export of the policy in force to start a change (a commit, a pull request).
 */
import Button from '@atlaskit/button/new';
import type { PolicySourceView } from '../../src/settings/api';
import { downloadText } from './download';
import { Notice } from './notice';

export function RepositorySourceBanner({
  source,
  policyText,
  onOpenSource,
}: {
  source: PolicySourceView;
  policyText?: string;
  onOpenSource: () => void;
}) {
  const repository = source.source.kind === 'repository' ? source.source : undefined;
  const failure = source.status?.failure;
  return (
    <div className="banner" data-testid="repository-source-banner">
      <Notice
        appearance="information"
        title={repository ? 'The policy is kept in a repository' : 'The policy source is damaged'}
      >
        {repository ? (
          <>
            <p>
              It changes only through a reviewed commit to{' '}
              <a href={source.fileUrl} target="_blank" rel="noopener noreferrer">
                {repository.path}
              </a>{' '}
              on <code>{repository.branch}</code> of {repository.repository.fullName}, so the policy, its tests and its
              history are read-only here. Break-glass grants still work on this page.
            </p>
            <p>
              {source.active
                ? `Active: commit ${source.active.commit.hash.slice(0, 12)} (revision ${source.active.revision}), ` +
                  `loaded ${new Date(source.active.loadedAt).toLocaleString()}.`
                : 'No commit of the branch has been loaded yet; the policy saved before the switch is in force.'}
              {failure ? ` Commit ${failure.hash.slice(0, 12)} was not loaded: ${failure.message}` : ''}
            </p>
          </>
        ) : (
          <p>
            Pipeline Guard cannot tell where the policy is kept, so changes on this page are refused until an admin sets
            the policy source again.
          </p>
        )}
        <div className="toolbar">
          {repository && policyText !== undefined ? (
            <Button
              onClick={() =>
                downloadText(repository.path.split('/').pop() ?? 'pipeline-guard.yaml', policyText, 'application/yaml')
              }
            >
              Export the policy to start a change
            </Button>
          ) : null}
          <Button appearance="subtle" onClick={onOpenSource}>
            Open Policy source
          </Button>
        </div>
      </Notice>
    </div>
  );
}
