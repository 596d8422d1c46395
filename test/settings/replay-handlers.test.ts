import { createProvider } from '../../src/provider/handler';
import { createHandlers } from '../../src/settings/handlers';
import type { ReplayEvent } from '../../src/settings/replay-jobs';
import { POLICY_KEY } from '../../src/storage/keys';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { createKvSampleSink } from '../../src/storage/sample-store';
import type { PolicyInput } from '../../src/policy/schema';
import { branchRun, referencePolicyInput } from '../support/requests';
import { ADMIN, MEMBER } from '../support/callers';
import { failed, ok } from '../support/results';

const build = { step: { name: 'Build', script: ['npm test'] } };
const prodDeploy = { step: { name: 'PROD deploy', deployment: 'production', oidc: true, script: ['./deploy.sh'] } };
const repositoryUuid = (n: number) => `{00000000-0000-4000-8000-${String(n).padStart(12, '0')}}`;

const tightened = (): PolicyInput => ({ ...referencePolicyInput(), rules: { 'deny-image': 'enforce' } });

function setup() {
  const kv = createMemoryKv();
  const events: ReplayEvent[] = [];
  let clock = Date.parse('2026-11-25T10:00:00.000Z');
  const now = () => new Date((clock += 1000));
  let ids = 0;
  const handlers = createHandlers({
    kv,
    adminCheck: async ({ accountId }) => accountId === 'admin-1',
    now,
    newId: () => `job${String(++ids).padStart(4, '0')}`,
    replayQueue: { push: async (pushed) => void events.push(...pushed) },
  });
  const provider = createProvider({
    store: { read: () => kv.get(POLICY_KEY) },
    samples: createKvSampleSink(kv),
    log: () => undefined,
    now,
  });
  /** Hands the queued events to the consumer one by one, as Forge would, up to `limit` of them. */
  const drain = async (limit = Number.POSITIVE_INFINITY) => {
    const { createReplayJobs } = await import('../../src/settings/replay-jobs');
    const consumer = createReplayJobs({
      kv,
      queue: { push: async (pushed) => void events.push(...pushed) },
      now,
      log: () => undefined,
    });
    let handled = 0;
    while (events.length && handled < limit) {
      await consumer.handle(events.shift());
      handled += 1;
    }
    return handled;
  };
  return { kv, handlers, provider, events, drain };
}

