/**
 * The adversarial suite: a developer on feature/x trying to reach PROD under the reference policy.
 * Every case ends in its expected outcome; allowed runs must also keep the output invariants and be
 * a fixed point of the chain, because Bitbucket may hand Pipeline Guard its own output again.
 */
import { execFileSync } from 'child_process';
import { shellQuote } from '../../src/engine/shell';
import type { JsonObject } from '../../src/engine/types';
import { validatePolicy } from '../../src/policy/load';
import type { AdversarialCase } from './case';
import { FAMILIES, POLICY_INJECTIONS } from './cases';
import {
  configFor,
  filteredFor,
  invariantProblems,
  prodLeaks,
  readAdversarialYaml,
  referencePolicy,
  referencePolicyInput,
  request,
  run,
  scopeLeaks,
} from './harness';
import { compiled } from '../support/requests';

const basePolicy = referencePolicy();

function configOf(c: AdversarialCase): JsonObject {
  if (c.yaml) return filteredFor(c.target, readAdversarialYaml(c.yaml));
  if (c.config) return structuredClone(c.config);
  return configFor(c.target, structuredClone(c.items ?? []), structuredClone(c.extra ?? {}));
}

function enforced(result: ReturnType<typeof run>): string[] {
  return [...new Set(result.report.findings.filter((f) => f.mode === 'enforce').map((f) => f.rule))].sort();
}

function check(c: AdversarialCase): void {
  const policy = c.policyFile ? compiled(c.policy, c.policyFile) : c.policy ? referencePolicy(c.policy) : basePolicy;
  const req = request(c.target, configOf(c));
  const before = structuredClone(req);
  const result = run(req, policy, { ...(c.repository ? { repository: c.repository } : {}), ...c.options });
  expect(req).toEqual(before); // the engine works on a copy: the request is never mutated
  const { expect: wanted } = c;

  if ('passthrough' in wanted) {
    expect(result.response).toEqual({ pipelines_configuration: req.pipelines_configuration ?? {} });
    return;
  }
  if ('blocked' in wanted) {
    expect({ response: result.response, enforced: enforced(result) }).toMatchObject({
      response: { error: { key: expect.stringMatching(/^pipeline-guard\./) } },
      enforced: [...wanted.blocked].sort(),
    });
    const error = (result.response as { error: { key: string; message: string } }).error;
    expect(wanted.blocked).toContain(error.key.replace('pipeline-guard.', ''));
    for (const text of wanted.mentions ?? []) expect(error.message).toContain(text);
    expect(error.message.length).toBeLessThanOrEqual(3_200);
    return;
  }

  if (!('pipelines_configuration' in result.response))
    throw new Error(`expected the run to be allowed, got ${JSON.stringify(result.response).slice(0, 1_500)}`);
  const output = result.response.pipelines_configuration as JsonObject;
  expect(enforced(result)).toEqual([]);
  const warned = [...new Set(result.report.findings.filter((f) => f.mode === 'warn').map((f) => f.rule))].sort();
  expect(warned).toEqual([...(wanted.warns ?? [])].sort());
  expect(
    invariantProblems(req, policy, output, { off: new Set(wanted.relaxed ?? []), repository: c.repository }),
  ).toEqual([]);
  if (!wanted.prod) expect(prodLeaks(output)).toEqual([]);
  if (policy.scoped && !(wanted.relaxed ?? []).includes('repository-scope'))
    expect(scopeLeaks(output, policy, c.repository)).toEqual([]);

  // The selected definition is still there, so Bitbucket never silently drops the run.
  const selector = (req.target as JsonObject).selector as { type: string; pattern?: string };
  const pipelines = output.pipelines as Record<string, any>;
  if (selector.type === 'default') expect(pipelines.default).toBeDefined();
  else expect(Object.prototype.hasOwnProperty.call(pipelines[selector.type], selector.pattern as string)).toBe(true);

  // The chain is a fixed point: its own output passes through unchanged.
  const again = run(request(c.target, structuredClone(output)), policy, {
    ...(c.repository ? { repository: c.repository } : {}),
    ...c.options,
  });
  expect(again.response).toEqual({ pipelines_configuration: output });
  wanted.check?.(output);
}

const ALL = FAMILIES.flatMap((family) => family.cases.map((c) => ({ family: family.family, c })));

describe('adversarial suite (reference policy, developer on feature/x; multi-team policy for scopes)', () => {
  it('has at least 100 pipeline cases, each with a unique name', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(100);
    expect(new Set(ALL.map(({ c }) => c.name)).size).toBe(ALL.length);
  });

  for (const family of FAMILIES) {
    describe(family.family, () => {
      it.each(family.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => check(c));
    });
  }
});

describe('adversarial policy values (the schema refuses shell text)', () => {
  it.each(POLICY_INJECTIONS.map((c) => [c.name, c] as const))('%s is refused at its field', (_name, c) => {
    const policy = referencePolicyInput() as any;
    c.set(policy);
    const result = validatePolicy(policy);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain(c.path);
  });

  it.each([
    ["a quote that closes the word: x'; id; '"],
    ['a command substitution $(id) and `id`'],
    ['a newline\nid'],
    ["many quotes '''' and backslashes \\\\ and $HOME"],
    ['unicode ÄÖÜ ✓ and a tab\t'],
  ])('shellQuote keeps %j one literal word in a real POSIX shell', (value) => {
    expect(execFileSync('sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' })).toBe(value);
  });
});
