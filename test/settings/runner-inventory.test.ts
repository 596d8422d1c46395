import type { BitbucketRunner } from '../../src/settings/bitbucket-rest';
import { buildRunnerInventory } from '../../src/settings/runner-inventory';

const runner = (
  name: string,
  labels: string[],
  status: BitbucketRunner['status'] = 'ONLINE',
  cordoned = false,
): BitbucketRunner => ({ uuid: `{${name}}`, name, labels, status, cordoned });
const env = (name: string, labels?: string[]) => ({ name, ...(labels ? { runner: { labels, extraLabels: [] } } : {}) });

const PROD = env('prod', ['self.hosted', 'linux', 'prod']);
const DEV = env('dev', ['self.hosted', 'linux', 'dev']);

describe('runner inventory', () => {
  it('an environment is served by the online runners that carry all of its labels, extra runner labels allowed', () => {
    const inventory = buildRunnerInventory(
      [PROD, DEV],
      [
        runner('p1', ['self.hosted', 'linux', 'prod']),
        runner('d1', ['self.hosted', 'linux', 'dev', 'dev.large']),
        runner('half', ['self.hosted', 'prod']),
      ],
    );
    expect(inventory.environments).toEqual([
      { name: 'prod', labels: ['self.hosted', 'linux', 'prod'], servedBy: ['p1'], matchingUnavailable: [] },
      { name: 'dev', labels: ['self.hosted', 'linux', 'dev'], servedBy: ['d1'], matchingUnavailable: [] },
    ]);
    expect(inventory.runners.map((r) => [r.name, r.serves])).toEqual([
      ['p1', ['prod']],
      ['d1', ['dev']],
      ['half', []],
    ]);
    expect(inventory.warnings).toEqual([]);
  });

  it('warns about an environment no runner carries all labels of', () => {
    const { warnings } = buildRunnerInventory(
      [PROD, DEV],
      [runner('d1', ['self.hosted', 'linux', 'dev']), runner('half', ['self.hosted', 'linux'])],
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ kind: 'unserved-environment', environment: 'prod' });
    expect(warnings[0].message).toMatch(
      new RegExp(
        /^No online runner serves "prod": its steps need the labels self\.hosted, linux, prod, /.source +
          /and no runner in the workspace carries all of them\./.source,
      ),
    );
    expect(warnings[0].message).toMatch(/Fix: /);
  });

  it.each([
    ['offline', runner('p1', ['self.hosted', 'linux', 'prod'], 'OFFLINE'), 'p1 (offline)'],
    ['disabled', runner('p1', ['self.hosted', 'linux', 'prod'], 'DISABLED'), 'p1 (disabled)'],
    ['cordoned', runner('p1', ['self.hosted', 'linux', 'prod'], 'ONLINE', true), 'p1 (cordoned)'],
  ])(
    'an environment whose only matching runner is %s is not served, and the warning names the runner',
    (_name, only, named) => {
      const inventory = buildRunnerInventory([PROD], [only]);
      expect(inventory.environments[0].servedBy).toEqual([]);
      expect(inventory.environments[0].matchingUnavailable).toEqual([named]);
      expect(inventory.warnings.map((w) => w.kind)).toEqual(['unserved-environment']);
      expect(inventory.warnings[0].message).toContain(`cannot take steps now: ${named}`);
    },
  );

  it('warns about a runner whose labels satisfy two environments, naming both', () => {
    const inventory = buildRunnerInventory(
      [PROD, DEV],
      [
        runner('p1', ['self.hosted', 'linux', 'prod']),
        runner('d1', ['self.hosted', 'linux', 'dev']),
        runner('legacy', ['self.hosted', 'linux', 'dev', 'prod']),
      ],
    );
    expect(inventory.warnings).toHaveLength(1);
    expect(inventory.warnings[0]).toMatchObject({ kind: 'shared-runner', runner: 'legacy' });
    expect(inventory.warnings[0].message).toMatch(
      /^Runner "legacy" carries every label of "prod" and "dev", so steps of both environments can run on it/,
    );
    expect(inventory.environments.map((e) => e.servedBy)).toEqual([
      ['p1', 'legacy'],
      ['d1', 'legacy'],
    ]);
  });

  it('also warns about a shared runner that is offline: the problem is its labels, not its state', () => {
    const { warnings } = buildRunnerInventory(
      [PROD, DEV],
      [
        runner('p1', ['self.hosted', 'linux', 'prod']),
        runner('d1', ['self.hosted', 'linux', 'dev']),
        runner('legacy', ['self.hosted', 'linux', 'dev', 'prod'], 'OFFLINE'),
      ],
    );
    expect(warnings.map((w) => [w.kind, w.runner])).toEqual([['shared-runner', 'legacy']]);
  });

  it('an environment without self-hosted runner labels needs no runner and gets no warning', () => {
    const inventory = buildRunnerInventory([env('cloud'), DEV], [runner('d1', ['self.hosted', 'linux', 'dev'])]);
    expect(inventory.environments[0]).toEqual({ name: 'cloud', labels: [], servedBy: [], matchingUnavailable: [] });
    expect(inventory.runners[0].serves).toEqual(['dev']);
    expect(inventory.warnings).toEqual([]);
  });

  it('no policy: runners listed, nothing served, no warnings', () => {
    const inventory = buildRunnerInventory([], [runner('d1', ['self.hosted'])]);
    expect(inventory).toEqual({
      environments: [],
      runners: [{ ...runner('d1', ['self.hosted']), serves: [] }],
      warnings: [],
    });
  });

  it('reports both problems at once', () => {
    const { warnings } = buildRunnerInventory(
      [PROD, DEV, env('search', ['self.hosted', 'linux', 'prod.search'])],
      [runner('legacy', ['self.hosted', 'linux', 'dev', 'prod'])],
    );
    expect(warnings.map((w) => `${w.kind}:${w.environment ?? w.runner}`)).toEqual([
      'unserved-environment:search',
      'shared-runner:legacy',
    ]);
  });
});
