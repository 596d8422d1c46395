/**
 * The committed validators are what the generator makes of today's zod schemas. A schema change
 * without `npm run gen:validators` fails here, before a stale validator can reach the provider.
 */
import { readFileSync } from 'fs';
import path from 'path';
import * as z from 'zod';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import { generate, jsonSchemaOf, outputFilesOf, TARGETS, validatorModule } from '../../scripts/validators';
import { SHARED_CHECKS } from '../../src/policy/checks';
import { VALIDATOR_RUNTIME, type GeneratedValidator } from '../../src/primitives/validation';
import { SHARED_CHECK } from '../../src/policy/checks';

const ROOT = path.resolve(__dirname, '../..');

describe('generated validators', () => {
  it.each(TARGETS.map((target) => [`${target.exportName} (${target.source})`, target] as const))(
    '%s: the committed validator is current',
    async (_name, target) => {
      const files = outputFilesOf(target);
      const expected = await generate(target);
      for (const [kind, file] of [
        ['code', files.code],
        ['declaration', files.declaration],
      ] as const) {
        let committed = '';
        try {
          committed = readFileSync(path.join(ROOT, file), 'utf8');
        } catch {
          // missing: reported below as stale
        }
        if (committed !== expected[kind])
          throw new Error(
            `${file} is stale: ${target.exportName} in ${target.source} changed since it was generated. ` +
              'Run `npm run gen:validators` and commit the result.',
          );
      }
    },
  );

  it('refuses what the generated code could not enforce, saying what to do', () => {
    expect(() => jsonSchemaOf(z.strictObject({ a: z.string().refine((v) => v !== 'x') }), 'S')).toThrow(
      /S at properties\.a: .*move its body into a plain function in src\/policy\/checks\.ts/,
    );
    expect(() => jsonSchemaOf(z.strictObject({ a: z.strictObject({}).superRefine(() => {}) }), 'S')).toThrow(
      /plain function/,
    );
    expect(() => jsonSchemaOf(z.strictObject({ a: z.string().regex(/^a$/i) }), 'S')).toThrow(
      /has flags, which JSON Schema drops/,
    );
    expect(() => jsonSchemaOf(z.strictObject({ a: z.custom<string>(() => true) }), 'S')).toThrow(
      /z\.custom has no JSON Schema/,
    );
    expect(() => jsonSchemaOf(z.strictObject({ a: z.string().transform((v) => v.length) }), 'S')).toThrow(
      /not supported/,
    );
    expect(() => jsonSchemaOf(z.strictObject({ a: z.string().meta({ [SHARED_CHECK]: 'noSuchCheck' }) }), 'S')).toThrow(
      /unknown shared check "noSuchCheck"/,
    );
    expect(() => jsonSchemaOf(z.strictObject({ a: z.object({ b: z.string() }) }), 'S')).toThrow(
      /S at properties\.a: z\.object drops unknown keys/,
    );
  });

  it('lets a check through when it is tagged with a shared check, and names it in the JSON Schema', () => {
    const tagged = z
      .string()
      .check(() => {})
      .meta({ [SHARED_CHECK]: 'cidr' });
    expect(jsonSchemaOf(z.strictObject({ a: tagged }), 'S')).toMatchObject({
      properties: { a: { type: 'string', [SHARED_CHECK]: 'cidr' } },
    });
  });

  /** Generates, loads and runs the validator of an ad-hoc schema, as the provider would. */
  async function compiled(schema: z.ZodType): Promise<GeneratedValidator> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-gen-'));
    try {
      writeFileSync(path.join(dir, 'v.cjs'), await validatorModule(schema, 'test'));
      return (
        require(path.join(dir, 'v.cjs')) as (
          checks: typeof SHARED_CHECKS,
          runtime: typeof VALIDATOR_RUNTIME,
        ) => { validate: GeneratedValidator }
      )(SHARED_CHECKS, VALIDATOR_RUNTIME).validate;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it(
    'fills in defaults inside the branches of a discriminated union, as zod does ' +
      '(schemas being added: oidc providers)',
    async () => {
      const schema = z.strictObject({
        oidc: z.discriminatedUnion('provider', [
          z.strictObject({ provider: z.literal('aws'), roleArn: z.string(), region: z.string().default('us-east-1') }),
          z.strictObject({ provider: z.literal('vault'), url: z.string(), path: z.string().default('jwt') }),
        ]),
        tags: z.array(z.string()).default([]),
      });
      const validate = await compiled(schema);
      for (const input of [
        { oidc: { provider: 'aws', roleArn: 'r' } },
        { oidc: { provider: 'vault', url: 'u', path: 'p' }, tags: ['x'] },
        { oidc: { provider: 'gcp' } },
        { oidc: { provider: 'aws', url: 'u' } },
        { oidc: { roleArn: 'r' } },
      ]) {
        const zod = schema.safeParse(structuredClone(input));
        const copy = structuredClone(input);
        expect(validate(copy)).toBe(zod.success);
        if (zod.success) expect(copy).toStrictEqual(zod.data);
      }
    },
  );

  it(
    'picks the branch whose discriminator may be absent, ' +
      'fills in its defaults and refuses unknown discriminators, as zod does (oidc: no provider means aws)',
    async () => {
      const message = 'provider must be aws, gcp or vault';
      const schema = z.strictObject({
        oidc: z.discriminatedUnion(
          'provider',
          [
            z.strictObject({
              provider: z.literal('aws').optional(),
              roleArn: z.string().regex(/^arn:/, 'not an ARN'),
              region: z.string().default('us-east-1'),
            }),
            z.strictObject({ provider: z.literal('gcp'), serviceAccount: z.string() }),
            z.strictObject({ provider: z.literal('vault'), role: z.string(), mount: z.string().default('jwt') }),
          ],
          { error: message },
        ),
      });
      const validate = await compiled(schema);
      for (const input of [
        { oidc: { roleArn: 'arn:x' } },
        { oidc: { provider: 'aws', roleArn: 'arn:x', region: 'eu-west-1' } },
        { oidc: { roleArn: 'role' } },
        { oidc: { provider: 'gcp', serviceAccount: 's' } },
        { oidc: { provider: 'gcp', roleArn: 'arn:x' } },
        { oidc: { serviceAccount: 's' } },
        { oidc: { provider: 'vault', role: 'r' } },
        { oidc: { provider: 'azure', roleArn: 'arn:x' } },
        { oidc: { provider: null, roleArn: 'arn:x' } },
        { oidc: 'aws' },
        { oidc: [] },
      ]) {
        const zod = schema.safeParse(structuredClone(input));
        const copy = structuredClone(input);
        expect([JSON.stringify(input), validate(copy)]).toEqual([JSON.stringify(input), zod.success]);
        if (zod.success) expect(copy).toStrictEqual(zod.data);
      }
    },
  );

  it('refuses a discriminated union in which two branches may leave the discriminator out', () => {
    const schema = z.strictObject({
      u: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('a').optional(), a: z.string() }),
        z.strictObject({ kind: z.literal('b').optional(), b: z.string() }),
      ]),
    });
    expect(() => jsonSchemaOf(schema, 'S')).toThrow(/more than one branch .* may leave it out/);
  });

  it(
    'refuses defaults inside a plain union, which the generated code could not fill in, ' + 'saying what to do',
    async () => {
      const schema = z.strictObject({
        u: z.union([z.strictObject({ a: z.string().default('x') }), z.strictObject({ b: z.number() })]),
      });
      await expect(validatorModule(schema, 'S')).rejects.toThrow(
        /S: strict mode: default is ignored.*make it a z\.discriminatedUnion/,
      );
    },
  );
});
