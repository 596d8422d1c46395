/**
 * Generates the provider's validators from the zod schemas: zod -> JSON Schema (z.toJSONSchema)
 * -> Ajv standalone code, written as TypeScript next to each schema (`<schema file>.validator.ts`).
 * The provider imports those and never zod; zod stays the one source of truth.
 *
 * What JSON Schema cannot say runs through the shared plain functions of src/policy/checks.ts: a
 * zod node tagged with `x-shared-check: <name>` (schema.ts does that) becomes a call of
 * `SHARED_CHECKS.<name>` in the generated code. Anything else JSON Schema would silently drop (an
 * untagged `.check`/`.refine`/`superRefine`, `z.custom`, transforms, regex flags) stops the
 * generator with a message saying what to do, so a schema change can never weaken the provider.
 *
 * `npm run gen:validators` writes the files; test/validators/generated.test.ts fails when they are
 * stale.
 */
import path from 'path';
import * as z from 'zod';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { _, type KeywordCxt } from 'ajv';
import { getProperty } from 'ajv/dist/compile/codegen';
import { transform } from 'esbuild';
import { SHARED_CHECK, SHARED_CHECKS } from '../src/policy/checks';

const ROOT = path.resolve(__dirname, '..');
const CHECKS_MODULE = path.join(ROOT, 'src/policy/checks');

export interface Target {
  /** Source file of the zod schema, relative to the repository root. */
  readonly source: string;
  /** The exported zod schema in it. */
  readonly exportName: string;
}

/** Every schema the provider validates with generated code. The output sits beside the source. */
export const TARGETS: readonly Target[] = [
  { source: 'src/engine/request.ts', exportName: 'ProviderRequestSchema' },
  { source: 'src/storage/stored-policy.ts', exportName: 'StoredPolicySchema' },
  { source: 'src/policy/schema.ts', exportName: 'PolicySchema' },
];

export const outputFilesOf = (target: Target) => ({
  code: target.source.replace(/\.ts$/, '.validator.cjs'),
  declaration: target.source.replace(/\.ts$/, '.validator.d.cts'),
});

type ErrorFn = (issue: unknown) => unknown;
type ZodInternals = {
  _zod: {
    def: {
      type: string;
      error?: ErrorFn;
      checks?: Array<{
        _zod: { def: { check: string; format?: string; pattern?: RegExp; inclusive?: boolean; error?: ErrorFn } };
      }>;
      discriminator?: string;
    };
  };
};

