/**
 * Grants against an independent model: for random grants and random runs (repository, branch,
 * creator, clock), the PROD step runs in "prod" exactly when the reference policy allows the
 * branch or the model says the grant applies, and the run names the grant exactly when the grant
 * made the difference. The model's glob answers are written out by hand, not computed by the glob
 * code under test.
 */
import fc from 'fast-check';
import type { Grant } from '../../src/policy/grant-guard';
import { runEngine } from '../../src/rules/chain';
import { branchRun, compiled, repositoryIdentity, step } from '../support/requests';

const PROPERTY_SEED = Number(process.env.PG_PROPERTY_SEED ?? 20261125);
const PROPERTY_RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 400);

const NOW = Date.parse('2026-12-02T10:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const RUN_CREATOR = '{cda97709-b1a9-4544-9a8d-750f1b3a12c4}'; // the creator of every support request
const OTHER = '{0f6c1b6e-1234-4c1d-9a55-2b7f0e8a9c01}';

const BRANCHES = ['incident/1', 'incident/a/b', 'hotfix-2', 'feature/x', 'release/a', 'release/c'] as const;
/** Which branch each glob matches, worked out by hand from Bitbucket's rules (`*` stops at `/`). */
const MATCHES: Record<string, readonly string[]> = {
  'incident/*': ['incident/1'],
  'hotfix-*': ['hotfix-2'],
  '**': [...BRANCHES],
  'release/{a,b}': ['release/a'],
};
/** The reference policy's prod allows main, master, hotfix/*, release/*. */
const PROD_ALLOWS = new Set(['release/a', 'release/c']);

const caseArb = fc.record({
  // Weighted towards the grant's own repository, so that grants apply often enough to test both sides.
  grantRepository: fc.oneof(
    { arbitrary: fc.constant('payments-api'), weight: 4 },
    { arbitrary: fc.constant('website'), weight: 1 },
  ),
  runRepository: fc.oneof(
    { arbitrary: fc.constant('payments-api'), weight: 4 },
    { arbitrary: fc.constantFrom('website', 'payments-api-fork'), weight: 1 },
  ),
  refs: fc.subarray(Object.keys(MATCHES), { minLength: 1 }),
  environments: fc.subarray(['prod', 'dev'], { minLength: 1 }),
  rules: fc.subarray(['branch-gate', 'repository-scope'] as const, { minLength: 1 }),
  creators: fc.option(fc.subarray([RUN_CREATOR, OTHER], { minLength: 1 }), { nil: undefined }),
  // Expiry relative to the run: already past, exactly now, just ahead, up to 24 h, just beyond.
  expiresIn: fc.oneof(
    fc.integer({ min: -2 * HOUR, max: 25 * HOUR }),
    fc.constantFrom(0, 1, -1, 24 * HOUR, 24 * HOUR + 1),
  ),
  branch: fc.constantFrom(...BRANCHES),
});

describe(`grants against a model (${PROPERTY_RUNS} runs, seed ${PROPERTY_SEED})`, () => {
  const policy = compiled();

  it(
    'the PROD step runs in prod iff the policy or the grant allows it, ' +
      'and the grant is named iff it made the difference',
    () => {
      let granted = 0;
      let refused = 0;
      fc.assert(
        fc.property(caseArb, (c) => {
          const grant: Grant = {
            id: 'G-1',
            reason: 'model-checked break-glass grant',
            repository: c.grantRepository,
            refs: c.refs,
            environments: c.environments,
            rules: c.rules,
            expires: new Date(NOW + c.expiresIn).toISOString(),
            ...(c.creators ? { creators: c.creators } : {}),
          };
          const request = branchRun(c.branch, [step('PROD deploy')], { pattern: c.branch });
          const result = runEngine(
            request,
            { kind: 'active', policy },
            { repository: repositoryIdentity(c.runRepository), grants: [grant], now: new Date(NOW) },
          );

          const applies =
            c.expiresIn > 0 &&
            c.expiresIn <= 24 * HOUR &&
            c.grantRepository === c.runRepository &&
            c.refs.some((glob) => MATCHES[glob].includes(c.branch)) &&
            (!c.creators || c.creators.includes(RUN_CREATOR)) &&
            c.environments.includes('prod') &&
            c.rules.includes('branch-gate');
          const allowedByPolicy = PROD_ALLOWS.has(c.branch);

          expect('pipelines_configuration' in result.response).toBe(allowedByPolicy || applies);
          expect(result.report.grants).toEqual(!allowedByPolicy && applies ? ['G-1'] : undefined);
          if (!allowedByPolicy && applies) granted++;
          if (!allowedByPolicy && !applies) refused++;
          if (!allowedByPolicy && applies)
            expect(result.report.steps.find((s) => s.name === 'PROD deploy')?.runsOn).toEqual([
              'self.hosted',
              'linux',
              'prod',
            ]);
        }),
        { seed: PROPERTY_SEED, numRuns: PROPERTY_RUNS },
      );
      // Both sides of the property were exercised, so it is not vacuous.
      expect(granted).toBeGreaterThan(5);
      expect(refused).toBeGreaterThan(5);
    },
  );
});
