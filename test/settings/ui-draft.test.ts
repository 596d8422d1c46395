/** The settings page's draft editing (ui/src/draft.ts): pure, so it runs here without a browser. */
import { getAt, setAt } from '../../ui/src/draft';
import { check } from '../../ui/src/validation';
import { referencePolicyInput } from '../support/requests';

describe('policy draft editing', () => {
  it('sets a nested field without touching the original', () => {
    const draft = { environments: [{ name: 'dev' }] };
    const next = setAt(draft, ['environments', 0, 'oidc', 'region'], 'eu-west-1');
    expect(next).toEqual({ environments: [{ name: 'dev', oidc: { region: 'eu-west-1' } }] });
    expect(draft).toEqual({ environments: [{ name: 'dev' }] });
    expect(getAt(next, ['environments', 0, 'oidc', 'region'])).toBe('eu-west-1');
  });

  it('removes a cleared field, and the object it leaves empty, so no `oidc: {}` is left behind', () => {
    const draft = { environments: [{ name: 'dev', oidc: { region: 'eu-west-1' } }] };
    expect(setAt(draft, ['environments', 0, 'oidc', 'region'], undefined)).toEqual({ environments: [{ name: 'dev' }] });
  });

  it('removes a list item when it is set to undefined', () => {
    expect(setAt({ environments: [{ name: 'a' }, { name: 'b' }] }, ['environments', 0], undefined)).toEqual({
      environments: [{ name: 'b' }],
    });
  });

  it('checks with the same schema as the backend, field by field', () => {
    const policy = referencePolicyInput();
    expect(check(policy)).toEqual({ valid: true, problems: [] });
    const broken = setAt(policy, ['environments', 1, 'runner', 'labels', 2], 'DEV');
    expect(check(broken).problems).toEqual([
      expect.objectContaining({
        segments: ['environments', 1, 'runner', 'labels', 2],
        message: expect.stringMatching(/not a runner label/),
      }),
    ]);
  });
});
