import { validatePolicy } from '../../src/policy/load';
import type { Policy, PolicyInput } from '../../src/policy/schema';
import { createReplayer, mergeReplaySummaries, replayDraft } from '../../src/simulate/replay';
import type { RunSample } from '../../src/engine/sample';
import { branchRun, referencePolicyInput } from '../support/requests';

function policy(adjust: (input: PolicyInput) => void = () => {}): Policy {
  const input = referencePolicyInput();
  adjust(input);
  const result = validatePolicy(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.policy;
}

const build = { step: { name: 'Build', script: ['npm test'] } };
const prodDeploy = { step: { name: 'PROD deploy', deployment: 'production', oidc: true, script: ['./deploy.sh'] } };

function sample(slug: string, branch: string, items: unknown[], extra: Record<string, unknown> = {}): RunSample {
  return {
    request: branchRun(branch, items, { extra }),
    repository: { slug, fullName: `acme/${slug}`, project: 'WEB' },
  };
}

const latestImage = sample('web', 'feature/x', [build], { image: 'node:latest' });
const pinnedImage = sample('api', 'main', [build], { image: 'node:20.11' });
const prodOnFeature = sample('api', 'feature/y', [build, prodDeploy], { image: 'node:20.11' });
const SAMPLES = [latestImage, pinnedImage, prodOnFeature];

describe('replayDraft', () => {
  it('lists exactly the runs a tightening draft newly blocks, with the message under the draft', () => {
    const current = policy();
    const draft = policy((p) => {
      p.rules = { ...p.rules, 'deny-image': 'enforce' };
    });
    const summary = replayDraft({ samples: SAMPLES, current, draft });
    expect(summary.totals).toEqual({ runs: 3, newlyBlocked: 1, newlyAllowed: 0, changedSteps: 0, newWarnings: 0 });
    expect(summary.runs.map((run) => [run.repository, run.ref, run.kinds])).toEqual([
      ['acme/web', 'branch feature/x', ['newly-blocked']],
    ]);
    expect(summary.runs[0].rules).toEqual(['deny-image']);
    expect(summary.runs[0].message).toMatch(/^Pipeline Guard blocked this run of acme\/web for branch feature\/x/);
    expect(summary.runs[0].message).toContain('[deny-image]');
    expect(summary.byRepository.find((r) => r.repository === 'acme/web')).toMatchObject({ runs: 1, newlyBlocked: 1 });
    expect(summary.byRepository.find((r) => r.repository === 'acme/api')).toMatchObject({ runs: 2, newlyBlocked: 0 });
    expect(summary.byRule).toEqual([{ rule: 'deny-image', newlyBlocked: 1, newlyAllowed: 0, newWarnings: 0 }]);
  });

  it('lists exactly the runs a loosening draft newly allows, and the rule that no longer blocks them', () => {
    const current = policy();
    const draft = policy((p) => {
      p.rules = { ...p.rules, 'branch-gate': 'warn' };
    });
    const summary = replayDraft({ samples: SAMPLES, current, draft });
    expect(summary.totals.newlyBlocked).toBe(0);
    expect(summary.totals.newlyAllowed).toBe(1);
    const allowed = summary.runs.filter((run) => run.kinds.includes('newly-allowed'));
    expect(allowed.map((run) => [run.repository, run.ref])).toEqual([['acme/api', 'branch feature/y']]);
    expect(allowed[0].rules).toContain('branch-gate');
    // In warn mode the gated step runs as the default environment, and the draft says so.
    expect(allowed[0].kinds).toContain('new-warnings');
    expect(allowed[0].warnings?.map((w) => w.rule)).toContain('branch-gate');
    expect(allowed[0].message).toBeUndefined();
  });

  it('reports steps whose runners and identity change, naming before and after', () => {
    const current = policy();
    const draft = policy((p) => {
      const dev = p.environments.find((env) => env.name === 'dev')!;
      dev.runner!.labels = [...dev.runner!.labels, 'large'];
    });
    const summary = replayDraft({ samples: [pinnedImage], current, draft });
    expect(summary.totals.changedSteps).toBe(1);
    const change = summary.runs[0].stepChanges?.find((c) => c.field === 'runners');
    expect(change).toMatchObject({
      step: 'Build',
      before: 'self.hosted, linux, dev',
      after: 'self.hosted, linux, dev, large',
    });
  });

  it('compares against no policy: every run the draft blocks is newly blocked', () => {
    const summary = replayDraft({ samples: SAMPLES, current: undefined, draft: policy() });
    expect(summary.totals.newlyBlocked).toBe(1);
    expect(summary.runs[0]).toMatchObject({
      repository: 'acme/api',
      ref: 'branch feature/y',
      kinds: ['newly-blocked'],
      rules: ['branch-gate'],
    });
  });

  it('gives the same summary batch by batch, merged, as in one go', () => {
    const current = policy();
    const draft = policy((p) => {
      p.rules = { 'deny-image': 'enforce', 'branch-gate': 'warn' };
    });
    const replayer = createReplayer({ current, draft });
    const merged = SAMPLES.map((s) => replayer.replay([s])).reduce((a, b) => mergeReplaySummaries(a, b));
    expect(merged).toEqual(replayDraft({ samples: SAMPLES, current, draft }));
  });

  it('lists at most the limit and counts the rest', () => {
    const many = Array.from({ length: 5 }, (_, i) =>
      sample(`web-${i}`, 'feature/x', [build], { image: 'node:latest' }),
    );
    const summary = replayDraft({
      samples: many,
      current: policy(),
      draft: policy((p) => void (p.rules = { 'deny-image': 'enforce' })),
      limits: { listedRuns: 2 },
    });
    expect(summary.runs).toHaveLength(2);
    expect(summary.runsLeftOut).toBe(3);
    expect(summary.totals.newlyBlocked).toBe(5);
  });

  it('counts a sample the engine cannot read under either policy as unusable, not as a change', () => {
    const broken: RunSample = { request: { trigger: 'push' } };
    const summary = replayDraft({ samples: [broken], current: policy(), draft: policy() });
    expect(summary.unusable).toBe(1);
    expect(summary.totals.runs).toBe(0);
  });
});
