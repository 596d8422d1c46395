import { validatePolicy } from '../../src/policy/load';

describe('cross-field checks', () => {
  it('reports a duplicate environment name alongside field errors', () => {
    const result = validatePolicy({
      version: 1,
      environments: [
        {
          name: 'dev',
          default: true,
          branches: ['**'],
          runner: { labels: ['dev'] },
          oidc: { roleArn: 'nope', region: 'eu-west-1' },
        },
        { name: 'dev', branches: ['main'], runner: { labels: ['prod'] } },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['environments[0].oidc.roleArn', 'environments[1].name']),
    );
    expect(result.problems.find((p) => p.path === 'environments[1].name')?.message).toBe(
      'duplicate environment name "dev" (also environments[0])',
    );
  });

  it('reports a duplicate once when no field fails', () => {
    const result = validatePolicy({
      version: 1,
      environments: [
        { name: 'dev', default: true, runner: { labels: ['a'] } },
        { name: 'dev', runner: { labels: ['b'] } },
      ],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.filter((p) => p.message.startsWith('duplicate'))).toHaveLength(1);
  });
});
