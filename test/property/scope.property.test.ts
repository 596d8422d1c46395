/**
 * Scope resolution against an independent brute-force model: the glob matcher here expands braces
 * and backtracks over `*` and `?` character by character (the product compiles globs to regular
 * expressions), and the scope, default and classification rules are restated from the issue's
 * wording. Random scopes, repositories and steps; seeded.
 */
import fc from 'fast-check';
import { compilePolicy } from '../../src/engine/compiled-policy';
import { validatePolicy } from '../../src/policy/load';
import type { RepositoryIdentity } from '../../src/policy/repository';
import { defaultEnvironmentFor, environmentsFor, scopeIncludes, type Scope } from '../../src/policy/scope';
import { runEngine } from '../../src/rules/chain';
import { branchRun, step } from '../support/requests';

const PROPERTY_SEED = Number(process.env.PG_PROPERTY_SEED ?? 20261201);
const PROPERTY_RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 400);

// ---- the model ----

/** Every alternative a pattern stands for once its (possibly nested) braces are expanded. */
function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '{' && depth++ === 0) open = i;
    else if (pattern[i] === '}' && --depth === 0) {
      const parts: string[] = [];
      let level = 0;
      let start = open + 1;
      for (let j = open + 1; j < i; j++) {
        if (pattern[j] === '{') level++;
        else if (pattern[j] === '}') level--;
        else if (pattern[j] === ',' && level === 0) {
          parts.push(pattern.slice(start, j));
          start = j + 1;
        }
      }
      parts.push(pattern.slice(start, i));
      return parts.flatMap((part) => expandBraces(pattern.slice(0, open) + part + pattern.slice(i + 1)));
    }
  }
  return [pattern];
}

/** `*` any run of characters other than "/", `**` any run at all, `?` one character other than "/". */
function modelMatch(pattern: string, text: string): boolean {
  if (pattern === '') return text === '';
  if (pattern.startsWith('**'))
    return [...Array(text.length + 1).keys()].some((n) => modelMatch(pattern.replace(/^\*+/, ''), text.slice(n)));
  if (pattern[0] === '*') {
    for (let n = 0; n <= text.length; n++) {
      if (modelMatch(pattern.slice(1), text.slice(n))) return true;
      if (text[n] === '/') return false;
    }
    return false;
  }
  if (text === '') return false;
  if (pattern[0] === '?') return text[0] !== '/' && modelMatch(pattern.slice(1), text.slice(1));
  return pattern[0] === text[0] && modelMatch(pattern.slice(1), text.slice(1));
}

const globModel = (pattern: string, text: string) =>
  expandBraces(pattern).some((alternative) => modelMatch(alternative, text));

function inScopeModel(scope: Scope | undefined, repo: RepositoryIdentity | undefined): boolean {
  if (scope === undefined) return true;
  if (repo === undefined) return false;
  const named =
    (scope.projects ?? []).some((key) => key === repo.projectKey) ||
    (scope.repositories ?? []).some((g) => globModel(g, repo.slug));
  const excluded = (scope.exclude ?? []).some((g) => globModel(g, repo.slug));
  return named && !excluded;
}

// ---- generators ----

const SLUG_GLOBS = [
  'payments-*',
  'pay*',
  '*-api',
  'web{site,-app}',
  'search-?',
  'ledger',
  '*',
  '**',
  '{a,b{c,d}}*',
  'pay?ents-*',
];
const SLUGS = [
  'payments-api',
  'payments',
  'paymentsapi',
  'payments-sandbox',
  'search-1',
  'search-12',
  'website',
  'web-app',
  'webapp',
  'ledger',
  'ledger2',
  'bd-x',
  'ac',
  'a',
  'x-api',
];
const KEYS = ['PAY', 'SRCH', 'WEB', 'pay'];

const scopeArb: fc.Arbitrary<Scope | undefined> = fc.option(
  fc
    .record({
      projects: fc.subarray(KEYS, { maxLength: 2 }),
      repositories: fc.subarray(SLUG_GLOBS, { maxLength: 3 }),
      exclude: fc.subarray(SLUG_GLOBS, { maxLength: 2 }),
    })
    .filter((s) => s.projects.length + s.repositories.length > 0)
    .map((s) => ({
      ...(s.projects.length ? { projects: s.projects } : {}),
      ...(s.repositories.length ? { repositories: s.repositories } : {}),
      ...(s.exclude.length ? { exclude: s.exclude } : {}),
    })),
  { nil: undefined, freq: 3 },
);

const repoArb: fc.Arbitrary<RepositoryIdentity | undefined> = fc.option(
  fc
    .record({
      slug: fc.oneof(fc.constantFrom(...SLUGS), fc.stringMatching(/^[a-z.-]{1,10}$/)),
      projectKey: fc.option(fc.constantFrom(...KEYS, 'PAYX'), { nil: undefined }),
    })
    .map(({ slug, projectKey }) => ({
      uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}',
      slug,
      fullName: `acme/${slug}`,
      ...(projectKey ? { projectKey } : {}),
    })),
  { nil: undefined, freq: 6 },
);

