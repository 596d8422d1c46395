/**
 * Imports point one way: entries -> provider, settings and cli -> services (storage, simulate, trust)
 * -> rules -> engine -> policy -> primitives. A module may import its own folder or any folder below
 * it, never one above or beside it.
 *
 * The settings page (ui/src) reaches the engine only through the settings API's types and the shared
 * validation modules: a run-time import from src/ must be one of SHARED_AT_RUN_TIME (it is bundled
 * into the page), and a type-only import one of the modules in TYPES_FOR_THE_PAGE (erased at build).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/** Higher imports lower. Folders on one rank may not import each other. */
const RANK: Record<string, number> = {
  primitives: 0,
  yaml: 0.5,
  policy: 1,
  engine: 2,
  rules: 3,
  storage: 4,
  simulate: 4,
  trust: 4,
  pullrequest: 4.5,
  provider: 5,
  prcheck: 5.5,
  settings: 6,
  cli: 6,
  forge: 7,
  '(entry)': 8,
};

/** Modules of src/ the page runs itself: validation, formatting and YAML shared with the server. */
const SHARED_AT_RUN_TIME = new Set([
  'src/primitives/glob',
  'src/primitives/path',
  'src/yaml/document',
  'src/policy/grants',
  'src/policy/load',
  'src/policy/rule-ids',
  'src/policy/schema',
  'src/policy/scope',
  'src/policy/text',
  'src/policy/warnings',
  'src/policy/weakening',
  'src/simulate/diff',
]);

/** Modules of src/ whose types describe what the resolver functions answer. */
const TYPES_FOR_THE_PAGE = new Set([
  'src/settings/api',
  'src/settings/bitbucket-rest',
  'src/settings/grants-api',
  'src/settings/scope-api',
  'src/engine/request',
  'src/policy/repository',
  'src/policy/schema',
  'src/simulate/simulate',
  'src/storage/bypass',
  'src/storage/decision-query',
  'src/storage/policy-tests',
  // The pull-request panel's and file viewer's own resolver (a page of its own, not the settings page).
  'src/prcheck/views',
]);

interface ImportEdge {
  /** Resolved, relative to the project root, without extension: `src/policy/load`. */
  readonly target: string;
  readonly typeOnly: boolean;
}

interface SourceFile {
  /** Relative to the project root, with `/`: `src/engine/run.ts`. */
  readonly file: string;
  readonly text: string;
}

/** Relative imports and re-exports of a file, static and dynamic, with whether they are type-only. */
function importsOf({ file, text }: SourceFile): ImportEdge[] {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteralLike(specifier) || !specifier.text.startsWith('.')) return;
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier.text));
    edges.push({ target: resolved.replace(/\.(tsx?|cjs|js)$/, ''), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const namedTypesOnly =
        !!bindings && ts.isNamedImports(bindings) && bindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, !!clause && (clause.isTypeOnly || (!clause.name && namedTypesOnly)));
    } else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function layerOf(module: string): string {
  const parts = module.split('/').slice(1);
  return parts.length === 1 ? '(entry)' : parts[0];
}

/** src/ files importing a folder above or beside their own. */
function srcViolations(files: readonly SourceFile[]): string[] {
  return files.flatMap((source) => {
    const from = layerOf(source.file);
    return importsOf(source)
      .filter((edge) => edge.target.startsWith('src/'))
      .map((edge) => layerOf(edge.target))
      .filter((to) => to !== from && RANK[to] >= RANK[from])
      .map((to) => `${source.file} (${from}) imports ${to}`);
  });
}