/** The message a zod schema or check gives for any input, when it is a fixed text. */
function fixedMessage(error: ErrorFn | undefined): string | undefined {
  try {
    const message = error?.({ code: 'custom', input: undefined });
    return typeof message === 'string'
      ? message
      : typeof (message as { message?: unknown })?.message === 'string'
        ? (message as { message: string }).message
        : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON Schema keyword that stands for a zod check, so zod's message can be shown for Ajv's error. */
function keywordOf(
  check: string,
  format: string | undefined,
  inclusive: boolean | undefined,
  jsonType: unknown,
): string | undefined {
  const array = jsonType === 'array';
  switch (check) {
    case 'min_length':
      return array ? 'minItems' : 'minLength';
    case 'max_length':
      return array ? 'maxItems' : 'maxLength';
    case 'length_equals':
      return undefined;
    case 'string_format':
      return format === 'regex' ? 'pattern' : undefined;
    case 'greater_than':
      return inclusive ? 'minimum' : 'exclusiveMinimum';
    case 'less_than':
      return inclusive ? 'maximum' : 'exclusiveMaximum';
    default:
      return undefined;
  }
}

/** JSON Schema for one zod schema, refusing whatever the generated code could not enforce. */
export function jsonSchemaOf(
  schema: z.ZodType,
  where: string,
  messages: Record<string, string> = {},
  reused: 'inline' | 'ref' = 'inline',
): Record<string, unknown> {
  const refusals: Array<{ node: unknown; path: (string | number)[]; why: string }> = [];
  // `.meta()` makes a new node whose `_zod.parent` is the node it tags; a tag covers that node too.
  const covered = new Set<unknown>();
  const json = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-07',
    reused,
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema, path }) => {
      const node = jsonSchema as Record<string, unknown>;
      const def = (zodSchema as unknown as ZodInternals)._zod.def;
      const refuse = (why: string) => refusals.push({ node: zodSchema, path, why });
      // zod's own messages, by the schema path of the keyword Ajv reports (Ajv's errors carry that path).
      const at = (keyword: string) => `#/${[...path, keyword].join('/')}`;
      const own = fixedMessage(def.error);
      if (own)
        for (const keyword of ['type', def.type === 'enum' ? 'enum' : def.type === 'literal' ? 'const' : undefined])
          if (keyword) messages[at(keyword)] = own;
      for (const check of def.checks ?? []) {
        const keyword = keywordOf(check._zod.def.check, check._zod.def.format, check._zod.def.inclusive, node.type);
        const message = fixedMessage(check._zod.def.error);
        if (keyword && message) messages[at(keyword)] = message;
      }
      const tag = node[SHARED_CHECK];
      const known = typeof tag === 'string' && tag in SHARED_CHECKS;
      if (tag !== undefined && !known)
        refusals.push({
          node: undefined,
          path,
          why: `unknown shared check "${String(tag)}" (SHARED_CHECKS in src/policy/checks.ts)`,
        });
      if (known || (def.type === 'custom' && 'type' in node))
        for (let at: unknown = zodSchema; at; at = (at as { _zod: { parent?: unknown } })._zod.parent) covered.add(at);
      if (def.checks?.some((check) => check._zod.def.check === 'custom'))
        refuse(
          'a .check/.refine/.superRefine that JSON Schema cannot express; ' +
            'move its body into a plain function in src/policy/checks.ts, add it to SHARED_CHECKS ' +
            'and tag the node as schema.ts does (sharedValueCheck)',
        );
      if (def.type === 'custom')
        refuse('z.custom has no JSON Schema; give it one with .meta({ type: … }) or a shared check');
      for (const check of def.checks ?? [])
        if (check._zod.def.pattern?.flags)
          refusals.push({
            node: undefined,
            path,
            why:
              `regular expression /${check._zod.def.pattern.source}/${check._zod.def.pattern.flags} has flags, ` +
              'which JSON Schema drops; write it without flags',
          });
      if (def.type === 'object' && (def as { catchall?: unknown }).catchall === undefined)
        refusals.push({
          node: undefined,
          path,
          why:
            'z.object drops unknown keys, which the generated validator cannot do (it would keep them); ' +
            'use z.strictObject (unknown keys are errors, as everywhere in the policy) or z.looseObject (kept)',
        });
      if (['transform', 'pipe', 'catch', 'prefault', 'promise', 'lazy'].includes(def.type))
        refusals.push({ node: undefined, path, why: `z.${def.type} is not supported by the generated validators` });
      // Ajv's discriminator picks the one branch to apply, so defaults inside the branches still fill in.
      // It needs the discriminator in every branch; a branch that may leave it out is handled after the walk.
      if (def.type === 'union' && def.discriminator && Array.isArray(node.oneOf)) {
        const required = (node.oneOf as Array<Record<string, unknown>>).every(
          (branch) => Array.isArray(branch.required) && branch.required.includes(def.discriminator),
        );
        Object.assign(
          node,
          required
            ? { type: 'object', discriminator: { propertyName: def.discriminator } }
            : { [OPTIONAL_DISCRIMINATOR]: def.discriminator },
        );
      }
    },
  }) as Record<string, unknown>;
  const left = refusals.filter(({ node }) => !covered.has(node));
  if (left.length > 0)
    throw new Error(left.map(({ path, why }) => `${where} at ${path.join('.') || '(root)'}: ${why}`).join('\n'));
  optionalDiscriminators(json, messages, where);
  acceptProtoKeysInRecords(json, messages);
  return json;
}

