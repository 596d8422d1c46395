/**
 * Property tests: random valid policies, random pipelines using every construct the published
 * schema accepts, random targets and triggers, run through the provider function (store fake, no
 * Forge). Seeded, so a failure reproduces; fast-check prints the seed and path of a counterexample.
 */
import Ajv from 'ajv';
import fc from 'fast-check';
import { readFileSync } from 'fs';
import { jsonEqual } from '../../src/engine/clone';
import { compilePolicy } from '../../src/engine/compiled-policy';
import { LABELS_LIMIT_BYTES, byteLength } from '../../src/engine/labels';
import type { JsonObject } from '../../src/engine/types';
import { validatePolicy } from '../../src/policy/load';
import type { PolicyInput } from '../../src/policy/schema';
import { createProvider } from '../../src/provider/handler';
import { invariantProblems, request, SCHEMA_PATH } from '../adversarial/harness';
import { asBitbucketSends, configArb, policyArb, targetArb } from './arbitraries';

export const PROPERTY_SEED = Number(process.env.PG_PROPERTY_SEED ?? 20261125);
export const PROPERTY_RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 400);

const validateSchema = new Ajv({ strict: false, allErrors: true }).compile(
  JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')),
);
const schemaErrors = (value: unknown) =>
  validateSchema(value) ? [] : (validateSchema.errors ?? []).slice(0, 3).map((e) => `${e.instancePath} ${e.message}`);

const caseArb = fc
  .tuple(policyArb, configArb)
  .chain(([policy, config]) => targetArb(config).map((target) => ({ policy, config, target })));

function providerFor(policy: PolicyInput) {
  const record = { revision: 1, policy, savedAt: '2026-11-25T10:00:00.000Z', savedBy: '{admin}' };
  return createProvider({ store: { read: async () => structuredClone(record) }, log: () => {} });
}

describe(`provider properties (${PROPERTY_RUNS} runs, seed ${PROPERTY_SEED})`, () => {
  it('the generators produce schema-valid pipelines and valid policies (the properties below are not vacuous)', () => {
    fc.assert(
      fc.property(caseArb, ({ policy, config }) => {
        expect(validatePolicy(policy).ok).toBe(true);
        expect(schemaErrors(config)).toEqual([]);
      }),
      { seed: PROPERTY_SEED, numRuns: 100 },
    );
  });

  it('every output keeps the invariants', async () => {
    const outcomes = { allowed: 0, blocked: 0, definitions: 0 };
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ policy, config, target }) => {
        const validated = validatePolicy(policy);
        if (!validated.ok) throw new Error('the policy generator produced an invalid policy');
        const compiled = compilePolicy(validated.policy, 1);
        const provider = providerFor(policy);
        const req = request(target, asBitbucketSends(target, structuredClone(config)));
        const response = await provider(structuredClone(req)); // never rejects: an await that throws fails the property

        if (target.trigger === 'definitions') {
          outcomes.definitions++;
          expect(response).toEqual({ pipelines_configuration: req.pipelines_configuration });
          return;
        }
        if ('error' in response) {
          outcomes.blocked++;
          expect(response.error.key).toMatch(/^pipeline-guard\.[a-z-]+$/);
          expect(response.error.message.length).toBeGreaterThan(20);
          return;
        }
        outcomes.allowed++;
        const output = response.pipelines_configuration as JsonObject;
        expect(schemaErrors(output)).toEqual([]);

        const off = new Set(
          (['branch-gate', 'runner-labels', 'oidc-role'] as const).filter((rule) => compiled.modeOf(rule) === 'off'),
        );
        const injected = (s: JsonObject) =>
          jsonEqual(s, compiled.gateStep) || compiled.scanSteps.some((scan) => jsonEqual(s, scan));
        expect(invariantProblems(req, compiled, output, { off, injected })).toEqual([]);
        if (output.labels) expect(byteLength(output.labels)).toBeLessThanOrEqual(LABELS_LIMIT_BYTES);

        const selector = (req.target as JsonObject).selector as { type: string; pattern?: string } | undefined;
        if (selector) {
          const pipelines = output.pipelines as Record<string, any>;
          if (selector.type === 'default') expect(pipelines.default).toBeDefined();
          else expect(Object.prototype.hasOwnProperty.call(pipelines[selector.type], selector.pattern!)).toBe(true);
        }

        const again = await provider(request(target, structuredClone(output)));
        expect(again).toEqual({ pipelines_configuration: output });
      }),
      { seed: PROPERTY_SEED, numRuns: PROPERTY_RUNS },
    );
    if (process.env.PG_PROPERTY_RUNS) console.log(outcomes);
    // Both outcomes must be exercised, or the invariants above were checked on too little.
    expect(outcomes.allowed).toBeGreaterThan(PROPERTY_RUNS / 10);
    expect(outcomes.blocked).toBeGreaterThan(PROPERTY_RUNS / 10);
  });
});
