/**
 * The provider entry (src/index.ts) and everything it imports at run time carry no zod and no Ajv:
 * Forge bundles every module the entry reaches into the function that loads on each cold start.
 * Type-only imports are erased and do not count.
 */
import { existsSync, readFileSync } from 'fs';
import path from 'path';

const SRC = path.resolve(__dirname, '../../src');

/** Run-time imports of one file: `import … from`, `export … from`, `import x = require(…)`, `require(…)`. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g)) {
    const [, , typeOnly, clause, specifier] = m;
    if (typeOnly) continue;
    // `import { type A, type B } from` is erased as well.
    const names = /^\{([^}]*)\}$/.exec(clause.trim());
    if (names && names[1].split(',').every((name) => name.trim() === '' || /^type\s/.test(name.trim()))) continue;
    specifiers.push(specifier);
  }
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+\w+\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)/g))
    specifiers.push(m[1]);
  for (const m of text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(m[1]);
  return specifiers;
}

function resolveLocal(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  const found = [base, `${base}.ts`, path.join(base, 'index.ts')].find(
    (candidate) => existsSync(candidate) && !candidate.endsWith(path.sep) && /\.(ts|cjs|js)$/.test(candidate),
  );
  if (!found) throw new Error(`cannot resolve ${specifier} from ${path.relative(SRC, from)}`);
  return found;
}

function reach(entry: string): { files: string[]; packages: Map<string, string[]>; specifiers: Set<string> } {
  const files = new Set<string>();
  const packages = new Map<string, string[]>();
  const specifiers = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) visit(resolveLocal(file, specifier));
      else {
        specifiers.add(specifier);
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        packages.set(name, [...(packages.get(name) ?? []), path.relative(SRC, file)]);
      }
    }
  };
  visit(entry);
  return { files: [...files].map((f) => path.relative(SRC, f)), packages, specifiers };
}

describe('the provider entry', () => {
  const { files, packages, specifiers } = reach(path.join(SRC, 'index.ts'));

  it('reaches the engine and the generated validators (the walk itself works)', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'provider/handler.ts',
        'rules/chain.ts',
        'engine/request.validator.cjs',
        'policy/schema.validator.cjs',
        'storage/stored-policy.validator.cjs',
      ]),
    );
  });

  it('imports no zod and no Ajv at run time', () => {
    expect(packages.get('zod') ?? []).toEqual([]);
    expect(packages.get('ajv') ?? []).toEqual([]);
  });

  it('needs only, for the repository lookup, the REST call of @forge/api (KVS is called without its package)', () => {
    // Run samples are keyed by SHA-256: node:crypto loads on the first sampled run (src/storage/sample-writer.ts).
    expect([...packages.keys()].sort()).toEqual(['@forge/api']);
    // The package's root would bring i18n, permissions and lodash into every cold start; its errors module, twenty
    // error classes for the two src/forge/bitbucket-as-app.ts defines.
    expect([...specifiers].filter((s) => s.startsWith('@forge/api')).sort()).toEqual(['@forge/api/out/safeUrl']);
  });
});
