/**
 * Templated and literal forms of the same pipeline give the same verdict: every name, deployment,
 * runner label and script line written as a `${{V_n}}` template, its value sent as a repository or
 * workspace variable (with PIPELINE- and STEP-scoped decoys that must not change how it reads),
 * blocks or passes exactly as the literal pipeline, and an allowed run returns the same
 * configuration with the tokens where they came.
 */
import fc from 'fast-check';
import type { JsonObject } from '../../src/engine/types';
import type { PolicyInput } from '../../src/policy/schema';
import { createProvider } from '../../src/provider/handler';
import { request } from '../adversarial/harness';
import { asBitbucketSends, configArb, policyArb, targetArb } from './arbitraries';

const PROPERTY_SEED = Number(process.env.PG_PROPERTY_SEED ?? 20261125);
const PROPERTY_RUNS = Number(process.env.PG_PROPERTY_RUNS ?? 400);

const TEMPLATED_KEYS = new Set(['name', 'deployment', 'environment', 'script', 'after-script', 'runs-on']);

/** The configuration with every templatable string replaced by a token, and the variables that fill them in. */
function templatize(
  config: JsonObject,
  workspaceEvery: number,
): { config: JsonObject; variables: Array<{ key: string; value: string; scope: string }> } {
  const variables: Array<{ key: string; value: string; scope: string }> = [];
  const token = (value: string) => {
    const key = `V_${variables.length}`;
    variables.push({ key, value, scope: variables.length % workspaceEvery === 0 ? 'WORKSPACE' : 'REPOSITORY' });
    variables.push({ key, value: `decoy-${value}`, scope: variables.length % 2 ? 'PIPELINE' : 'STEP' });
    return `\${{${key}}}`;
  };
  const visit = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value))
      return value.map((item) =>
        typeof item === 'string' && (key === 'script' || key === 'after-script' || key === 'runs-on')
          ? token(item)
          : visit(item),
      );
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          typeof v === 'string' && TEMPLATED_KEYS.has(k) ? token(v) : visit(v, k),
        ]),
      );
    return value;
  };
  return { config: { ...config, pipelines: visit(config.pipelines) } as JsonObject, variables };
}

function providerFor(policy: PolicyInput) {
  const record = { revision: 1, policy, savedAt: '2026-11-25T10:00:00.000Z', savedBy: '{admin}' };
  return createProvider({ store: { read: async () => structuredClone(record) }, log: () => {} });
}

const caseArb = fc
  .tuple(policyArb, configArb, fc.integer({ min: 1, max: 4 }))
  .chain(([policy, config, workspaceEvery]) =>
    targetArb(config).map((target) => ({ policy, config, target, workspaceEvery })),
  )
  .filter(({ config }) => !JSON.stringify(config).includes('${{'));

describe(`templating properties (${PROPERTY_RUNS} runs, seed ${PROPERTY_SEED})`, () => {
  it('templated and literal forms of the same pipeline give the same verdict and the same configuration', async () => {
    let templatedFields = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ policy, config, target, workspaceEvery }) => {
        const provider = providerFor(policy);
        const sent = asBitbucketSends(target, structuredClone(config));
        const templated = templatize(sent, workspaceEvery);
        templatedFields += templated.variables.length / 2;
        const literal = await provider(request(target, structuredClone(sent)));
        const viaTemplates = await provider({ ...request(target, templated.config), variables: templated.variables });
        if ('error' in literal) {
          expect('error' in viaTemplates ? viaTemplates.error.key : 'allowed').toBe(literal.error.key);
          return;
        }
        expect('error' in viaTemplates ? viaTemplates.error.message : 'allowed').toBe('allowed');
        const values = new Map(
          templated.variables
            .filter((v) => v.scope === 'REPOSITORY' || v.scope === 'WORKSPACE')
            .map((v) => [v.key, v.value]),
        );
        const filledIn = JSON.parse(
          JSON.stringify((viaTemplates as { pipelines_configuration: JsonObject }).pipelines_configuration),
          (_key, value) =>
            typeof value === 'string'
              ? value.replace(/\$\{\{(V_\d+)\}\}/g, (_token, key: string) => values.get(key)!)
              : value,
        );
        expect(filledIn).toEqual(literal.pipelines_configuration);
      }),
      { seed: PROPERTY_SEED, numRuns: PROPERTY_RUNS },
    );
    expect(templatedFields).toBeGreaterThan(PROPERTY_RUNS);
  });
});