async function seeded() {
  const context = setup();
  ok(await context.handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
  await context.provider({
    ...branchRun('feature/x', [build], { extra: { image: 'node:latest' } }),
    repository: repositoryUuid(1),
  });
  await context.provider({
    ...branchRun('main', [build], { extra: { image: 'node:20.11' } }),
    repository: repositoryUuid(2),
  });
  await context.provider({
    ...branchRun('feature/y', [build, prodDeploy], { extra: { image: 'node:20.11' } }),
    repository: repositoryUuid(2),
  });
  return context;
}

describe('replay in the background', () => {
  it('replays a tightening draft and lists exactly the run it newly blocks', async () => {
    const { handlers, drain } = await seeded();
    const started = ok(await handlers.startReplay(ADMIN, { policy: tightened(), days: 30 }));
    expect(started.job).toMatchObject({ status: 'queued', days: 30, baselineRevision: 1 });
    expect(await drain()).toBe(2); // the plan, then one batch
    const view = ok(await handlers.replayStatus(ADMIN, {}));
    expect(view.job).toMatchObject({ status: 'done', total: 3, done: 3, reused: false });
    expect(view.result!.summary.totals).toMatchObject({ runs: 3, newlyBlocked: 1, newlyAllowed: 0 });
    expect(view.result!.summary.runs.map((run) => [run.repository, run.ref, run.kinds, run.rules])).toEqual([
      [repositoryUuid(1), 'branch feature/x', ['newly-blocked'], ['deny-image']],
    ]);
  });

  it('reuses the result of the same draft against the same samples, replays again when a sample changes', async () => {
    const { handlers, drain, provider } = await seeded();
    ok(await handlers.startReplay(ADMIN, { policy: tightened() }));
    await drain();
    const first = ok(await handlers.replayStatus(ADMIN, {}));
    ok(await handlers.startReplay(ADMIN, { policy: tightened() }));
    expect(await drain()).toBe(1); // the plan found the result: no batch
    const second = ok(await handlers.replayStatus(ADMIN, {}));
    expect(second.job).toMatchObject({ status: 'done', reused: true });
    expect(second.result!.key).toBe(first.result!.key);
    await provider({
      ...branchRun('feature/z', [build], { extra: { image: 'node:latest' } }),
      repository: repositoryUuid(3),
    });
    ok(await handlers.startReplay(ADMIN, { policy: tightened() }));
    expect(await drain()).toBe(2);
    const third = ok(await handlers.replayStatus(ADMIN, {}));
    expect(third.job).toMatchObject({ reused: false });
    expect(third.result!.summary.totals.newlyBlocked).toBe(2);
  });

  it('stops a cancelled replay at the next batch, keeps no result and leaves no batch behind', async () => {
    const { handlers, drain, provider, kv, events } = await seeded();
    for (let n = 10; n < 1_210; n++) await provider({ ...branchRun('main', [build]), repository: repositoryUuid(n) });
    const { job } = ok(await handlers.startReplay(ADMIN, { policy: tightened() }));
    await drain(2); // the plan and the first batch
    const running = ok(await handlers.replayStatus(ADMIN, {}));
    expect(running.job).toMatchObject({ status: 'running', total: 1_203 });
    expect(running.job!.batches).toBeGreaterThan(2);
    expect(running.job!.done).toBeGreaterThan(0);
    expect(running.job!.done).toBeLessThan(1_203);
    const cancelled = ok(await handlers.cancelReplay(ADMIN, { jobId: job!.id }));
    expect(cancelled.job).toMatchObject({ status: 'cancelled', done: running.job!.done });
    expect(events).toHaveLength(1);
    expect(await drain()).toBe(1);
    const after = ok(await handlers.replayStatus(ADMIN, {}));
    expect(after.job!.status).toBe('cancelled');
    expect(after.result).toBeUndefined();
    expect(events).toHaveLength(0);
    expect(kv.keys().filter((key) => key.includes(':chunk:'))).toEqual([]);
  });

  it('keeps a cancel that comes while the replay is still listing its samples', async () => {
    const { handlers, drain, provider, kv, events } = await seeded();
    for (let n = 10; n < 1_210; n++) await provider({ ...branchRun('main', [build]), repository: repositoryUuid(n) });
    const { job } = ok(await handlers.startReplay(ADMIN, { policy: tightened() }));
    // The plan event and the cancel run side by side, as the consumer and the resolver do in Forge.
    const [planned, cancelled] = await Promise.all([drain(1), handlers.cancelReplay(ADMIN, { jobId: job!.id })]);
    expect(planned).toBe(1);
    expect(ok(cancelled).job!.status).toBe('cancelled');
    const after = ok(await handlers.replayStatus(ADMIN, {}));
    expect(after.job).toMatchObject({ status: 'cancelled', done: 0 });
    expect(after.result).toBeUndefined();
    expect(events).toHaveLength(0);
    expect(kv.keys().filter((key) => key.includes(':chunk:'))).toEqual([]);
  });

  it('asks to confirm before saving a draft that newly blocks runs, keeps the brief with the revision', async () => {
    const { handlers, drain } = await seeded();
    ok(await handlers.startReplay(ADMIN, { policy: tightened() }));
    await drain();
    const refused = failed(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: tightened() }));
    expect(refused.code).toBe('newly-blocks');
    expect(refused.message).toBe(
      'Not saved: replayed against the run samples of the last 30 days, ' +
        `this draft newly blocks 1 run in ${repositoryUuid(1)}. ` +
        'Confirm that these runs should be blocked, and save again.',
    );
    expect(refused.replay).toMatchObject({ newlyBlocked: 1, confirmed: false });
    expect(
      ok(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: tightened(), confirmNewlyBlocked: true }))
        .revision,
    ).toBe(2);
  });

  it('records the replay brief with the saved revision, and History lists it', async () => {
    const { handlers, drain, kv } = await seeded();
    ok(await handlers.startReplay(ADMIN, { policy: tightened() }));
    await drain();
    ok(await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: tightened(), confirmNewlyBlocked: true }));
    const { createPolicyRepository } = await import('../../src/storage/policy-repo');
    const record = await createPolicyRepository(kv).revision(2);
    expect(record?.replay).toMatchObject({
      samples: 3,
      newlyBlocked: 1,
      newlyAllowed: 0,
      repositories: [repositoryUuid(1)],
      confirmed: true,
      days: 30,
    });
    const history = ok(await handlers.history(ADMIN, {}));
    expect(history.entries.find((entry) => entry.revision === 2)?.replay).toEqual(record?.replay);
    expect(history.entries.find((entry) => entry.revision === 1)?.replay).toBeUndefined();
    // A member reads the history, but not which repositories the replay (over every repository's samples) named.
    const seenByMember = ok(await handlers.history(MEMBER, {}));
    expect(seenByMember.entries.find((entry) => entry.revision === 2)?.replay).toEqual({
      ...record?.replay,
      repositories: [],
    });
    expect(JSON.stringify(seenByMember)).not.toContain(repositoryUuid(1));
  });

  it('saves a draft that newly blocks nothing without asking', async () => {
    const { handlers, drain } = await seeded();
    const loosened = { ...referencePolicyInput(), rules: { 'deny-image': 'off' } } as PolicyInput;
    ok(await handlers.startReplay(ADMIN, { policy: loosened }));
    await drain();
    ok(
      await handlers.savePolicy(ADMIN, {
        expectedRevision: 1,
        policy: loosened,
        reason: 'image deny list moves to the registry',
      }),
    );
  });
});

