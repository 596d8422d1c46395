/** ui/src/repository-names.ts: the decision log names repositories it knows only by UUID, from the listing. */
import { repositoryFilterValue, repositoryLabeller, type RepositoryListing } from '../../ui/src/repository-names';

const PAYMENTS = '{a1b2c3d4-0001-4a00-8000-00000000a001}';
const GONE = '{a1b2c3d4-0099-4a00-8000-00000000a099}';
const listed: RepositoryListing = {
  loading: false,
  items: [
    { uuid: PAYMENTS, fullName: 'acme/payments-api' },
    { uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}', fullName: 'acme/website' },
  ],
};

describe('repository names for the decision log', () => {
  it('names a run recorded by UUID alone, in any brace form or case, and keeps the UUID in the tooltip', () => {
    const label = repositoryLabeller(listed);
    for (const recorded of [PAYMENTS, PAYMENTS.slice(1, -1), PAYMENTS.toUpperCase()]) {
      const { text, title } = label(recorded, recorded);
      expect(text).toBe('acme/payments-api');
      expect(title).toContain(`repository UUID ${recorded}`);
      expect(title).toContain('the run recorded only the UUID');
    }
  });

  it('keeps a recorded name, with its UUID in the tooltip when known', () => {
    const label = repositoryLabeller(listed);
    expect(label('acme/renamed', PAYMENTS)).toEqual({
      text: 'acme/renamed',
      title: `acme/renamed: repository UUID ${PAYMENTS}`,
    });
    expect(label('repo-slug')).toEqual({ text: 'repo-slug', title: 'repo-slug' });
  });

  it('shows a repository the listing does not hold by its UUID, and says why in the tooltip', () => {
    const cases: Array<[RepositoryListing, string]> = [
      [listed, 'not in Bitbucket’s repository list (deleted, or not readable by you)'],
      [{ ...listed, truncated: true }, 'not among the repositories listed for this large workspace'],
      [{ loading: true }, 'still loading'],
      [{ loading: false, error: 'Bitbucket answered 503' }, 'could not load (Bitbucket answered 503)'],
      [{ loading: false }, 'was not loaded'],
    ];
    for (const [listing, why] of cases) {
      const { text, title } = repositoryLabeller(listing)(GONE, GONE);
      expect(text).toBe(GONE);
      expect(title).toContain(`Repository UUID ${GONE}: `);
      expect(title).toContain(why);
    }
  });

  it('never takes a name from a repository with another UUID', () => {
    const label = repositoryLabeller(listed);
    expect(label('{a1b2c3d4-0001-4a00-8000-00000000a00f}').text).toBe('{a1b2c3d4-0001-4a00-8000-00000000a00f}');
  });

  it('filters by the UUID of a full name the listing knows, and by anything else as typed', () => {
    expect(repositoryFilterValue(listed, ' ACME/Payments-API ')).toBe(PAYMENTS);
    expect(repositoryFilterValue(listed, 'acme/repo-7')).toBe('acme/repo-7');
    expect(repositoryFilterValue(listed, 'payments')).toBe('payments');
    expect(repositoryFilterValue({ loading: true }, 'acme/payments-api')).toBe('acme/payments-api');
  });
});
