import { createMemoryKv } from '../../src/storage/memory-kv';
import { createPolicyTestStore, policyTestKey, PolicyTestSchema } from '../../src/storage/policy-tests';

const OLD = {
  id: 'abc123',
  name: 'feature branches cannot deploy',
  yaml: 'pipelines: {}',
  target: { kind: 'branch', name: 'feature/x' },
  expect: 'blocked',
  savedAt: '2026-11-01T00:00:00.000Z',
  savedBy: 'admin-1',
};
const SANDBOX = {
  uuid: '{7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d}',
  slug: 'payments-sandbox',
  fullName: 'acme/payments-sandbox',
  projectKey: 'PAY',
};

describe('stored policy tests', () => {
  it('keep a repository when they have one, and stay valid without one', () => {
    expect(PolicyTestSchema.parse(OLD)).toEqual(OLD);
    expect(PolicyTestSchema.parse({ ...OLD, repository: SANDBOX }).repository).toEqual(SANDBOX);
    const { projectKey: _key, ...noProject } = SANDBOX;
    expect(PolicyTestSchema.parse({ ...OLD, repository: noProject }).repository).toEqual(noProject);
  });

  it('skips a record whose repository is damaged instead of running it as another repository', async () => {
    const kv = createMemoryKv();
    const store = createPolicyTestStore(kv);
    await store.put({ ...OLD, target: { kind: 'branch', name: 'feature/x' }, expect: 'blocked', repository: SANDBOX });
    await kv.set(policyTestKey('bad999'), {
      ...OLD,
      id: 'bad999',
      name: 'damaged',
      repository: { slug: 'payments-sandbox' },
    });
    expect((await store.list()).map((t) => [t.id, t.repository?.fullName])).toEqual([
      ['abc123', 'acme/payments-sandbox'],
    ]);
  });
});
