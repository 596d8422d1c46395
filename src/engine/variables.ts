/**
 * The request's `variables` as Pipeline Guard may use them (contract: dynamic-pipelines.md §4.1).
 * Two readings, kept apart on purpose:
 * - templates (`${{NAME}}`, filled in by Bitbucket at parse time): only unsecured REPOSITORY over
 *   WORKSPACE values, and the built-ins, which come from the request's own target and the
 *   repository lookup, never from the list (whoever starts a custom run sets PIPELINE values, and
 *   may name one BITBUCKET_REPO_SLUG);
 * - run-time values (`$NAME` in a command): every value any scope gives the name, since the step
 *   may see any of them; they only ever add findings, never clear one.
 */
import type { RepositoryIdentity } from '../policy/repository';
import type { ProviderRequest, RequestVariable, VariableScope } from './request';

/** `listed`: the whole list came; `truncated`: Bitbucket cut it short; `malformed`: set aside; `absent`: none sent. */
export type VariablesState = 'listed' | 'truncated' | 'malformed' | 'absent';

export type TemplateValue = { readonly value: string } | { readonly reason: string };

export interface RequestVariables {
  readonly state: VariablesState;
  /** Every value the request gives `name`, in any scope (none when the list was set aside). */
  valuesOf(name: string): readonly RequestVariable[];
  /** What Bitbucket puts in place of `${{name}}`, or why Pipeline Guard cannot tell. */
  template(name: string): TemplateValue;
  /** Every variable the request lists, in its order. */
  readonly list: readonly RequestVariable[];
}

export const BUILT_IN_TEMPLATE_VARIABLES = [
  'BITBUCKET_WORKSPACE',
  'BITBUCKET_REPO_SLUG',
  'BITBUCKET_BRANCH',
  'BITBUCKET_COMMIT',
  'BITBUCKET_PR_ID',
] as const;

const SCOPE_WORDS: Record<VariableScope, string> = {
  PIPELINE: 'pipeline',
  REPOSITORY: 'repository',
  WORKSPACE: 'workspace',
  STEP: 'step',
  DEPLOYMENT: 'deployment',
};

/** "repository variable DEPLOY_ROLE (scope REPOSITORY)", for messages. */
export const describeVariable = (variable: RequestVariable): string =>
  `${SCOPE_WORDS[variable.scope]} variable ${variable.key} (scope ${variable.scope})`;

function builtIn(name: string, request: ProviderRequest, repository: RepositoryIdentity | undefined): TemplateValue {
  const target = request.target;
  const lookupOnly =
    `Pipeline Guard knows ${name} only when it has looked the repository up (policies with scoped environments); ` +
    "the request names the repository by UUID only, and Pipeline Guard never takes it from the request's variables";
  switch (name) {
    case 'BITBUCKET_WORKSPACE':
      return repository
        ? { value: repository.fullName.slice(0, repository.fullName.indexOf('/')) }
        : { reason: lookupOnly };
    case 'BITBUCKET_REPO_SLUG':
      return repository ? { value: repository.slug } : { reason: lookupOnly };
    case 'BITBUCKET_BRANCH':
      if (target.type === 'pipeline_pullrequest_target') return { value: target.source };
      if (target.type === 'pipeline_ref_target' && (target.ref_type === 'branch' || target.ref_type === 'named_branch'))
        return { value: target.ref_name };
      return { reason: 'this run is not for a branch' };
    case 'BITBUCKET_COMMIT':
      return target.commit?.hash ? { value: target.commit.hash } : { reason: 'the request names no commit' };
    default:
      return target.type === 'pipeline_pullrequest_target' && target.pullrequest
        ? { value: String(target.pullrequest.id) }
        : { reason: 'this run is not for a pull request' };
  }
}

const EMPTY: readonly RequestVariable[] = [];

export function requestVariables(
  request: ProviderRequest,
  options: { repository?: RepositoryIdentity; malformed?: boolean } = {},
): RequestVariables {
  const list = options.malformed ? EMPTY : (request.variables ?? EMPTY);
  const state: VariablesState = options.malformed
    ? 'malformed'
    : request.variables === undefined
      ? 'absent'
      : request.variables_truncated === true
        ? 'truncated'
        : 'listed';
  let byName: Map<string, RequestVariable[]> | undefined;
  const valuesOf = (name: string): readonly RequestVariable[] => {
    if (!byName) {
      byName = new Map();
      for (const variable of list) {
        const same = byName.get(variable.key);
        if (same) same.push(variable);
        else byName.set(variable.key, [variable]);
      }
    }
    return byName.get(name) ?? EMPTY;
  };
  const fromScope = (name: string, scope: VariableScope): TemplateValue | undefined => {
    const values = new Set(
      valuesOf(name)
        .filter((v) => v.scope === scope)
        .map((v) => v.value),
    );
    if (values.size === 0) return undefined;
    if (values.size > 1)
      return { reason: `the request gives the ${SCOPE_WORDS[scope]} variable ${name} ${values.size} different values` };
    return { value: [...values][0] };
  };
  const template = (name: string): TemplateValue => {
    if ((BUILT_IN_TEMPLATE_VARIABLES as readonly string[]).includes(name))
      return builtIn(name, request, options.repository);
    if (state === 'malformed')
      return {
        reason:
          "the request's `variables` have an unexpected shape, so Pipeline Guard set them aside " +
          `and cannot tell the value of ${name}`,
      };
    if (state === 'absent')
      return { reason: `the request carries no variables, so Pipeline Guard cannot tell the value of ${name}` };
    const repository = fromScope(name, 'REPOSITORY');
    if (repository) return repository;
    // A cut list may have dropped a repository value that would win over a workspace one.
    if (state === 'truncated')
      return {
        reason:
          "Bitbucket cut the request's variable list short (`variables_truncated`), and it holds no repository " +
          `variable ${name}, so a workspace value or none at all cannot be told apart`,
      };
    return (
      fromScope(name, 'WORKSPACE') ?? {
        reason: `the request lists no repository or workspace variable ${name} (secured variables are never filled in)`,
      }
    );
  };
  return { state, valuesOf, template, list };
}

/** `$NAME`, `${NAME}` and `${NAME…}` (`${NAME:-x}`, `${NAME%x}`…): what a command reads at run time. */
const REFERENCE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?=[}:#%/^,@[+=?-])|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * The request variable whose value, used by one of `texts` as `$NAME`, contains `needle`, and the
 * index of that text. Every scope counts: the step may see any of them at run time.
 */
export function variableHolding(
  texts: readonly string[],
  needle: string,
  variables: RequestVariables,
): { index: number; variable: RequestVariable } | undefined {
  if (!variables.list.length) return undefined;
  for (let index = 0; index < texts.length; index++) {
    if (!texts[index].includes('$')) continue;
    for (const match of texts[index].matchAll(REFERENCE)) {
      const variable = variables.valuesOf(match[1] ?? match[2]).find((v) => v.value.includes(needle));
      if (variable) return { index, variable };
    }
  }
  return undefined;
}