const OPTIONAL_DISCRIMINATOR = 'x-optional-discriminator';

/**
 * A discriminated union with a branch whose discriminator may be absent (`provider: z.literal('aws').optional()`:
 * no `provider` means aws). zod picks the branch by the discriminator's value, absent included, and
 * refuses any other value with the union's own message. Ajv's discriminator cannot say "absent", so
 * the branch is chosen with `if`/`then` under `allOf` (Ajv fills in defaults inside `then`, never
 * inside `oneOf`), and a last entry refuses a discriminator that no branch names. zod's messages
 * move with their branch.
 */
function optionalDiscriminators(node: unknown, messages: Record<string, string>, where: string, at = '#'): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  for (const [key, child] of Object.entries(schema)) optionalDiscriminators(child, messages, where, `${at}/${key}`);
  const discriminator = schema[OPTIONAL_DISCRIMINATOR];
  if (typeof discriminator !== 'string') return;
  delete schema[OPTIONAL_DISCRIMINATOR];
  const branches = schema.oneOf as Array<Record<string, unknown>>;
  if (
    branches.filter((branch) => !(Array.isArray(branch.required) && branch.required.includes(discriminator))).length > 1
  )
    throw new Error(
      `${where}: more than one branch of the discriminated union on "${discriminator}" may leave it out, ` +
        'so its absence names no single branch',
    );
  const values: unknown[] = [];
  const allOf = branches.map((branch, index) => {
    const property = (branch.properties as Record<string, Record<string, unknown>> | undefined)?.[discriminator];
    if (!property || !('const' in property))
      throw new Error(
        `${where}: a branch of the discriminated union on "${discriminator}" gives it no single literal value`,
      );
    values.push(property.const);
    const optional = !(Array.isArray(branch.required) && branch.required.includes(discriminator));
    for (const key of Object.keys(messages))
      if (key.startsWith(`${at}/oneOf/${index}/`)) {
        messages[key.replace(`${at}/oneOf/${index}/`, `${at}/allOf/${index}/then/`)] = messages[key];
        delete messages[key];
      }
    return {
      if: {
        properties: { [discriminator]: { const: property.const } },
        ...(optional ? {} : { required: [discriminator] }),
      },
      then: branch,
    };
  });
  const unionMessage = messages[`${at}/type`];
  allOf.push({
    if: { required: [discriminator] },
    then: { properties: { [discriminator]: { enum: values } } },
  } as never);
  if (unionMessage) messages[`${at}/allOf/${branches.length}/then/properties/${discriminator}/enum`] = unionMessage;
  delete schema.oneOf;
  Object.assign(schema, { type: 'object', allOf });
}

/**
 * zod's records skip an own `__proto__` key (they never copy it into the result) instead of judging
 * it, so a record's key and value rules must let that one key through here too; the caller then drops it from
 * the validated value, as zod's output never has it (src/policy/policy-check.ts).
 */
function acceptProtoKeysInRecords(node: unknown, messages: Record<string, string>, at = '#'): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  for (const [key, child] of Object.entries(schema)) acceptProtoKeysInRecords(child, messages, `${at}/${key}`);
  if (schema.propertyNames && typeof schema.propertyNames === 'object') {
    schema.propertyNames = { if: { const: '__proto__' }, then: true, else: schema.propertyNames };
    schema.patternProperties = { ...(schema.patternProperties as object), '^__proto__$': true };
    for (const key of Object.keys(messages))
      if (key.startsWith(`${at}/propertyNames/`)) {
        messages[key.replace(`${at}/propertyNames/`, `${at}/propertyNames/else/`)] = messages[key];
        delete messages[key];
      }
  }
}

