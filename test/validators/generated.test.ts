/**
 * The committed validators are what the generator makes of today's zod schemas. A schema change
 * without `npm run gen:validators` fails here, before a stale validator can reach the provider.
 */
import { readFileSync } from 'fs';
import path from 'path';
import * as z from 'zod';
import { generate, jsonSchemaOf, outputFilesOf, TARGETS } from '../../scripts/validators';
import { SHARED_CHECK } from '../../src/policy/checks';

const ROOT = path.resolve(__dirname, '../..');

describe('generated validators', () => {
  it.each(TARGETS.map((target) => [`${target.exportName} (${target.source})`, target] as const))('%s: the committed validator is current', async (_name, target) => {
    const files = outputFilesOf(target);
    const expected = await generate(target);
    for (const [kind, file] of [['code', files.code], ['declaration', files.declaration]] as const) {
      let committed = '';
      try {
        committed = readFileSync(path.join(ROOT, file), 'utf8');
      } catch {
        // missing: reported below as stale
      }
      if (committed !== expected[kind])
        throw new Error(`${file} is stale: ${target.exportName} in ${target.source} changed since it was generated. Run \`npm run gen:validators\` and commit the result.`);
    }
  });

  it('refuses what the generated code could not enforce, saying what to do', () => {
    expect(() => jsonSchemaOf(z.object({ a: z.string().refine((v) => v !== 'x') }), 'S')).toThrow(/S at properties\.a: .*move its body into a plain function in src\/policy\/checks\.ts/);
    expect(() => jsonSchemaOf(z.object({ a: z.object({}).superRefine(() => {}) }), 'S')).toThrow(/plain function/);
    expect(() => jsonSchemaOf(z.object({ a: z.string().regex(/^a$/i) }), 'S')).toThrow(/has flags, which JSON Schema drops/);
    expect(() => jsonSchemaOf(z.object({ a: z.custom<string>(() => true) }), 'S')).toThrow(/z\.custom has no JSON Schema/);
    expect(() => jsonSchemaOf(z.object({ a: z.string().transform((v) => v.length) }), 'S')).toThrow(/not supported/);
    expect(() => jsonSchemaOf(z.object({ a: z.string().meta({ [SHARED_CHECK]: 'noSuchCheck' }) }), 'S')).toThrow(/unknown shared check "noSuchCheck"/);
  });

  it('lets a check through when it is tagged with a shared check, and names it in the JSON Schema', () => {
    const tagged = z.string().check(() => {}).meta({ [SHARED_CHECK]: 'cidr' });
    expect(jsonSchemaOf(z.object({ a: tagged }), 'S')).toMatchObject({ properties: { a: { type: 'string', [SHARED_CHECK]: 'cidr' } } });
  });
});
