/**
 * The provider's generated validators against zod, the source of truth, side by side on the
 * property generators' inputs, on mutations of them, and on the bad-input corpus. Any request,
 * stored record or policy that one accepts and the other refuses fails the test, and so does any
 * difference in the filled-in Policy of an accepted one.
 */
import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import fc from 'fast-check';
import { ProviderRequestSchema } from '../../src/engine/request';
import { checkProviderRequest } from '../../src/engine/request-check';
import { validatePolicy } from '../../src/policy/load';
import { checkPolicy } from '../../src/policy/policy-check';
import { StoredPolicySchema } from '../../src/storage/stored-policy';
import { checkStoredPolicy } from '../../src/storage/stored-policy-check';
import { parseYaml } from '../../src/yaml/document';
import { POLICY_INJECTIONS } from '../adversarial/cases/injection';
import { referencePolicyInput, request } from '../adversarial/harness';
import { BAD_REQUESTS, BROKEN_RECORDS, STORED } from '../bad-input/corpus';
import { asBitbucketSends, configArb, policyArb, targetArb } from '../property/arbitraries';

const ROOT = path.resolve(__dirname, '../..');
// A fixed seed keeps CI stable; FC_SEED=<n> explores others.
const RUNS = { numRuns: 300, seed: Number(process.env.FC_SEED ?? 20261201) };

/** Values that sit on the edges of the schema's rules: globs, CIDRs, regexes, lengths in UTF-16 units, types. */
const EDGE_VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  1,
  -1,
  1.5,
  2,
  121,
  1e21,
  '',
  ' ',
  'x',
  'main',
  'prod',
  'dev',
  'enforce',
  'ENFORCE',
  'warn',
  'off',
  '**',
  '*',
  'release/*',
  '{main,develop}',
  '{a,b',
  'a}',
  '{'.repeat(10) + '}'.repeat(10),
  'main branch',
  'feature/**',
  '10.0.0.0/24',
  '10.0.0.1/24',
  '10.0.0.0/33',
  '2001:db8::/32',
  '2001:db8::1/32',
  '::/0',
  'not-a-cidr',
  '(',
  'a+',
  '(?<n>x)\\k<n>',
  '\\p{L}',
  '[',
  'x'.repeat(501),
  'x'.repeat(50),
  'x'.repeat(51),
  'a.b.c',
  'self.hosted',
  'linux',
  '\u{1F600}'.repeat(25),
  '\u{1F600}'.repeat(26),
  '\u{1F600}'.repeat(101),
  'é',
  'PROD',
  'PROD\u0007',
  'Ｐrod',
  'arn:aws:iam::111111111111:role/x',
  'arn:aws:iam::111111111111:user/x',
  'eu-west-1',
  'us-gov-west-1',
  'eu-west-1; id',
  'vpc-12345678',
  'vpce-0123456789abcdef0',
  'vpc-XYZ',
  'aquasec/trivy:0.58.1',
  'AquaSec/Trivy:0.58.1',
  'alpine id',
  '1x',
  '9x',
  [],
  [''],
  ['main'],
  ['x', 'x'],
  Array.from({ length: 11 }, (_, i) => `l${i}`),
  {},
  { unknown: 1 },
  { labels: ['a'] },
];
const EXTRA_KEYS = [
  'manualTriger',
  'unknown',
  '__proto__',
  'constructor',
  'deny-image',
  'branch-gate',
  'oidc',
  'default',
];

type Json = unknown;

/** Every path to a value inside `value`, the root included. */
function pathsOf(value: Json, at: Array<string | number> = []): Array<Array<string | number>> {
  const out = [at];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...pathsOf(item, [...at, i])));
  else if (value && typeof value === 'object')
    for (const key of Object.keys(value)) out.push(...pathsOf((value as Record<string, Json>)[key], [...at, key]));
  return out;
}

type Mutation = { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'add'; key: string; value: unknown };

/** A copy of `value` with one change at one of its paths. */
function mutate(value: Json, pick: number, mutation: Mutation): Json {
  const copy = structuredClone(value);
  const paths = pathsOf(copy);
  const at = paths[pick % paths.length];
  if (at.length === 0) return mutation.kind === 'set' ? mutation.value : copy;
  const parent = at.slice(0, -1).reduce<any>((node, key) => node[key], copy);
  const key = at[at.length - 1];
  const target = parent[key];
  if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (mutation.kind === 'add' && target && typeof target === 'object' && !Array.isArray(target)) {
    Object.defineProperty(target, mutation.key, {
      value: mutation.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else if (mutation.kind === 'set') parent[key] = mutation.value;
  return copy;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...EDGE_VALUES).map((value): Mutation => ({ kind: 'set', value })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value): Mutation => ({ kind: 'set', value })) },
  { weight: 2, arbitrary: fc.constant<Mutation>({ kind: 'delete' }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...EXTRA_KEYS), fc.constantFrom(...EDGE_VALUES))
      .map(([key, value]): Mutation => ({ kind: 'add', key, value })),
  },
);