function newAjv(): Ajv {
  const ajv = new Ajv({
    code: { source: true, optimize: true },
    useDefaults: true,
    discriminator: true,
    // zod runs regexes without the u flag; so do these. (Lengths count code points in both.)
    unicodeRegExp: false,
    allErrors: false,
    // Shared definitions stay functions of their own (see generate()).
    inlineRefs: false,
    // Messages come from zod's (beside each validator) or from the keyword and its parameters
    // (src/primitives/validation.ts).
    messages: false,
    strict: true,
    strictTuples: false,
  });
  ajv.addKeyword({
    keyword: SHARED_CHECK,
    schemaType: 'string',
    // After every other keyword of the node: a cross-field check sees a value that passed them all, defaults filled in.
    post: true,
    error: { message: 'failed a shared check', params: ({ params }) => _`{problems: ${params.problems}}` },
    code(cxt: KeywordCxt) {
      const name = cxt.schema as string;
      const check = cxt.gen.scopeValue('func', {
        ref: SHARED_CHECKS[name as keyof typeof SHARED_CHECKS],
        code: _`SHARED_CHECKS${getProperty(name)}`,
      });
      const problems = cxt.gen.const('problems', _`${check}(${cxt.data})`);
      cxt.setParams({ problems });
      cxt.fail(_`${problems}.length > 0`);
    },
  });
  return ajv;
}

const HEADER = (
  target: Target,
) => `// GENERATED by scripts/gen-validators.ts from ${target.exportName} in ${target.source}; do not edit.
// Regenerate with \`npm run gen:validators\` after changing the zod schema (a test fails while this is stale).
`;

export interface GeneratedFiles {
  /**
   * The validator: CommonJS, so that no TypeScript or Babel pass re-indents (and triples) the generated code in Forge's
   * build.
   */
  readonly code: string;
  /** Its types. */
  readonly declaration: string;
}

