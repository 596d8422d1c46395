/**
 * The hand-written guard for a step's `oidc` (kept free of zod for the provider bundle) agrees with
 * the documented shape written as a zod schema: true/false, or `{ audiences: [...] }` with 1 to 10
 * audiences of 1 to 150 characters (shared/reference/platform-apis.md §5.1).
 */
import fc from 'fast-check';
import * as z from 'zod';
import { MAX_AUDIENCE_LENGTH, MAX_AUDIENCES, oidcValueProblem, requestsOidc } from '../../src/engine/oidc-request';

const OidcValueSchema = z.union([
  z.boolean(),
  z.strictObject({ audiences: z.array(z.string().min(1).max(MAX_AUDIENCE_LENGTH)).min(1).max(MAX_AUDIENCES) }),
]);

const audience = fc.oneof(
  fc.string({ minLength: 0, maxLength: 3 }),
  fc.string({ minLength: 148, maxLength: 152 }),
  fc.integer(),
  fc.constant(null),
);
const value = fc.oneof(
  fc.boolean(),
  fc.constantFrom('true', 1, null, [], {}),
  fc.record({ audiences: fc.array(audience, { maxLength: 12 }) }),
  fc.record({ audiences: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 11 }) }),
  fc.record({ audiences: fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 2 }), extra: fc.boolean() }),
  fc.record({ audience: fc.array(fc.string()) }),
  fc.record({ audiences: fc.string() }),
);

describe('the oidc value guard', () => {
  it('accepts exactly what the zod schema accepts', () => {
    fc.assert(
      fc.property(value, (v) =>
        expect([v, oidcValueProblem(v) === undefined]).toEqual([v, OidcValueSchema.safeParse(v).success]),
      ),
      { numRuns: 500, seed: 9 },
    );
  });

  it('names what is wrong', () => {
    expect(oidcValueProblem({ audiences: Array.from({ length: 11 }, () => 'a') })).toBe(
      '`audiences` lists 11 audiences; Bitbucket allows at most 10',
    );
    expect(oidcValueProblem({ audiences: ['a'.repeat(151)] })).toBe(
      '`audiences[0]` is 151 characters long; each audience is text of 1 to 150 characters',
    );
    expect(oidcValueProblem('yes')).toBe('is a string; expected true or false, or a mapping with `audiences`');
  });

  it('lets the step decide before options', () => {
    expect(requestsOidc({}, { options: { oidc: { audiences: ['a'] } } })).toBe(true);
    expect(requestsOidc({ oidc: false }, { options: { oidc: true } })).toBe(false);
    expect(requestsOidc({ oidc: { audiences: ['a'] } }, {})).toBe(true);
    expect(requestsOidc({}, {})).toBe(false);
  });
});
