/**
 * Imports point one way: entries -> provider, settings and cli -> services (storage, simulate, trust)
 * -> rules -> engine -> policy -> primitives. A module may import its own folder or any folder below
 * it, never one above or beside it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../src');

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

function layerOf(file: string): string {
  const relative = path.relative(SRC, file).split(path.sep);
  return relative.length === 1 ? '(entry)' : relative[0];
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'";]*?from\s*'(\.[^']+)'/g), ...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)].map((m) => path.resolve(path.dirname(file), m[1]));
}

describe('layers', () => {
  const files = sources(SRC);

  it('knows the rank of every source folder', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((layer) => !(layer in RANK));
    expect(unknown).toEqual([]);
  });

  it('has no import that points up or sideways', () => {
    const violations = files.flatMap((file) => {
      const from = layerOf(file);
      return importsOf(file)
        .filter((target) => target.startsWith(SRC))
        .map((target) => layerOf(target.endsWith('.ts') ? target : `${target}.ts`))
        .filter((to) => to !== from && RANK[to] >= RANK[from])
        .map((to) => `${path.relative(SRC, file)} (${from}) imports ${to}`);
    });
    expect(violations).toEqual([]);
  });

  it('catches an upward import (the check itself works)', () => {
    expect(RANK.engine < RANK.rules && RANK.policy < RANK.engine && RANK.primitives < RANK.policy).toBe(true);
    const engineRun = path.join(SRC, 'engine/run.ts');
    expect(importsOf(engineRun).some((target) => layerOf(`${target}.ts`) === 'policy')).toBe(true);
  });
});