/** The CommonJS source of the validator factory for one zod schema. */
export async function validatorModule(schema: z.ZodType, where: string): Promise<string> {
  let messages: Record<string, string> = {};
  let json = jsonSchemaOf(schema, where, messages);
  // A schema used in several places (the request's commit and selector) becomes one shared function
  // instead of a copy per place; but Ajv fills in no default inside a shared definition, so only
  // schemas without defaults share.
  if (!JSON.stringify(json).includes('"default":')) {
    messages = {};
    json = jsonSchemaOf(schema, where, messages, 'ref');
  }
  delete json.$schema;
  const ajv = newAjv();
  let validate;
  try {
    validate = ajv.compile(json);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(
      /default is ignored/.test(message)
        ? `${where}: ${message}. Ajv fills in no default inside a plain z.union (JSON Schema anyOf); ` +
            'make it a z.discriminatedUnion, whose branches do get their defaults, or move the default out of the union'
        : `${where}: ${message}`,
    );
  }
  const standalone = standaloneCode(ajv, validate);
  // Ajv's one runtime helper that these schemas need comes in as an argument (src/primitives/validation.ts), so the
  // provider needs no Ajv.
  const withRuntime = standalone.replace(
    /require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g,
    'runtime.codePointLength',
  );
  if (/\brequire\(/.test(withRuntime))
    throw new Error(
      `${where}: the generated validator needs an Ajv runtime helper ` +
        `(${/require\("([^"]+)"\)/.exec(withRuntime)?.[1]}); the provider must not depend on Ajv`,
    );
  const name = /module\.exports = (\w+);/.exec(withRuntime)?.[1];
  if (!name) throw new Error('unexpected Ajv standalone output: no module.exports line');
  const body = withRuntime.replace(/^"use strict";/, '').replace(/module\.exports(?:\.default)? = \w+;/g, '');
  const sortedPaths = Object.keys(messages).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // An error names zod's message by a short key instead of its schema path: the paths, written once in the code
  // and once among the messages, were a sixth of the policy's validator. Paths with the same message (a field's
  // type and its enum, say) share its key, so that each message is written once.
  const texts = [...new Set(sortedPaths.map((schemaPath) => messages[schemaPath]))];
  const keys = new Map(sortedPaths.map((schemaPath) => [schemaPath, String(texts.indexOf(messages[schemaPath]))]));
  const keyedMessages = Object.fromEntries(texts.map((text, index) => [String(index), text]));
  const keyedCode = withValidFlagsFolded(
    withErrorCountsFolded(
      withFailCalls(
        withMessageKeys(
          withErrorBuilders(withPatternSources(withoutParentData(withSchemaReadsInlined(body))), messages),
          keys,
        ),
      ),
    ),
  );
  const factory =
    `module.exports = function createValidator(SHARED_CHECKS, runtime) {\n${errorBuildersFor(keyedCode)}\n` +
    `${keyedCode}\n` +
    `return { validate: ${name}, messages: ${JSON.stringify(keyedMessages)} };\n};\n`;
  const { code } = await transform(factory, { minify: true, format: 'cjs', target: 'node18', logLevel: 'silent' });
  return code;
}

/**
 * Ajv writes every error out as an object literal with its key names, about 170 of them for the
 * policy, in a bundle Forge does not minify; a call of one of these builds the same object (same
 * keys, same order) from the values alone. Almost every error is a validator's only one, set as it returns false: a
 * `fail…` call does both. The factory declares the ones its code calls.
 */
const ERROR_BUILDERS: Readonly<Record<string, string>> = {
  errorAt: '(instancePath, keyword, params) => ({ instancePath, keyword, params })',
  errorWithSchemaPathAt:
    '(instancePath, schemaPath, keyword, params) => ({ instancePath, schemaPath, keyword, params })',
  typeErrorAt: '(instancePath, type) => ({ instancePath, keyword: "type", params: { type } })',
  fail: '(validate, errors) => { validate.errors = errors; return false; }',
  failAt: '(validate, ...error) => fail(validate, [errorAt(...error)])',
  failWithSchemaPathAt: '(validate, ...error) => fail(validate, [errorWithSchemaPathAt(...error)])',
  failTypeAt: '(validate, ...error) => fail(validate, [typeErrorAt(...error)])',
};

function errorBuildersFor(code: string): string {
  const used = new Set(Object.keys(ERROR_BUILDERS).filter((name) => new RegExp(`\\b${name}\\(`).test(code)));
  // A `fail…` call needs `fail` and its builder.
  for (const name of [...used])
    if (name.startsWith('fail') && name !== 'fail') {
      used.add('fail');
      used.add(name === 'failTypeAt' ? 'typeErrorAt' : `error${name.slice(4)}`);
    }
  return Object.entries(ERROR_BUILDERS)
    .filter(([name]) => used.has(name))
    .map(([name, definition]) => `const ${name} = ${definition};`)
    .join('\n');
}

/**
 * Ajv hands each validator it calls the parent object, the key and the root (for keywords these schemas do not
 * use: `$data`, type coercion); the validators only pass them on. They go from the signatures and the calls, and
 * the generator stops if anything still reads them.
 */
function withoutParentData(code: string): string {
  const out = code
    .replaceAll('{instancePath="", parentData, parentDataProperty, rootData=data}={}', '{instancePath=""}={}')
    .replace(/,parentData:\w+,parentDataProperty:(?:"(?:[^"\\]|\\.)*"|\w+),rootData\}/g, '}');
  if (/\b(?:parentData|parentDataProperty|rootData)\b/.test(out))
    throw new Error('unexpected Ajv standalone output: a validator reads parentData, parentDataProperty or rootData');
  return out;
}

/**
 * Ajv names a failed pattern in the error by its source, written out once more beside the `new RegExp` that
 * holds it: the error reads the RegExp's `source` instead where that is the same text (a `/` would come back
 * escaped). The empty flags argument goes too.
 */
function withPatternSources(code: string): string {
  const names = new Map<string, string>();
  const declared = code.replace(
    /const (pattern\d+) = new RegExp(\("(?:[^"\\]|\\.)*"), ""\);/g,
    (declaration, name: string, literal: string) => {
      const source = JSON.parse(literal.slice(1)) as string;
      if (new RegExp(source).source === source) names.set(literal.slice(1), name);
      return `const ${name} = new RegExp${literal});`;
    },
  );
  return declared.replace(/\{pattern: ("(?:[^"\\]|\\.)*")\}/g, (params, literal: string) =>
    names.has(literal) ? `{pattern: ${names.get(literal)}.source}` : params,
  );
}

/** The end of the bracketed expression that starts at `start` (an opening bracket), skipping strings. */
function closingBracket(code: string, start: number): number {
  let depth = 0;
  for (let i = start; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') if (--depth === 0) return i;
  }
  throw new Error('unexpected Ajv standalone output: an unbalanced error object');
}

/** The top-level `key: value` entries of an object literal's inside, or undefined where one is not that simple. */
function entriesOf(inside: string): Array<[string, string]> | undefined {
  const entries: Array<[string, string]> = [];
  let from = 0;
  for (let i = 0; i <= inside.length; i++) {
    const c = inside[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; inside[i] !== c; i++) if (inside[i] === '\\') i++;
    } else if (c === '{' || c === '(' || c === '[') i = closingBracket(inside, i);
    else if (c === ',' || i === inside.length) {
      // Ajv writes the root's instancePath as a shorthand property.
      const entry = /^\s*([A-Za-z]\w*)\s*(?::\s*([\s\S]*?))?\s*$/.exec(inside.slice(from, i));
      if (!entry) return undefined;
      entries.push([entry[1], entry[2] ?? entry[1]]);
      from = i + 1;
    }
  }
  return entries;
}