/** The two verdicts on one policy, and for an accepted one, the filled-in Policy of each. */
function comparePolicy(input: unknown): void {
  const zod = validatePolicy(structuredClone(input));
  const generated = checkPolicy(input);
  if (zod.ok !== generated.ok)
    throw new Error(
      `zod ${zod.ok ? 'accepts' : 'refuses'} ` +
        `and the generated validator ${generated.ok ? 'accepts' : 'refuses'} this policy` +
        (zod.ok ? '' : ` (zod: ${zod.problems.map((p) => `${p.path}: ${p.message}`).join('; ')})`) +
        (generated.ok ? '' : ` (generated: ${generated.problems.map((p) => `${p.path}: ${p.message}`).join('; ')})`) +
        `: ${JSON.stringify(input)?.slice(0, 800)}`,
    );
  if (zod.ok && generated.ok) expect(generated.policy).toStrictEqual(zod.policy);
  if (!generated.ok) {
    expect(generated.problems.length).toBeGreaterThan(0);
    for (const problem of generated.problems) {
      expect(problem.path).not.toBe('');
      expect(problem.message).not.toBe('');
    }
  }
}

function compareRequest(input: unknown): void {
  const zod = ProviderRequestSchema.safeParse(input).success;
  const generated = checkProviderRequest(input);
  if (zod !== generated.success)
    throw new Error(
      `zod ${zod ? 'accepts' : 'refuses'} ` +
        `and the generated validator ${generated.success ? 'accepts' : 'refuses'} this request: ` +
        `${JSON.stringify(input)?.slice(0, 800)}`,
    );
  if (!generated.success) expect(generated.problems.map((p) => p.message).every(Boolean)).toBe(true);
}

function compareRecord(input: unknown): void {
  const zod = StoredPolicySchema.safeParse(input).success;
  const generated = checkStoredPolicy(input).success;
  if (zod !== generated)
    throw new Error(
      `zod ${zod ? 'accepts' : 'refuses'} ` +
        `and the generated validator ${generated ? 'accepts' : 'refuses'} this stored record: ` +
        `${JSON.stringify(input)?.slice(0, 800)}`,
    );
  // The provider validates the policy inside an accepted record as well.
  if (zod) comparePolicy((input as { policy: unknown }).policy);
}

const requestArb = configArb.chain((config) =>
  targetArb(config).map((target) => request(target, asBitbucketSends(target, config))),
);

describe('policies: the generated validator and zod agree', () => {
  it('on every generated policy, with the same filled-in Policy', () => {
    fc.assert(
      fc.property(policyArb, (policy) => comparePolicy(policy)),
      RUNS,
    );
  });

  it('on generated policies with one change anywhere (a value on an edge, a deletion, an extra key)', () => {
    fc.assert(
      fc.property(policyArb, fc.nat(), mutationArb, (policy, pick, mutation) =>
        comparePolicy(mutate(policy, pick, mutation)),
      ),
      { ...RUNS, numRuns: 2_000 },
    );
  });

  it('on the reference policy and every policy fixture', () => {
    comparePolicy(referencePolicyInput());
    comparePolicy(parseYaml(readFileSync(path.join(ROOT, '../shared/examples/policy.yaml'), 'utf8')).value);
    const dir = path.join(ROOT, 'fixtures/cli/policies');
    for (const file of readdirSync(dir)) comparePolicy(parseYaml(readFileSync(path.join(dir, file), 'utf8')).value);
  });

  it('on the example policies (scoped environments among them), and on each with one change anywhere', () => {
    const examples = readdirSync(path.join(ROOT, 'examples')).filter((file) => /^policy.*\.ya?ml$/.test(file));
    expect(examples).toContain('policy-multi-team.yaml');
    const policies = examples.map((file) => parseYaml(readFileSync(path.join(ROOT, 'examples', file), 'utf8')).value);
    for (const policy of policies) comparePolicy(policy);
    fc.assert(
      fc.property(fc.constantFrom(...policies), fc.nat(), mutationArb, (policy, pick, mutation) =>
        comparePolicy(mutate(policy, pick, mutation)),
      ),
      { ...RUNS, numRuns: 1_000 },
    );
  });

  it.each(POLICY_INJECTIONS.map((injection) => [injection.name, injection] as const))(
    'on the hostile policy value: %s',
    (_name, injection) => {
      const policy = referencePolicyInput() as any;
      injection.set(policy);
      comparePolicy(policy);
      expect(checkPolicy(policy).ok).toBe(false);
    },
  );
});

describe('stored records: the generated validator and zod agree', () => {
  it.each(BROKEN_RECORDS.map(([what, record]) => [what, record] as const))(
    'on the bad-input record: %s',
    (_what, record) => compareRecord(record),
  );

  it('on the stored record with one change anywhere', () => {
    fc.assert(
      fc.property(fc.nat(), mutationArb, (pick, mutation) => compareRecord(mutate(STORED, pick, mutation))),
      { ...RUNS, numRuns: 1_000 },
    );
  });
});

describe('requests: the generated validator and zod agree', () => {
  it.each(BAD_REQUESTS.map(([what, make]) => [what, make] as const))('on the bad-input request: %s', (_what, make) =>
    compareRequest(make()),
  );

  it('on every request the property generators build', () => {
    fc.assert(
      fc.property(requestArb, (input) => compareRequest(input)),
      RUNS,
    );
  });

  it('on generated requests with one change anywhere', () => {
    fc.assert(
      fc.property(requestArb, fc.nat(), mutationArb, (input, pick, mutation) =>
        compareRequest(mutate(input, pick, mutation)),
      ),
      { ...RUNS, numRuns: 1_000 },
    );
  });

  it('on the request fixtures', () => {
    for (const dir of ['fixtures/requests', 'fixtures/cli/requests'])
      for (const file of readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.json')))
        compareRequest(JSON.parse(readFileSync(path.join(ROOT, dir, file), 'utf8')));
  });
});
