/** The settings page's "Default environment" checkbox (ui/src/environment-defaults.ts). */
import { withDefault } from '../../ui/src/environment-defaults';

const PAY = { projects: ['PAY'] };

describe('ticking the default environment', () => {
  it('with no scopes keeps exactly one default, as before', () => {
    const environments = [{ name: 'prod' }, { name: 'dev', default: true }];
    expect(withDefault(environments, 0, true)).toEqual([{ name: 'prod', default: true }, { name: 'dev' }]);
    expect(environments).toEqual([{ name: 'prod' }, { name: 'dev', default: true }]);
  });

  it('ticking a scoped environment keeps the catch-all and the other scoped defaults', () => {
    const environments = [
      { name: 'dev-pay', scope: PAY },
      { name: 'dev-search', scope: { projects: ['SRCH'] }, default: true },
      { name: 'dev', default: true },
    ];
    expect(withDefault(environments, 0, true).map((e) => e.default === true)).toEqual([true, true, true]);
  });

  it('ticking an unscoped environment unticks the other unscoped default only', () => {
    const environments = [
      { name: 'dev-pay', scope: PAY, default: true },
      { name: 'shared' },
      { name: 'dev', default: true },
    ];
    expect(withDefault(environments, 1, true).map((e) => e.default === true)).toEqual([true, true, false]);
  });

  it('unticking touches no other environment', () => {
    const environments = [
      { name: 'dev-pay', scope: PAY, default: true },
      { name: 'dev', default: true },
      { name: 'old', default: true },
    ];
    expect(withDefault(environments, 1, false).map((e) => e.default === true)).toEqual([true, false, true]);
  });
});