/**
 * Ajv's error objects rewritten as calls of ERROR_BUILDERS. An error's schemaPath only looks up zod's
 * message (src/primitives/validation.ts), so it is kept only where zod has one. Objects of any
 * other shape (a `propertyName`, say) stay as Ajv wrote them.
 */
function withErrorBuilders(code: string, messages: Readonly<Record<string, string>>): string {
  let out = '';
  let at = 0;
  for (let start = code.indexOf('{instancePath'); start >= 0; start = code.indexOf('{instancePath', at)) {
    const end = closingBracket(code, start);
    const entries = entriesOf(code.slice(start + 1, end));
    const keys = entries?.map(([key]) => key).join();
    const values = Object.fromEntries(entries ?? []);
    let call: string | undefined;
    if (keys === 'instancePath,schemaPath,keyword,params' || keys === 'instancePath,keyword,params') {
      const schemaPath =
        values.schemaPath === undefined || !(JSON.parse(values.schemaPath) in messages) ? undefined : values.schemaPath;
      const type = /^\{\s*type\s*:\s*("\w+")\s*\}$/.exec(values.params);
      if (schemaPath)
        call = `errorWithSchemaPathAt(${values.instancePath}, ${schemaPath}, ${values.keyword}, ${values.params})`;
      else if (values.keyword === '"type"' && type) call = `typeErrorAt(${values.instancePath}, ${type[1]})`;
      else call = `errorAt(${values.instancePath}, ${values.keyword}, ${values.params})`;
    }
    out += code.slice(at, start) + (call ?? code.slice(start, end + 1));
    at = end + 1;
  }
  return out + code.slice(at);
}

/**
 * Ajv's `validateN.errors = [...];return false;`, 155 times in the policy's validator, as one call of `fail`, or of
 * `failAt` and its kin when the one error is a builder's.
 */
