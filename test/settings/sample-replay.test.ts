import { createProvider } from '../../src/provider/handler';
import { validatePolicy } from '../../src/policy/load';
import type { Policy, PolicyInput } from '../../src/policy/schema';
import { createHandlers } from '../../src/settings/handlers';
import { createSampleReplay } from '../../src/settings/sample-replay';
import { POLICY_KEY } from '../../src/storage/keys';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { createKvSampleSink } from '../../src/storage/sample-store';
import { branchRun, referencePolicyInput } from '../support/requests';
import { ADMIN } from '../support/callers';
import { ok } from '../support/results';

const build = { step: { name: 'Build', script: ['npm test'] } };
const repositoryUuid = (n: number) => `{00000000-0000-4000-8000-${String(n).padStart(12, '0')}}`;

function policy(input: PolicyInput): Policy {
  const result = validatePolicy(input);
  if (!result.ok) throw new Error('the test policy is invalid');
  return result.policy;
}

async function seeded() {
  const kv = createMemoryKv();
  let clock = Date.parse('2026-11-25T10:00:00.000Z');
  const now = () => new Date((clock += 1000));
  const handlers = createHandlers({ kv, adminCheck: async () => true, now });
  ok(await handlers.savePolicy(ADMIN, { expectedRevision: 0, policy: referencePolicyInput() }));
  const provider = createProvider({
    store: { read: () => kv.get(POLICY_KEY) },
    samples: createKvSampleSink(kv),
    log: () => undefined,
    now,
  });
  await provider({
    ...branchRun('feature/x', [build], { extra: { image: 'node:latest' } }),
    repository: repositoryUuid(1),
  });
  await provider({ ...branchRun('main', [build], { extra: { image: 'node:20.11' } }), repository: repositoryUuid(2) });
  return { kv, now };
}

describe('the replay a policy repository commit goes through', () => {
  it('counts and names the runs a tightening commit newly blocks', async () => {
    const { kv, now } = await seeded();
    const replay = createSampleReplay(kv, now);
    const result = await replay(policy({ ...referencePolicyInput(), rules: { 'deny-image': 'enforce' } }));
    expect(result.newlyBlocked).toBe(1);
    expect(result.summary).toBe(
      `Replayed 2 runs of the last 30 days: 1 newly blocked in ${repositoryUuid(1)}, 0 newly allowed.`,
    );
  });

  it('finds nothing newly blocked when the commit changes nothing', async () => {
    const { kv, now } = await seeded();
    const result = await createSampleReplay(kv, now)(policy(referencePolicyInput()));
    expect(result).toEqual({
      newlyBlocked: 0,
      summary: 'Replayed 2 runs of the last 30 days: 0 newly blocked, 0 newly allowed.',
    });
  });
});
