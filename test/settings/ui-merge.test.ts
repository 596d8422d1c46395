/** ui/src/merge.ts: an admin's edits rebased onto the revision another admin saved first. */
import { describeValue, mergePolicies } from '../../ui/src/merge';

const BASE = {
  version: 1,
  mode: 'enforce',
  environments: [
    {
      name: 'prod',
      branches: ['main'],
      match: { stepNamePrefix: 'PROD' },
      oidc: { roleArn: 'arn:aws:iam::123456789012:role/deploy', region: 'eu-west-1' },
      runner: { labels: ['self.hosted', 'prod'] },
    },
    { name: 'dev', default: true, branches: ['**'], runner: { labels: ['self.hosted', 'dev'] } },
  ],
  deny: { images: ['*:latest'] },
};

const edit = (change: (copy: any) => void) => {
  const copy = JSON.parse(JSON.stringify(BASE));
  change(copy);
  return copy;
};

describe('mergePolicies', () => {
  it('keeps both sides when they changed different fields, and names what each side brought', () => {
    const theirs = edit((p) => (p.environments[0].oidc.region = 'eu-west-2'));
    const mine = edit((p) => p.deny.images.push('evil/*'));
    const result = mergePolicies(BASE, theirs, mine);
    expect(result.conflicts).toEqual([]);
    expect(result.merged).toEqual(
      edit((p) => {
        p.environments[0].oidc.region = 'eu-west-2';
        p.deny.images.push('evil/*');
      }),
    );
    expect(result.theirsApplied).toEqual(['environment “prod” → oidc → region']);
    expect(result.mineApplied).toEqual(['deny → images']);
  });

  it('reports a field both changed as one conflict with base, theirs and mine, keeping theirs until told', () => {
    const theirs = edit((p) => (p.environments[0].oidc.region = 'eu-west-2'));
    const mine = edit((p) => {
      p.environments[0].oidc.region = 'us-east-1';
      p.mode = 'warn';
    });
    const result = mergePolicies(BASE, theirs, mine);
    expect(result.conflicts).toEqual([
      {
        key: expect.any(String),
        label: 'environment “prod” → oidc → region',
        base: 'eu-west-1',
        theirs: 'eu-west-2',
        mine: 'us-east-1',
      },
    ]);
    expect((result.merged as any).environments[0].oidc.region).toBe('eu-west-2');
    expect((result.merged as any).mode).toBe('warn');
    const chosen = mergePolicies(BASE, theirs, mine, new Map([[result.conflicts[0].key, 'mine']]));
    expect((chosen.merged as any).environments[0].oidc.region).toBe('us-east-1');
    expect(chosen.conflicts.map((c) => c.key)).toEqual([result.conflicts[0].key]);
  });

  it('merges environments by name whatever their order, and keeps an environment either side added', () => {
    const theirs = edit((p) => {
      p.environments.reverse();
      p.environments.push({
        name: 'staging',
        branches: ['release/*'],
        match: { stepNamePrefix: 'STG' },
        runner: { labels: ['staging'] },
      });
    });
    const mine = edit((p) => {
      p.environments[0].branches.push('hotfix/*');
      p.environments.push({
        name: 'qa',
        branches: ['qa/*'],
        match: { stepNamePrefix: 'QA' },
        runner: { labels: ['qa'] },
      });
    });
    const { merged, conflicts } = mergePolicies(BASE, theirs, mine);
    expect(conflicts).toEqual([]);
    expect((merged as any).environments.map((e: any) => e.name)).toEqual(['dev', 'prod', 'staging', 'qa']);
    expect((merged as any).environments[1].branches).toEqual(['main', 'hotfix/*']);
  });

  it('takes a removal made by one side when the other left the item alone, and asks when the other changed it', () => {
    const removed = edit((p) => p.environments.splice(1, 1));
    expect((mergePolicies(BASE, removed, BASE).merged as any).environments.map((e: any) => e.name)).toEqual(['prod']);
    expect((mergePolicies(BASE, BASE, removed).merged as any).environments.map((e: any) => e.name)).toEqual(['prod']);
    const changed = edit((p) => (p.environments[1].branches = ['feature/*']));
    const { conflicts, merged } = mergePolicies(BASE, removed, changed);
    expect(conflicts.map((c) => [c.label, c.theirs, (c.mine as any)?.branches])).toEqual([
      ['environment “dev”', undefined, ['feature/*']],
    ]);
    expect((merged as any).environments.map((e: any) => e.name)).toEqual(['prod']);
    const kept = mergePolicies(BASE, removed, changed, new Map([[conflicts[0].key, 'mine']]));
    expect((kept.merged as any).environments.map((e: any) => e.name)).toEqual(['prod', 'dev']);
  });

  it('treats a plain list as one field, and agrees when both made the same change', () => {
    const theirs = edit((p) => (p.environments[0].branches = ['main', 'release/*']));
    const mine = edit((p) => (p.environments[0].branches = ['main', 'hotfix/*']));
    expect(mergePolicies(BASE, theirs, mine).conflicts.map((c) => c.label)).toEqual(['environment “prod” → branches']);
    const result = mergePolicies(BASE, theirs, theirs);
    expect(result.conflicts).toEqual([]);
    expect(result.merged).toEqual(theirs);
  });
});

describe('describeValue', () => {
  it('writes values the way the YAML shows them, and a missing one in words', () => {
    expect(describeValue(['main', 'release/*'])).toBe('[main, release/*]');
    expect(describeValue({ labels: ['a'], size: 2 })).toBe('{labels: [a], size: 2}');
    expect(describeValue(undefined)).toBe('(not set)');
    expect(describeValue(true)).toBe('true');
  });
});
