/**
 * ui/src/grant-check.ts and ui/src/schema-limits.ts: the grant form is checked with the server's own
 * GrantSchema, in words, and inputs are limited to what the schemas accept.
 */
import { validateGrant } from '../../src/policy/grants';
import { grantFieldProblems, splitEntries, type GrantRequest } from '../../ui/src/grant-check';
import { grantMaxLength, patternMaxLength, policyMaxLength } from '../../ui/src/schema-limits';

const NOW = new Date('2026-12-05T12:00:00Z');
const GOOD: GrantRequest = {
  id: 'INC-4711',
  reason: 'Payment outage, hotfix cannot wait',
  repository: 'payments-api',
  refs: ['incident/*', 'release/{1.x,2.x}'],
  environments: ['prod'],
  rules: ['branch-gate'],
  expires: '2026-12-05T16:00:00Z',
};

describe('grant form check', () => {
  it('finds nothing in a grant the server accepts', () => {
    expect(validateGrant(GOOD, NOW).ok).toBe(true);
    expect(grantFieldProblems(GOOD, NOW, [])).toEqual({});
  });

  it.each([
    ['id', { id: 'INC 4711' }, /an id is letters, digits/],
    ['repository', { repository: 'Payments-API' }, /a repository slug such as/],
    ['refs', { refs: ['incident/*', 'release/{a'] }, /^“release\/\{a”: not a Bitbucket glob .*unclosed "\{"/],
    ['creators', { creators: ['alice'] }, /^“alice”: not a Bitbucket account UUID/],
    ['reason', { reason: 'short' }, /at least 10 characters/],
  ] as const)('puts a refused %s at its field, in words', (field, change, message) => {
    const request = { ...GOOD, ...change } as GrantRequest;
    // The same input the server refuses, and only at that field.
    expect(validateGrant(request, NOW).ok).toBe(false);
    const problems = grantFieldProblems(request, NOW, []);
    expect(Object.keys(problems)).toEqual([field]);
    expect(problems[field]).toHaveLength(1);
    expect(problems[field]?.[0]).toMatch(message);
    expect(problems[field]?.[0]).not.toMatch(/\[\d+\]|Invalid|expected/);
  });

  it('refuses an id another grant already has, as the server does', () => {
    expect(grantFieldProblems(GOOD, NOW, ['INC-4711']).id?.[0]).toMatch(/a grant named INC-4711 already exists/);
  });

  it('splits entries on commas and spaces, but not inside a glob’s braces', () => {
    expect(splitEntries(' main, release/{1.x,2.x}  tag:v* ,')).toEqual(['main', 'release/{1.x,2.x}', 'tag:v*']);
  });
});

describe('schema limits', () => {
  it('reads the longest match of a bounded regex, and none of an unbounded one', () => {
    expect(patternMaxLength(/^[a-z][a-z0-9-]{0,31}$/)).toBe(32);
    expect(patternMaxLength(/^arn:aws(?:-cn|-us-gov)?:x\d{2}$/)).toBe(7 + 7 + 2 + 2);
    expect(patternMaxLength(/^\{[0-9a-f]{8}-[0-9a-f]{4}\}$/)).toBe(15);
    expect(patternMaxLength(/^[a-z]+$/)).toBeUndefined();
    expect(patternMaxLength(/^a{2,}$/)).toBeUndefined();
  });

  it('limits each grant field to what the schema accepts, and the schema accepts exactly that', () => {
    expect(grantMaxLength('id')).toBe(64);
    expect(grantMaxLength('repository')).toBe(128);
    expect(grantMaxLength('reason')).toBe(500);
    // 20 UUIDs of 38 characters with ", " between them.
    expect(grantMaxLength('creators')).toBe(20 * 40 - 2);
    expect(validateGrant({ ...GOOD, id: 'I'.repeat(64) }, NOW).ok).toBe(true);
    expect(validateGrant({ ...GOOD, id: 'I'.repeat(65) }, NOW).ok).toBe(false);
    expect(validateGrant({ ...GOOD, repository: 'r'.repeat(128) }, NOW).ok).toBe(true);
    expect(validateGrant({ ...GOOD, repository: 'r'.repeat(129) }, NOW).ok).toBe(false);
  });

  it('limits policy fields by path, from .max() and from regex bounds', () => {
    expect(policyMaxLength(['environments', 0, 'name'])).toBe(32);
    expect(policyMaxLength(['environments', 0, 'description'])).toBe(200);
    expect(policyMaxLength(['environments', 0, 'match', 'stepNamePrefix'])).toBe(32);
    expect(policyMaxLength(['environments', 0, 'oidc', 'role'])).toBe(128);
    expect(policyMaxLength(['securityScan', 'steps', 0, 'name'])).toBe(100);
    // Unbounded in the schema (a region is [a-z]+ parts), so no limit rather than a guessed one.
    expect(policyMaxLength(['environments', 0, 'oidc', 'region'])).toBeUndefined();
    expect(policyMaxLength(['environments', 0, 'nothing'])).toBeUndefined();
  });
});
