/**
 * Names for repositories the decision log knows only by UUID. The provider looks a repository up in
 * Bitbucket only for a scoped policy, so the runs of an unscoped policy (or of no policy yet) record
 * the UUID alone. The page names them when the log is shown, from the repository listing it loads
 * anyway (as the user: a member's listing holds only what they can read). The UUID stays in the
 * tooltip; a repository the listing does not hold stays shown by its UUID, and the tooltip says why.
 */

export interface ListedRepository {
  readonly uuid: string;
  readonly fullName: string;
}

/** The page's repository listing as it loads (ui/src/bitbucket.tsx). */
export interface RepositoryListing {
  readonly items?: readonly ListedRepository[];
  readonly truncated?: boolean;
  readonly error?: string;
  readonly loading: boolean;
}

export interface RepositoryLabel {
  /** What the cell shows: the name when known, else the UUID. */
  readonly text: string;
  /** The tooltip: always the UUID when there is one, and where the name came from or why there is none. */
  readonly title: string;
}

const UUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/** Bitbucket writes UUIDs in braces, records and requests sometimes without: compare them bare. */
const bare = (uuid: string) => uuid.trim().replace(/^\{/, '').replace(/\}$/, '').toLowerCase();

export const looksLikeUuid = (text: string) => UUID.test(text.trim());

/** Why the listing cannot name a repository. */
function unnamedReason(listing: RepositoryListing): string {
  if (listing.loading) return 'Bitbucket’s repository list is still loading';
  if (listing.error) return `Bitbucket’s repository list could not load (${listing.error}), so the name is unknown`;
  if (!listing.items) return 'Bitbucket’s repository list was not loaded, so the name is unknown';
  return listing.truncated
    ? 'not among the repositories listed for this large workspace, so the name is unknown'
    : 'not in Bitbucket’s repository list (deleted, or not readable by you), so the name is unknown';
}

/**
 * Labels a repository as recorded (`recorded`: a full name, or the UUID when the run recorded no
 * name) with its UUID (`uuid`, when known apart from `recorded`).
 */
export function repositoryLabeller(listing: RepositoryListing): (recorded: string, uuid?: string) => RepositoryLabel {
  const names = new Map((listing.items ?? []).map((repository) => [bare(repository.uuid), repository.fullName]));
  return (recorded, uuid) => {
    if (!looksLikeUuid(recorded))
      return { text: recorded, title: uuid ? `${recorded}: repository UUID ${uuid}` : recorded };
    const name = names.get(bare(recorded));
    if (name)
      return {
        text: name,
        title: `${name}: repository UUID ${recorded} (the run recorded only the UUID; the name is from Bitbucket)`,
      };
    return { text: recorded, title: `Repository UUID ${recorded}: ${unnamedReason(listing)}` };
  };
}

/**
 * The repository filter as the resolver takes it: a full name the listing knows becomes its UUID, which
 * matches the runs recorded by UUID alone as well as those recorded by name; anything else as typed.
 */
export function repositoryFilterValue(listing: RepositoryListing, typed: string): string {
  const wanted = typed.trim().toLowerCase();
  const found = listing.items?.find((repository) => repository.fullName.toLowerCase() === wanted);
  return found ? `{${bare(found.uuid)}}` : typed;
}
