/**
 * What a previewed run is for, as the target picker holds it; apart from the picker so the page shell
 * does not load it.
 */
import type { RequestVariable, VariableScope } from '../../src/engine/request';

export interface TargetForm {
  readonly kind: 'branch' | 'tag' | 'pullrequest' | 'custom' | 'commit';
  readonly name: string;
  readonly destination: string;
  readonly customRef: string;
  /** The request's `variables`, one `KEY=VALUE` per line (a repository variable), or `SCOPE: KEY=VALUE`. */
  readonly variables?: string;
}

export const DEFAULT_TARGET: TargetForm = {
  kind: 'branch',
  name: 'main',
  destination: 'main',
  customRef: 'main',
  variables: '',
};

const SCOPES: readonly VariableScope[] = ['PIPELINE', 'REPOSITORY', 'WORKSPACE', 'STEP', 'DEPLOYMENT'];
const LINE = /^(?:([A-Za-z]+)\s*:\s*)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** The variables a form's text lists, and a problem for each line that is not `[SCOPE:] KEY=VALUE`. */
export function variablesOf(text: string | undefined): { variables: RequestVariable[]; problems: string[] } {
  const variables: RequestVariable[] = [];
  const problems: string[] = [];
  (text ?? '').split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const match = LINE.exec(line);
    const scope = (match?.[1] ?? 'REPOSITORY').toUpperCase() as VariableScope;
    if (!match || !SCOPES.includes(scope))
      problems.push(`line ${index + 1}: write KEY=VALUE, or SCOPE: KEY=VALUE with SCOPE one of ${SCOPES.join(', ')}`);
    else variables.push({ key: match[2], value: match[3], scope });
  });
  return { variables, problems };
}
