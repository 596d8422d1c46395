import fc from 'fast-check';
import { isStoredGrant, MAX_GRANT_MS, storedGrants, type Grant } from '../../src/policy/grant-guard';
import { INCIDENT_GRANT } from '../support/grants';
import { formatGrantProblems, GrantSchema, validateGrant, validateGrants } from '../../src/policy/grants';

const NOW = new Date('2026-12-02T09:00:00.000Z');
const GRANT: Grant = { ...INCIDENT_GRANT, creators: ['{0f6c1b6e-1234-4c1d-9a55-2b7f0e8a9c01}'] };

const problemsOf = (value: unknown, now = NOW) => {
  const result = validateGrants([value], now);
  if (result.ok) throw new Error('expected problems');
  return formatGrantProblems(result.problems);
};

describe('grant schema', () => {
  it('accepts the shape of the issue, with and without the optional fields', () => {
    expect(validateGrants([GRANT], NOW)).toEqual({ ok: true, grants: [GRANT] });
    const { creators: _c, grantedBy: _b, grantedAt: _a, ...minimal } = GRANT;
    expect(validateGrants([minimal], NOW).ok).toBe(true);
  });

  it.each([
    ['an unknown field', { ...GRANT, approvedBy: 'x' }, 'grant "INC-4711" (grants[0]): approvedBy: unknown field'],
    [
      'a rule that cannot be waived',
      { ...GRANT, rules: ['runner-labels'] },
      'grant "INC-4711" (grants[0]): rules[0]: "runner-labels" cannot be waived; ' +
        'a grant waives only branch-gate and repository-scope',
    ],
    [
      'a short reason',
      { ...GRANT, reason: 'hotfix    ' },
      'grant "INC-4711" (grants[0]): reason: say why in at least 10 characters',
    ],
    [
      'an expiry 24 h + 1 ms after grantedAt',
      { ...GRANT, expires: '2026-12-03T09:00:00.001Z' },
      'grant "INC-4711" (grants[0]): expires: is more than 24 hours after grantedAt (2026-12-02T09:00:00Z)',
    ],
    [
      'an expiry before grantedAt',
      { ...GRANT, expires: '2026-12-02T08:00:00Z' },
      'grant "INC-4711" (grants[0]): expires: must be after grantedAt',
    ],
    ['a missing field', { ...GRANT, refs: undefined }, 'grant "INC-4711" (grants[0]): refs: required'],
    ['a repository that is not a slug', { ...GRANT, repository: 'acme/payments-api' }, 'repository: a repository slug'],
    [
      'a creator that is not an account UUID',
      { ...GRANT, creators: ['alice'] },
      'creators[0]: not a Bitbucket account UUID',
    ],
    ['a bad ref glob', { ...GRANT, refs: ['incident/{a'] }, 'refs[0]: not a Bitbucket glob'],
    [
      'an impossible date',
      { ...GRANT, expires: '2026-02-30T10:00:00Z', grantedAt: undefined },
      'expires: not an ISO 8601 time',
    ],
    ['a time without a zone', { ...GRANT, expires: '2026-12-02T12:00:00' }, 'expires: not an ISO 8601 time'],
  ])('refuses %s, naming the grant and field', (_what, value, message) => {
    expect(problemsOf(value)).toContain(message);
  });

  it('names a grant without a usable id by its position', () => {
    expect(problemsOf({ ...GRANT, id: 'bad id' })).toContain('grants[0]: id:');
  });

  it('bounds a grant without grantedAt by now: exactly 24 h passes, 24 h + 1 ms does not', () => {
    const { grantedAt: _a, ...noGrantedAt } = GRANT;
    const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
    expect(validateGrant({ ...noGrantedAt, expires: at(MAX_GRANT_MS) }, NOW).ok).toBe(true);
    expect(problemsOf({ ...noGrantedAt, expires: at(MAX_GRANT_MS + 1) })).toContain(
      'expires: is more than 24 hours after now (2026-12-02T09:00:00.000Z)',
    );
    // Already expired is not malformed: the grant just does not apply.
    expect(validateGrant({ ...noGrantedAt, expires: at(-1) }, NOW).ok).toBe(true);
  });

  it('refuses two grants with one id', () => {
    const result = validateGrants([GRANT, GRANT], NOW);
    expect(result.ok ? '' : formatGrantProblems(result.problems)).toContain(
      'grant "INC-4711" (grants[1]): id: another grant in the list has the same id',
    );
  });

  it('refuses a list that is not a list', () => {
    expect(validateGrants({ grants: [] }, NOW).ok).toBe(false);
  });
});