function withFailCalls(code: string): string {
  let out = '';
  let at = 0;
  for (const match of code.matchAll(/\b(\w+)\.errors = \[/g)) {
    if (match.index < at) continue;
    const open = match.index + match[0].length - 1;
    const close = closingBracket(code, open);
    if (!code.startsWith(';return false;', close + 1)) continue;
    const only = /^\[(errorAt|errorWithSchemaPathAt|typeErrorAt)\(/.exec(code.slice(open, close + 1));
    const call =
      only && closingBracket(code, open + only[0].length - 1) === close - 1
        ? `${only[1] === 'typeErrorAt' ? 'failTypeAt' : `fail${only[1].slice(5)}`}(${match[1]}, ` +
          code.slice(open + only[0].length, close)
        : `fail(${match[1]}, ${code.slice(open, close + 1)})`;
    out += `${code.slice(at, match.index)}return ${call};`;
    at = close + 1 + ';return false;'.length;
  }
  return out + code.slice(at);
}

/** An assignment to a validator's own error count (`errors++`, `errors = …`), not to a validator's `.errors`. */
const COUNT_CHANGE = /(?<![\w$.])errors(?:\+\+| = )/;

/**
 * Ajv learns whether a keyword failed by comparing its error count with a copy taken before it (`const _errsN =
 * errors;` … `_errsN === errors`), about 160 times in the policy's validator. Without allErrors, an error outside an
 * anyOf, oneOf or if returns at once, so the count changes only through the `errors++` and `errors = …` Ajv writes
 * for those. Where none is written between the copy (or the function's `let errors = 0;`) and the comparison, and
 * no loop around the comparison began after the copy (whose later turns would run code written after it), the
 * comparison is `true`, which the minifier folds away with the branch it guards; copies left unread go too.
 */
function withErrorCountsFolded(code: string): string {
  const declarations = [...code.matchAll(/const (_errs\d+) = errors;|let errors = 0;/g)];
  const loops = [...code.matchAll(/\b(?:for|while)\(/g)].map((loop) => {
    const header = closingBracket(code, loop.index + loop[0].length - 1);
    return { start: loop.index, end: code[header + 1] === '{' ? closingBracket(code, header + 1) : Infinity };
  });
  const folded = code.replace(
    /\b(_errs\d+) === errors\b|\berrors === (_errs\d+|0)\b/g,
    (comparison, left: string | undefined, right: string, at: number) => {
      const copy = left ?? right;
      const declared = copy === '0' ? 'let errors = 0;' : `const ${copy} = errors;`;
      const from = declarations.filter((d) => d.index < at && d[0] === declared).pop()?.index;
      if (from === undefined || COUNT_CHANGE.test(code.slice(from + declared.length, at))) return comparison;
      return loops.some((loop) => loop.start > from && loop.start < at && loop.end > at) ? comparison : 'true';
    },
  );
  return folded.replace(/const (_errs\d+) = errors;/g, (declaration, copy: string) =>
    new RegExp(`\\b${copy}\\b`).test(folded.replaceAll(declaration, '')) ? declaration : '',
  );
}

/**
 * Ajv's flags that say whether the keywords so far passed (`var valid0 = …`, read as `if (valid0)`): once the
 * comparisons above are folded, most are only ever set to `true`. A flag every one of whose assignments is
 * `true` (each has an initial value, so none is read unset) is `true` wherever it is read; the reads become `true`
 * and the assignments go, until no flag is left that way. The minifier then drops the branches.
 */
function withValidFlagsFolded(code: string): string {
  for (let out = code; ;) {
    const assignments = [...out.matchAll(/(?:\b(?:var|let) )?(?<![\w$.])(_?valid\d+) = ([^;]*);/g)];
    const alwaysTrue = new Set(assignments.map(([, flag]) => flag));
    for (const [, flag, value] of assignments) if (value !== 'true') alwaysTrue.delete(flag);
    for (const flag of alwaysTrue) if (new RegExp(`\\b(?:var|let) ${flag}[;,]`).test(out)) alwaysTrue.delete(flag);
    if (alwaysTrue.size === 0) return out;
    out = out
      .replace(/(?:\b(?:var|let) )?(?<![\w$.])(_?valid\d+) = true;/g, (write, flag: string) =>
        alwaysTrue.has(flag) ? '' : write,
      )
      .replace(/(?<![\w$.])_?valid\d+\b/g, (flag) => (alwaysTrue.has(flag) ? 'true' : flag));
  }
}

/** Every schema path that has a zod message, as a string literal in the code, becomes that message's key. */
function withMessageKeys(code: string, keys: ReadonlyMap<string, string>): string {
  return code.replace(/"#\/(?:[^"\\]|\\.)*"/g, (literal) => {
    const key = keys.get(JSON.parse(literal) as string);
    return key === undefined ? literal : JSON.stringify(key);
  });
}

/**
 * Ajv keeps the whole JSON Schema in the code (5 KB for the policy) for a few reads of it: an enum's values for
 * an error's parameters, a `properties` object to ask whether a key is known. Each read becomes its value written
 * out (for the key test, the keys alone), and the schema goes once nothing reads it.
 */
function withSchemaReadsInlined(code: string): string {
  let out = code;
  for (const declaration of code.matchAll(/const (schema\d+) = \{/g)) {
    const name = declaration[1];
    const start = declaration.index + declaration[0].length - 1;
    const end = closingBracket(code, start);
    const schema = JSON.parse(code.slice(start, end + 1)) as unknown;
    const read = new RegExp(`(func\\d+\\.call\\()?\\b${name}((?:\\.[A-Za-z_$][\\w$]*|\\[\\d+\\])+)`, 'g');
    out = out.replace(read, (whole, keyTest: string | undefined, path: string) => {
      let value = schema as Record<string, unknown>;
      for (const [, property, index] of path.matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]/g))
        value = value[property ?? index] as Record<string, unknown>;
      if (value === undefined) throw new Error(`unexpected Ajv standalone output: ${whole} reads nothing`);
      if (!keyTest) return JSON.stringify(value);
      return `${keyTest}${JSON.stringify(Object.fromEntries(Object.keys(value).map((key) => [key, 1])))}`;
    });
    const declared = `const ${name} = ${code.slice(start, end + 1)};`;
    if (new RegExp(`\\b${name}\\b`).test(out.replace(declared, ''))) continue;
    out = out.replace(declared, '');
  }
  return out;
}