/** ui/src files reaching into src/ other than through the shared modules and the API's types. */
function uiViolations(files: readonly SourceFile[]): string[] {
  return files.flatMap((source) =>
    importsOf(source)
      .filter((edge) => edge.target.startsWith('src/'))
      .flatMap((edge) => {
        if (SHARED_AT_RUN_TIME.has(edge.target)) return [];
        if (edge.typeOnly && TYPES_FOR_THE_PAGE.has(edge.target)) return [];
        return [
          edge.typeOnly
            ? `${source.file} imports types from ${edge.target}, which is not one of the page's API types`
            : `${source.file} imports ${edge.target} at run time, which is not a module shared with the page`,
        ];
      }),
  );
}

function sources(dir: string): SourceFile[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const relative = `${dir}/${name}`;
    if (statSync(path.join(ROOT, relative)).isDirectory()) return sources(relative);
    if (!/\.tsx?$/.test(name) || name.endsWith('.d.ts')) return [];
    return [{ file: relative, text: readFileSync(path.join(ROOT, relative), 'utf8') }];
  });
}

describe('layers', () => {
  const src = sources('src');
  const ui = sources('ui/src');

  it('knows the rank of every source folder', () => {
    const layers = new Set(src.map((f) => layerOf(f.file.replace(/\.tsx?$/, ''))));
    const unknown = [...layers].filter((layer) => !(layer in RANK));
    expect(unknown).toEqual([]);
  });

  it('has no import that points up or sideways', () => {
    expect(src.length).toBeGreaterThan(100);
    expect(srcViolations(src)).toEqual([]);
  });

  it('lets the page reach src/ only through the shared modules and the API types', () => {
    expect(ui.length).toBeGreaterThan(30);
    expect(uiViolations(ui)).toEqual([]);
  });

  it('lists only modules that exist', () => {
    const existing = new Set(src.map((f) => f.file.replace(/\.tsx?$/, '')));
    expect([...SHARED_AT_RUN_TIME, ...TYPES_FOR_THE_PAGE].filter((module) => !existing.has(module))).toEqual([]);
  });

  describe('the check itself (planted imports in an in-memory module graph)', () => {
    it('flags an upward and a sideways import, and accepts downward ones', () => {
      const planted: SourceFile[] = [
        { file: 'src/engine/run.ts', text: "import { c } from '../rules/oidc-role';\nimport { x } from './x';" },
        { file: 'src/storage/store.ts', text: "export { simulate } from '../simulate/simulate';" },
        { file: 'src/policy/load.ts', text: "const lazy = () => import('../engine/run');" },
        {
          file: 'src/rules/ok.ts',
          text: "import type { P } from '../policy/schema';\nimport { g } from '../primitives/glob';",
        },
        { file: 'src/index.ts', text: "import { createProvider } from './provider/handler';" },
      ];
      expect(srcViolations(planted)).toEqual([
        'src/engine/run.ts (engine) imports rules',
        'src/storage/store.ts (storage) imports simulate',
        'src/policy/load.ts (policy) imports engine',
      ]);
    });

    it('flags the page importing engine code or types beyond the API, and accepts the shared modules', () => {
      const planted: SourceFile[] = [
        { file: 'ui/src/tabs/X.tsx', text: "import { createHandlers } from '../../../src/settings/handlers';" },
        { file: 'ui/src/y.ts', text: "import { type PolicyView, apiVersion } from '../../src/settings/api';" },
        { file: 'ui/src/z.ts', text: "import type { Grant } from '../../src/policy/grant-guard';" },
        {
          file: 'ui/src/ok.tsx',
          text:
            "import type { PolicyView } from '../../src/settings/api';\n" +
            "import { type ApiError } from '../../src/settings/api';\n" +
            "import { validatePolicy } from '../../src/policy/load';\nimport { call } from './api';",
        },
      ];
      expect(uiViolations(planted)).toEqual([
        'ui/src/tabs/X.tsx imports src/settings/handlers at run time, which is not a module shared with the page',
        'ui/src/y.ts imports src/settings/api at run time, which is not a module shared with the page',
        "ui/src/z.ts imports types from src/policy/grant-guard, which is not one of the page's API types",
      ]);
    });
  });
});