describe("the provider's guard agrees with the schema", () => {
  it('keeps only the well-formed grants of a stored list', () => {
    expect(storedGrants([GRANT, { ...GRANT, rules: ['deny-image'] }, 'x', null])).toEqual([GRANT]);
    expect(storedGrants(undefined)).toEqual([]);
    expect(storedGrants({ 0: GRANT })).toEqual([]);
  });

  const pick = <T>(...values: T[]) => fc.constantFrom(...values);
  const instant = fc.oneof(
    fc
      .integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') })
      .map((ms) => new Date(ms).toISOString()),
    pick(
      '2026-12-02T12:00:00Z',
      '2026-12-02T13:00:00+01:00',
      '2026-02-30T10:00:00Z',
      '2026-12-02T24:00:00Z',
      '2026-12-02T12:00:00',
      'tomorrow',
      '',
      '2026-12-02 12:00:00Z',
    ),
  );
  const KEEP = Symbol('keep');
  const DROP = Symbol('drop');
  /** Each field of a valid grant kept (mostly), dropped, or replaced by a value valid or not. */
  const field = <T>(values: fc.Arbitrary<T>) =>
    fc.oneof(
      { arbitrary: fc.constant(KEEP), weight: 6 },
      { arbitrary: fc.constant(DROP), weight: 1 },
      { arbitrary: values, weight: 2 },
    );
  const mutations = {
    id: field(pick<unknown>('INC-4711', 'a', '-x', 'bad id', 'x'.repeat(65), 'ok.id_2', '', 7)),
    reason: field(
      pick('Payment outage, hotfix', 'short', '          x', 'line\nbreak in here', 'x'.repeat(501), 'exactly10!'),
    ),
    repository: field(pick('payments-api', 'Payments-API', 'acme/payments', 'a', '', 'p.a_y-1')),
    repositoryUuid: fc.oneof(
      { arbitrary: fc.constant(DROP), weight: 4 },
      {
        arbitrary: pick<unknown>(
          '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
          '{2FC883C6-3DEE-4E73-A354-CCEE4BD77938}',
          '2fc883c6-3dee-4e73-a354-ccee4bd77938',
          '{x}',
          7,
        ),
        weight: 3,
      },
    ),
    refs: field(
      fc.oneof(
        fc.array(pick('incident/*', 'main', '{a', '', 'v*', '**', 'tag:v*', 'tag:', 'tag:{a'), { maxLength: 3 }),
        pick<unknown>('main', null),
      ),
    ),
    environments: field(fc.array(pick('prod', 'dev', 'Prod', '1x', 'a-b'), { maxLength: 3 })),
    rules: field(fc.array(pick('branch-gate', 'repository-scope', 'runner-labels', 'oidc-role', ''), { maxLength: 3 })),
    expires: field(instant),
    creators: field(
      fc.array(
        pick('{0f6c1b6e-1234-4c1d-9a55-2b7f0e8a9c01}', '{0F6C1B6E-1234-4C1D-9A55-2B7F0E8A9C01}', 'alice', '{}'),
        { maxLength: 2 },
      ),
    ),
    grantedBy: field(pick('{5d1c}', 'admin-1', 'a b', '', 'x/y')),
    grantedAt: field(instant),
    extra: fc.oneof({ arbitrary: fc.constant(DROP), weight: 8 }, { arbitrary: pick<unknown>('x', 1), weight: 1 }),
  };
  const grantLike = fc.record(mutations).map((changes) => {
    const value: Record<string, unknown> = { ...GRANT };
    for (const [key, change] of Object.entries(changes)) {
      if (change === DROP) delete value[key];
      else if (change !== KEEP) value[key] = change;
    }
    return value;
  });

  it('accepts exactly what GrantSchema accepts', () => {
    fc.assert(
      fc.property(fc.oneof(grantLike, fc.constant(GRANT), fc.anything()), (value) => {
        expect(isStoredGrant(value)).toBe(GrantSchema.safeParse(value).success);
      }),
      { numRuns: 2_000, seed: 4711 },
    );
  });

  it('finds both valid and invalid grants among the generated ones (the agreement is not vacuous)', () => {
    const samples = fc.sample(grantLike, { numRuns: 3_000, seed: 4711 });
    const valid = samples.filter((value) => GrantSchema.safeParse(value).success).length;
    expect(valid).toBeGreaterThan(5);
    expect(valid).toBeLessThan(samples.length);
  });
});