const PREFIXES = ['PROD', 'STAGE', 'QA'];
const NAMES = ['PROD deploy', 'STAGE deploy', 'QA run', 'Build', 'prod: migrate'];

/** 2–5 environments with random scopes, matches and defaults, plus the one unscoped default the schema demands. */
const policyArb = fc
  .array(
    fc.record({
      scope: scopeArb,
      prefix: fc.option(fc.constantFrom(...PREFIXES), { nil: undefined }),
      isDefault: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .chain((envs) =>
    fc.nat({ max: envs.length }).map((at) => {
      const environments: Array<Record<string, unknown>> = envs.map((e, i) => ({
        name: `env${i}`,
        branches: ['**'],
        ...(e.scope ? { scope: e.scope } : {}),
        ...(e.prefix ? { match: { stepNamePrefix: e.prefix } } : {}),
        ...(e.isDefault && e.scope ? { default: true } : {}),
        runner: { labels: ['self.hosted', `l${i}`] },
      }));
      environments.splice(at, 0, {
        name: 'catchall',
        default: true,
        branches: ['**'],
        runner: { labels: ['self.hosted', 'catchall'] },
      });
      return { version: 1, environments };
    }),
  );

function loaded(input: unknown) {
  const result = validatePolicy(input);
  if (!result.ok) throw new Error(`generated an invalid policy: ${JSON.stringify(result.problems)}`);
  return result.policy;
}

describe(`scope resolution matches a brute-force model (${PROPERTY_RUNS} runs, seed ${PROPERTY_SEED})`, () => {
  it('the model agrees with itself on hand-picked cases (it is not vacuous)', () => {
    expect(globModel('web{site,-app}', 'web-app')).toBe(true);
    expect(globModel('pay?ents-*', 'payments-x')).toBe(true);
    expect(globModel('{a,b{c,d}}*', 'bdx')).toBe(true);
    expect(globModel('payments-*', 'payments')).toBe(false);
    expect(
      inScopeModel({ projects: ['PAY'], exclude: ['*'] }, { uuid: '', slug: 'a', fullName: 'w/a', projectKey: 'PAY' }),
    ).toBe(false);
  });

  it('scopeIncludes', () => {
    fc.assert(
      fc.property(scopeArb, repoArb, (scope, repo) => {
        expect(scopeIncludes(scope, repo)).toBe(inScopeModel(scope, repo));
      }),
      { seed: PROPERTY_SEED, numRuns: PROPERTY_RUNS * 5 },
    );
  });

  it('environmentsFor and defaultEnvironmentFor', () => {
    fc.assert(
      fc.property(policyArb, repoArb, (input, repo) => {
        const policy = loaded(input);
        const inScope = policy.environments.map((env) => inScopeModel(env.scope, repo));
        const expectedDefault = policy.environments.find((env, i) => env.default && inScope[i])!;
        expect(environmentsFor(policy, repo).map((e) => [e.environment.name, e.inScope, e.isDefault])).toEqual(
          policy.environments.map((env, i) => [env.name, inScope[i], env === expectedDefault]),
        );
        expect(defaultEnvironmentFor(policy, repo)).toBe(expectedDefault);
      }),
      { seed: PROPERTY_SEED, numRuns: PROPERTY_RUNS },
    );
  });

  it("the engine puts each step where the issue's classification says, or reports repository-scope", () => {
    fc.assert(
      fc.property(policyArb, repoArb, fc.constantFrom(...NAMES), (input, repo, name) => {
        const policy = loaded(input);
        // The names above start with their prefix word; a prefix matches that first word in any case.
        const firstWord = /^[A-Za-z0-9_-]+/.exec(name)![0].toUpperCase();
        const meets = (env: (typeof policy.environments)[number]) => env.match?.stepNamePrefix === firstWord;
        const inScope = (env: (typeof policy.environments)[number]) => inScopeModel(env.scope, repo);
        const own = policy.environments.find((env) => inScope(env) && meets(env));
        const foreign = policy.environments.find((env) => !inScope(env) && meets(env));
        const fallback = policy.environments.find((env) => env.default && inScope(env))!;

        const result = runEngine(
          branchRun('main', [step(name)]),
          { kind: 'active', policy: compilePolicy(policy, 1) },
          repo ? { repository: repo } : {},
        );
        const placed = result.report.steps.find((s) => s.name === name)?.environment;
        const scopeFindings = result.report.findings.filter((f) => f.rule === 'repository-scope');
        if (own) {
          expect(placed).toBe(own.name);
          expect(scopeFindings).toEqual([]);
        } else if (foreign) {
          expect(scopeFindings).toHaveLength(1);
          expect(scopeFindings[0].message).toContain(`asks for environment "${foreign.name}"`);
          expect('error' in result.response).toBe(true);
          expect(placed).toBe(fallback.name);
        } else {
          expect(placed).toBe(fallback.name);
          expect(scopeFindings).toEqual([]);
        }
      }),
      { seed: PROPERTY_SEED, numRuns: PROPERTY_RUNS },
    );
  });
});
