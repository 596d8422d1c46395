import { isPlainObject } from '../engine/clone';
import type { ChainContext, StepSite, Transform } from '../engine/types';
import type { Environment } from '../policy/schema';

function requestedLabels(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((label) => typeof label === 'string')) return value as string[];
  return undefined;
}

function sameLabels(a: unknown, b: readonly string[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((label, i) => label === b[i]);
}

function runnersText(env: Environment): string {
  if (!env.runner) return `Steps of "${env.name}" run on Atlassian cloud runners and take no runner labels.`;
  const extras = env.runner.extraLabels.length
    ? `a step may also ask for ${env.runner.extraLabels.join(', ')}`
    : 'a step may not ask for any other label';
  return `Pipeline Guard gives steps of "${env.name}" the labels ${env.runner.labels.join(', ')} itself; ${extras}.`;
}

function checkLabel(
  context: ChainContext,
  site: StepSite,
  env: Environment,
  label: string,
  fromGlobal: boolean,
): boolean {
  const folded = label.trim().toLowerCase();
  const own = new Set([...(env.runner?.labels ?? []), ...(env.runner?.extraLabels ?? [])]);
  if (own.has(folded)) return true;
  const outside = context.repository ? context.repository.fullName : "this run's repository";
  const owners = (context.policy.labelOwners.get(folded) ?? [])
    .filter((owner) => owner !== env)
    .map(
      (owner) => `"${owner.name}"${context.environments.includes(owner) ? '' : ` (whose scope leaves ${outside} out)`}`,
    );
  const caseNote = folded !== label ? ` (runner labels are lowercase, so "${label}" is read as "${folded}")` : '';
  const where = fromGlobal ? 'the global `options.runs-on` asks' : 'it asks';
  const whose = owners.length
    ? `which belongs to environment ${owners.join(' and ')}`
    : 'which no environment in the workspace policy provides';
  context.report({
    rule: 'runner-labels',
    severity: owners.length ? 'high' : 'medium',
    site,
    segments: fromGlobal ? ['options', 'runs-on'] : [...site.segments, 'step', 'runs-on'],
    message: `runs in environment "${env.name}", but ${where} for runner label "${label}"${caseNote}, ${whose}.`,
    fix: `Remove "${label}" from \`${fromGlobal ? 'options.runs-on' : 'runs-on'}\`. ${runnersText(env)}`,
  });
  return false;
}

/** Sizes only Atlassian's cloud offers: Bitbucket rejects them on a self-hosted runner step. */
const CLOUD_ONLY_SIZES = new Set(['16x', '32x']);

function checkSize(
  context: ChainContext,
  site: StepSite,
  env: Environment,
  options: Record<string, unknown> | undefined,
): void {
  const own = site.step.size;
  const size = own ?? options?.size;
  if (typeof size !== 'string' || !CLOUD_ONLY_SIZES.has(size)) return;
  context.report({
    rule: 'runner-labels',
    severity: 'medium',
    site,
    segments: own !== undefined ? [...site.segments, 'step', 'size'] : ['options', 'size'],
    message:
      `asks for size ${size}${own === undefined ? ' (from `options.size`)' : ''}, ` +
      'which only Atlassian cloud runners offer, ' +
      `but it runs on the self-hosted runners of "${env.name}", which support at most 8x.`,
    fix: 'Use `size: 8x` or smaller.',
  });
}

export const runnerLabels: Transform = {
  id: 'runner-labels',
  description:
    "Sets each step's `runs-on` to its environment's runner labels plus the extra labels it may ask for, " +
    'and blocks any other label.',
  apply(context) {
    if (context.policy.modeOf('runner-labels') === 'off') return;
    const options = isPlainObject(context.config.options) ? context.config.options : undefined;
    const globalLabels = options ? requestedLabels(options['runs-on']) : undefined;
    const reportedGlobal = new Set<string>();

    for (const site of context.steps) {
      const env = site.environment;
      if (!env) continue;
      const own = requestedLabels(site.step['runs-on']);
      // A child-pipeline step gets no runners of its own, but labels it names must still be its environment's.
      if (site.isChildPipeline && own === undefined) continue;
      const fromGlobal = own === undefined && globalLabels !== undefined;
      const requested = own ?? globalLabels ?? [];
      const extras: string[] = [];
      for (const label of requested) {
        const folded = label.trim().toLowerCase();
        if (env.runner?.labels.includes(folded)) continue;
        if (env.runner?.extraLabels.includes(folded)) {
          if (!extras.includes(folded)) extras.push(folded);
          continue;
        }
        // The global list applies to every step; name each offending label once per environment.
        const key = `${env.name}\u0000${label}`;
        if (fromGlobal && reportedGlobal.has(key)) continue;
        if (fromGlobal) reportedGlobal.add(key);
        checkLabel(context, site, env, label, fromGlobal);
      }
      if (site.isChildPipeline) continue;

      if (!env.runner) {
        if (site.step['runs-on'] !== undefined) {
          delete site.step['runs-on'];
          site.changes.push('runs-on removed (its environment runs on Atlassian cloud runners)');
        }
        continue;
      }
      checkSize(context, site, env, options);
      const final = [...env.runner.labels, ...extras];
      if (!sameLabels(site.step['runs-on'], final)) {
        const before = site.step['runs-on'] === undefined ? 'none' : JSON.stringify(site.step['runs-on']);
        site.step['runs-on'] = final;
        site.changes.push(`runs-on set to [${final.join(', ')}] (was ${before})`);
      }
    }

    // Every step now names its runners itself, so a global default could only widen them.
    if (options && options['runs-on'] !== undefined) {
      delete options['runs-on'];
      context.configChanges.push("options.runs-on removed: every step carries its own environment's labels");
    }
  },
};
