import { compileGlob } from '../primitives/glob';
import { refOf } from '../engine/ref';
import type { RunRef, Transform } from '../engine/types';
import type { Environment } from '../policy/schema';

/**
 * Whether an environment may run on this ref. A run with no branch (a commit target) proves
 * nothing about where its code came from, so only an environment open to every branch (`**`)
 * accepts it.
 */
export function environmentAllows(env: Environment, ref: RunRef): boolean {
  // Asked once per step, but the answer depends only on the environment and the run's ref.
  let answers = allowsCache.get(ref);
  if (!answers) allowsCache.set(ref, (answers = new Map()));
  let allowed = answers.get(env);
  if (allowed === undefined) answers.set(env, (allowed = computeAllows(env, ref)));
  return allowed;
}

const allowsCache = new WeakMap<RunRef, Map<Environment, boolean>>();

function computeAllows(env: Environment, ref: RunRef): boolean {
  if (ref.kind === 'none') return env.branches.includes('**');
  const patterns = ref.kind === 'branch' ? env.branches : env.tags;
  const allows = (name: string) => patterns.some((pattern) => compileGlob(pattern)(name));
  // A pull-request run builds the destination merged into the source, so code from both branches runs.
  return allows(ref.name!) && (ref.destination === undefined || allows(ref.destination));
}

export function allowedRefsText(env: Environment): string {
  const parts: string[] = [];
  if (env.branches.length) parts.push(`branches ${env.branches.join(', ')}`);
  if (env.tags.length) parts.push(`tags ${env.tags.join(', ')}`);
  return parts.length ? parts.join(' and ') : 'no branch or tag';
}

export const branchContext: Transform = {
  id: 'branch-context',
  description:
    'Works out the branch or tag the run is for: ' +
    'ref targets give it, pull requests give their source branch, commit targets have none.',
  apply(context) {
    context.ref = refOf(context.request.target);
  },
};