/**
 * The generated module for one target: `module.exports = (SHARED_CHECKS) => ({ validate, messages })`.
 * The shared checks and Ajv's runtime helper come in as arguments, so the module imports nothing at all.
 */
export async function generate(target: Target): Promise<GeneratedFiles> {
  const module = (await import(path.join(ROOT, target.source))) as Record<string, unknown>;
  const schema = module[target.exportName];
  if (!(schema instanceof z.ZodType))
    throw new Error(`${target.source} does not export a zod schema named ${target.exportName}`);
  const code = await validatorModule(schema, `${target.exportName} (${target.source})`);
  const checks = path.relative(path.dirname(path.join(ROOT, target.source)), CHECKS_MODULE).replace(/^(?!\.)/, './');
  const validation = path
    .relative(path.dirname(path.join(ROOT, target.source)), path.join(ROOT, 'src/primitives/validation'))
    .replace(/^(?!\.)/, './');
  return {
    code: `${HEADER(target)}"use strict";\n${code}`,
    declaration:
      `${HEADER(target)}declare function createValidator(checks: typeof import('${checks}').SHARED_CHECKS, ` +
      `runtime: typeof import('${validation}').VALIDATOR_RUNTIME): {
  readonly validate: import('${validation}').GeneratedValidator;
  /** zod's messages by the key the failing keyword's error carries as its schemaPath. */
  readonly messages: Readonly<Record<string, string>>;
};
export = createValidator;
`,
  };
}