describe('run samples on the page', () => {
  it('exports samples as JSON Lines without variable values', async () => {
    const { handlers, provider } = await seeded();
    await provider({
      ...branchRun('release/1', [build]),
      repository: repositoryUuid(9),
      variables: [{ key: 'TOKEN', value: 'hunter2', scope: 'REPOSITORY' }],
    });
    const exported = ok(await handlers.exportSamples(ADMIN, {}));
    const lines = exported.jsonl
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    expect(exported.jsonl).not.toContain('hunter2');
    expect(lines.find((line) => line.request.repository === repositoryUuid(9)).request.variables).toEqual([
      { key: 'TOKEN', scope: 'REPOSITORY' },
    ]);
    expect(lines[0].request.pipelines_configuration).toEqual(
      expect.objectContaining({ pipelines: expect.any(Object) }),
    );
  });

  it('switches sampling off so that runs keep nothing, and deletes what is stored', async () => {
    const { handlers, provider, kv } = await seeded();
    expect(ok(await handlers.samples(ADMIN, {}))).toMatchObject({ sampling: true, stored: 3 });
    ok(await handlers.setSampling(ADMIN, { enabled: false }));
    await provider({ ...branchRun('main', [build]), repository: repositoryUuid(7) });
    expect(ok(await handlers.samples(ADMIN, {}))).toMatchObject({ sampling: false, stored: 3 });
    // A save keeps the switch.
    ok(
      await handlers.savePolicy(ADMIN, { expectedRevision: 1, policy: { ...referencePolicyInput(), mode: 'enforce' } }),
    );
    expect(ok(await handlers.samples(ADMIN, {})).sampling).toBe(false);
    // 3 pointers, 3 distinct configurations
    expect(ok(await handlers.deleteSamples(ADMIN, {}))).toMatchObject({ deleted: 6, remaining: false });
    expect(kv.keys().filter((key) => key.startsWith('sample:'))).toEqual([]);
  });

  it('refuses every replay and sample action to a member', async () => {
    const { handlers } = await seeded();
    const calls = [
      handlers.startReplay(MEMBER, { policy: tightened() }),
      handlers.replayStatus(MEMBER, {}),
      handlers.cancelReplay(MEMBER, { jobId: 'job0001' }),
      handlers.samples(MEMBER, {}),
      handlers.setSampling(MEMBER, { enabled: false }),
      handlers.deleteSamples(MEMBER, {}),
      handlers.exportSamples(MEMBER, {}),
    ];
    for (const result of await Promise.all(calls)) expect(failed(result).code).toBe('forbidden');
  });
});
