/** A policy's problems, each named by its field. Apart from load.ts (zod) because the provider reports them too. */
import type { Path } from '../primitives/path';
import type { Policy } from './schema';

export interface PolicyProblem {
  readonly path: string;
  readonly segments: Path;
  readonly message: string;
  readonly line?: number;
}

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] };

export function formatPolicyProblems(problems: readonly PolicyProblem[]): string {
  return problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.path}: ${p.message}`).join('\n');
}
