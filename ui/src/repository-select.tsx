/** Picks one of the workspace's repositories from Bitbucket's list (fetched as the user at the page). */
import type { RepositoryIdentity } from '../../src/policy/repository';
import type { BitbucketRepository } from '../../src/settings/bitbucket-rest';
import { useBitbucketListings } from './bitbucket';

export const identityOf = (repository: BitbucketRepository): RepositoryIdentity => ({
  uuid: repository.uuid,
  slug: repository.slug,
  fullName: repository.fullName,
  ...(repository.projectKey ? { projectKey: repository.projectKey } : {}),
});

export function RepositorySelect({
  id,
  label,
  value,
  onChange,
  emptyLabel,
  help,
  current,
}: {
  id: string;
  label: string;
  /** The chosen repository's UUID, or '' for none. */
  value: string;
  onChange: (repository: BitbucketRepository | undefined) => void;
  emptyLabel: string;
  help?: string;
  /** A repository chosen earlier (a saved policy test) that Bitbucket's list may no longer hold: kept selectable. */
  current?: RepositoryIdentity;
}) {
  const { repositories } = useBitbucketListings();
  const listed = repositories.items ?? [];
  const items: BitbucketRepository[] =
    current && !listed.some((r) => r.uuid === current.uuid) ? [...listed, { ...current, name: current.slug }] : listed;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className="native-select"
        value={value}
        aria-describedby={`${id}-help`}
        onChange={(event) => onChange(items.find((r) => r.uuid === event.target.value))}
      >
        <option value="">{repositories.loading ? 'Loading repositories…' : emptyLabel}</option>
        {items.map((repository) => (
          <option key={repository.uuid} value={repository.uuid}>
            {repository.fullName}
            {repository.projectKey ? ` (project ${repository.projectKey})` : ''}
          </option>
        ))}
      </select>
      <div className="field-help" id={`${id}-help`}>
        {repositories.error
          ? `Bitbucket’s repository list could not load: ${repositories.error}`
          : (help ?? '') +
            (repositories.truncated ? ' Only the first repositories of this large workspace are listed.' : '')}
      </div>
    </div>
  );
}
