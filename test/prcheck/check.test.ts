import { createMergeCheck, type MergeCheckDependencies } from '../../src/prcheck/check';
import {
  MAIN_COMMIT,
  mergeEvent,
  PR_COMMIT,
  pushEvent,
  REPO,
  savePolicy,
  setup,
  SHARED,
  examplePolicy,
} from './support';
import { fixture } from '../pullrequest/support';

type Env = ReturnType<typeof setup>;

function checkOf(env: Env, extra: Partial<MergeCheckDependencies> = {}) {
  const logged: string[] = [];
  const check = createMergeCheck({
    kv: env.kv,
    bitbucket: env.stub.request,
    log: (m) => logged.push(m),
    sleep: async () => undefined,
    ...extra,
  });
  return { check, logged };
}

async function ready(
  source: string | undefined,
  destination: string | undefined,
  options?: Parameters<typeof setup>[2],
) {
  const env = setup(source, destination, options);
  await savePolicy(env.kv);
  return env;
}

describe('merge check', () => {
  it(
    'fails a pull request that newly blocks main, ' + 'and writes a FAILED report with the annotation at the line',
    async () => {
      const env = await ready('newly-blocks-main.yml', 'main.yml');
      const answer = await checkOf(env).check(pushEvent);
      expect(answer.success).toBe(false);
      expect(answer.message).toContain('✗ push to main: allowed on main today, BLOCKED after this merge');
      expect(answer.message).toContain('[deny-script] step "Install tools"');
      expect(answer.message).toContain(`Code Insights report "Pipeline Guard" on commit ${PR_COMMIT.slice(0, 12)}`);
      const [report] = env.stub.reports;
      expect(report).toMatchObject({
        commit: PR_COMMIT.slice(0, 12),
        id: 'pipeline-guard',
        report: { result: 'FAILED', report_type: 'SECURITY' },
      });
      expect(report.annotations).toEqual([
        expect.objectContaining({ path: 'bitbucket-pipelines.yml', line: 15, severity: 'HIGH', result: 'FAILED' }),
      ]);
    },
  );

  it('passes a pull request that fixes a blocked main', async () => {
    const env = await ready('fixes-main.yml', 'blocked-main.yml');
    const answer = await checkOf(env).check(pushEvent);
    expect(answer.success).toBe(true);
    expect(answer.message).toContain('push to main: blocked on main today, allowed after this merge (fixed)');
  });

  it('passes with a violation already on the destination, listed as such with a passed annotation', async () => {
    const env = await ready('keeps-blocked-main.yml', 'blocked-main.yml');
    const answer = await checkOf(env).check(pushEvent);
    expect(answer.success).toBe(true);
    expect(answer.message).toContain('Already on main');
    expect(env.stub.reports[0].annotations).toEqual([
      expect.objectContaining({
        line: 15,
        severity: 'HIGH',
        result: 'PASSED',
        summary: expect.stringContaining('already on main'),
      }),
    ]);
  });

  it('passes warn-mode findings with LOW annotations', async () => {
    const env = await ready('warn-only.yml', 'main.yml');
    const answer = await checkOf(env).check(pushEvent);
    expect(answer.success).toBe(true);
    expect(env.stub.reports[0].report).toMatchObject({ result: 'PASSED' });
    expect(env.stub.reports[0].annotations).toEqual([
      expect.objectContaining({ severity: 'LOW', line: 9, annotation_type: 'CODE_SMELL' }),
    ]);
  });

  it('reuses the destination for an unchanged file: two calls a push, no report', async () => {
    const env = await ready('main.yml', 'main.yml');
    const { check } = checkOf(env);
    const first = await check(pushEvent);
    expect(first).toMatchObject({ success: true, calls: 3 });
    env.stub.commit(
      REPO,
      'e'.repeat(40),
      { 'bitbucket-pipelines.yml': fixture('main.yml'), 'README.md': 'changed' },
      'feature/x',
    );
    env.stub.push(REPO, 7, 'e'.repeat(40));
    const second = await check(pushEvent);
    expect(second).toMatchObject({ success: true, calls: 2, cached: false });
    expect(
      env.stub.requests.slice(-2).map((r) => `${r.method} ${r.path.replace(/\/2\.0\/repositories\/[^/]+\/[^/]+/, '')}`),
    ).toEqual(['GET /pullrequests/7', `GET /src/${'e'.repeat(12)}/bitbucket-pipelines.yml`]);
    expect(env.stub.reports).toEqual([]);
  });

  it('answers on-merge from the cache of the same commits and policy revision: one call', async () => {
    const env = await ready('newly-blocks-main.yml', 'main.yml');
    const { check } = checkOf(env);
    const pushed = await check(pushEvent);
    const merged = await check(mergeEvent);
    expect(merged).toEqual({ success: pushed.success, message: pushed.message, calls: 1, cached: true });
  });

  it('does not answer on-merge from a pass cached for another pull request of the same commits', async () => {
    const env = await ready('newly-blocks-main.yml', 'main.yml');
    // A decoy: the same source commit into a branch made at main's head, where nothing it adds runs.
    env.stub.addPullRequest({
      id: 8,
      title: 'Decoy',
      repository: REPO,
      source: { branch: 'feature/x', commit: PR_COMMIT },
      destination: { branch: 'scratch', commit: MAIN_COMMIT },
    });
    const { check } = checkOf(env);
    expect((await check(pushEvent)).success).toBe(false);
    expect((await check({ ...pushEvent, pullrequest: { id: 8 } })).success).toBe(true);
    const merged = await check(mergeEvent);
    expect(merged).toMatchObject({ success: false, cached: true });
    expect(merged.message).toContain('push to main: allowed on main today, BLOCKED after this merge');
  });

  it('judges a merge afresh when an import from another repository was read at a branch, which may move', async () => {
    const env = await ready('with-imports.yml', 'main.yml');
    const benign = fixture('shared-standard.yml').replace('curl -sL https://example.com/scan.sh | sh', 'npm audit');
    env.stub.commit(SHARED, 'e'.repeat(40), { 'ci/standard.yml': benign }, 'main');
    const { check } = checkOf(env);
    expect((await check(pushEvent)).success).toBe(true);
    // The shared branch moves after the check passed: the merge must see the step it now holds.
    env.stub.commit(SHARED, 'f'.repeat(40), { 'ci/standard.yml': fixture('shared-standard.yml') }, 'main');
    const merged = await check(mergeEvent);
    expect(merged).toMatchObject({ success: false, cached: false });
    expect(merged.message).toContain('(shared-pipelines@main:ci/standard.yml line 9)');
  });

  it('fails as a fault, never passes, when the pipeline file of a fork cannot be read', async () => {
    const env = await ready(undefined, undefined);
    env.stub.addPullRequest({
      id: 9,
      title: 'From a fork',
      repository: REPO,
      // Another repository of the stand-in plays the fork: no file at that commit, as with a fork the app cannot read.
      source: { branch: 'feature/x', commit: PR_COMMIT, repository: SHARED },
      destination: { branch: 'main', commit: MAIN_COMMIT },
    });
    const answer = await checkOf(env).check({ ...pushEvent, pullrequest: { id: 9 } });
    expect(answer.success).toBe(false);
    expect(answer.message).toContain('the pull request comes from another repository (a fork)');
    expect(answer.message).toContain('This is a fault, not a verdict');
  });

  it('does not answer on-merge from the cache after the policy changed', async () => {
    const env = await ready('newly-blocks-main.yml', 'main.yml');
    const { check } = checkOf(env);
    await check(pushEvent);
    await savePolicy(env.kv, { ...examplePolicy(), rules: { 'deny-script': 'warn', 'deny-image': 'warn' } }, 4);
    const merged = await check(mergeEvent);
    expect(merged).toMatchObject({ success: true, cached: false });
    expect(merged.message).toContain('(policy revision 4)');
  });

  it(
    'resolves two imports from another repository at their branch and tag, ' + 'with annotations on the import line',
    async () => {
      const env = await ready('with-imports.yml', 'main.yml');
      const answer = await checkOf(env).check(pushEvent);
      expect(answer.success).toBe(false);
      expect(answer.message).toContain(
        'custom pipeline "nightly" on main: allowed on main today, BLOCKED after this merge',
      );
      expect(answer.message).toContain('(shared-pipelines@main:ci/standard.yml line 9)');
      const reads = env.stub.requests
        .filter((r) => r.path.includes('/src/'))
        .map((r) => decodeURIComponent(r.path).replace(/^.*\/repositories\/[^/]+\//, ''));
      expect(reads).toEqual(
        expect.arrayContaining([
          'shared-pipelines/src/v2/bitbucket-pipelines.yml',
          'shared-pipelines/src/main/ci/standard.yml',
        ]),
      );
      expect(env.stub.reports[0].annotations).toEqual([
        expect.objectContaining({
          path: 'bitbucket-pipelines.yml',
          line: 14,
          details: expect.stringContaining('in shared-pipelines@main:ci/standard.yml line 9, imported here'),
        }),
      ]);
    },
  );

  it('reports an import that cannot be resolved as such, never as a pass', async () => {
    const env = await ready('with-imports.yml', 'main.yml');
    env.stub.inject((r) =>
      r.path.includes('ci%2Fstandard') || r.path.includes('ci/standard') ? { status: 404, text: '{}' } : undefined,
    );
    const answer = await checkOf(env).check(pushEvent);
    expect(answer.success).toBe(false);
    expect(answer.message).toContain(
      '✗ cannot check: import "nightly@shared" (line 14): shared-pipelines@main:ci/standard.yml does not exist on main',
    );
  });

  it('fails a file that cannot be parsed, saying where', async () => {
    const env = await ready(undefined, 'main.yml', {
      extraSource: { 'bitbucket-pipelines.yml': 'pipelines:\n  default:\n    - step: [\n' },
    });
    const answer = await checkOf(env).check(pushEvent);
    expect(answer.success).toBe(false);
    expect(answer.message).toMatch(/^Pipeline Guard cannot use bitbucket-pipelines.yml at b{12}, line \d+: /);
  });

  it('passes a repository without any pipeline file', async () => {
    const env = await ready(undefined, undefined);
    const answer = await checkOf(env).check(pushEvent);
    expect(answer).toMatchObject({
      success: true,
      message: expect.stringContaining('neither feature/x nor main has a bitbucket-pipelines.yml'),
    });
  });

  it(
    'does not pass "no pipeline file" ' + 'when Bitbucket cannot read the commits but the branch has the file',
    async () => {
      const env = await ready('main.yml', 'main.yml');
      env.stub.inject((r) =>
        r.path.includes(`/src/${PR_COMMIT.slice(0, 12)}/`) || r.path.includes(`/src/${MAIN_COMMIT.slice(0, 12)}/`)
          ? { status: 404, text: '{}' }
          : undefined,
      );
      const answer = await checkOf(env).check(pushEvent);
      expect(answer.success).toBe(false);
      expect(answer.message).toContain('yet the branch has one');
    },
  );

  it('waits out a 429 with Retry-After inside the budget', async () => {
    const env = await ready('newly-blocks-main.yml', 'main.yml');
    let limited = 1;
    env.stub.inject((r) =>
      r.path.endsWith('/pullrequests/7') && limited-- > 0 ? { status: 429, retryAfter: '2', text: '' } : undefined,
    );
    const waits: number[] = [];
    const answer = await checkOf(env, { sleep: async (ms) => void waits.push(ms) }).check(pushEvent);
    expect(waits).toEqual([2_000]);
    expect(answer.success).toBe(false);
    expect(answer.message).toContain('BLOCKED after this merge');
  });

  it('answers a 429 whose Retry-After exceeds the budget with a fault, not a pass', async () => {
    const env = await ready('main.yml', 'main.yml');
    env.stub.inject(() => ({ status: 429, retryAfter: '3600', text: '' }));
    const answer = await checkOf(env).check(pushEvent);
    expect(answer.success).toBe(false);
    expect(answer.message).toMatch(
      new RegExp(
        String.raw`could not check this pull request \(Bitbucket could not be read: .*rate limit.*\)\. ` +
          String.raw`This is a fault, not a verdict on your pipeline, and nothing was simulated\. Re-run the check`,
      ),
    );
  });

  it.each([
    [
      'Bitbucket answers 500 for the file',
      (env: Env) => env.stub.inject((r) => (r.path.includes('/src/') ? { status: 500, text: '' } : undefined)),
      /Bitbucket could not be read: Bitbucket answered GET .* with 500/,
    ],
    [
      'storage fails',
      (env: Env) => jest.spyOn(env.kv, 'get').mockRejectedValue(new Error('KVS unavailable')),
      /storage could not be read: the policy could not be read from storage \(KVS unavailable\)/,
    ],
    [
      'the stored policy is invalid',
      async (env: Env) => savePolicy(env.kv, { version: 1, environments: [] }),
      /the policy could not be read: the stored policy \(revision 3\) is invalid/,
    ],
  ])('answers a fault (%s) with a failure that says it is a fault', async (_name, breakIt, pattern) => {
    const env = await ready('main.yml', 'main.yml');
    await breakIt(env);
    const answer = await checkOf(env).check(pushEvent);
    expect(answer.success).toBe(false);
    expect(answer.message).toMatch(pattern);
    expect(answer.message).toContain('This is a fault');
    expect(answer.message).not.toMatch(/makes no pipeline run/);
  });

  it('turns a fault into a pass with a note under pullRequests.onFault: pass', async () => {
    const env = setup('main.yml', 'main.yml');
    await savePolicy(env.kv, { ...examplePolicy(), pullRequests: { onFault: 'pass' } });
    env.stub.inject((r) => (r.path.includes('/src/') ? { status: 503, text: '' } : undefined));
    const answer = await checkOf(env).check(pushEvent);
    expect(answer.success).toBe(true);
    expect(answer.message).toContain(
      'This is a fault, not a verdict: ' +
        'the workspace policy lets pull requests merge on a fault (pullRequests.onFault: pass)',
    );
  });

  it('keeps going when the report cannot be written, and says so', async () => {
    const env = await ready('newly-blocks-main.yml', 'main.yml');
    env.stub.inject((r) => (r.method === 'PUT' ? { status: 403, text: '' } : undefined));
    const answer = await checkOf(env).check(pushEvent);
    expect(answer.success).toBe(false);
    expect(answer.message).toContain('(The Code Insights report could not be written: Bitbucket answered 403.)');
  });

  it('writes at most 1,000 annotations in batches of 100', async () => {
    const steps = Array.from(
      { length: 1_100 },
      (_, i) =>
        `      - step:\n          name: Install ${i}\n` +
        '          script:\n            - curl -sL https://example.com/i.sh | sh',
    ).join('\n');
    const env = await ready(undefined, 'main.yml', {
      extraSource: { 'bitbucket-pipelines.yml': `pipelines:\n  custom:\n    many:\n${steps}\n` },
    });
    const answer = await checkOf(env).check(pushEvent);
    expect(answer.success).toBe(false);
    const posts = env.stub.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => (r.body as unknown[]).length)).toEqual(Array(10).fill(100));
    expect(answer.message).toContain('annotations did not fit');
  });

  it('refuses a payload without a pull request', async () => {
    const env = await ready('main.yml', 'main.yml');
    expect(await checkOf(env).check({ workspace: { uuid: 'x' } })).toMatchObject({ success: false, calls: 0 });
  });

  it('reads the destination file at the destination commit', async () => {
    const env = await ready('main.yml', 'main.yml');
    await checkOf(env).check(pushEvent);
    expect(env.stub.requests.map((r) => r.path)).toContain(
      `/2.0/repositories/${encodeURIComponent('{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}')}/${encodeURIComponent(REPO)}` +
        `/src/${MAIN_COMMIT.slice(0, 12)}/bitbucket-pipelines.yml`,
    );
  });
});
