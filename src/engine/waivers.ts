/**
 * Which break-glass grant, if any, waives a rule for a step. A grant applies to a run only when
 * all of these hold, judged on what Bitbucket and storage say and never on the pipeline file:
 * - the clock at run time is before its expiry (and within 24 hours of it), never storage's TTL;
 * - the run's repository is the grant's: the request's repository UUID is the grant's
 *   `repositoryUuid` (grants made on the settings page), or, for a grant that names only a slug (a
 *   grants file, or one stored before UUIDs were recorded), the resolved repository has that slug;
 * - the run's ref matches one of its globs: a branch one of its branch globs (a pull request: both
 *   branches, as Bitbucket builds them merged), a tag one of its `tag:` globs; a commit target never
 *   matches, since it proves no ref;
 * - when it names creators, the request's `creator` is one of them.
 * It then waives only the rules it names, and only for the environments it names.
 */
import { compileGlob } from '../primitives/glob';
import { grantRef, instantMs, MAX_GRANT_MS, type Grant, type WaivableRuleId } from '../policy/grant-guard';
import type { RepositoryIdentity } from '../policy/repository';
import type { RunRef } from './types';
import { bareUuid } from '../primitives/uuid';

export interface WaiverInput {
  readonly grants: readonly Grant[];
  readonly now: Date;
  /** The repository as the provider resolved it (scoped policies, or grants that carry only a slug). */
  readonly repository?: RepositoryIdentity;
  /** The request's `repository` UUID, which grants made on the settings page are matched on. */
  readonly repositoryUuid?: string;
  readonly creator?: string;
}

/** Whether the grant is for this run's repository: by UUID when it carries one, else by the resolved slug. */
function sameRepository(grant: Grant, input: WaiverInput): boolean {
  if (grant.repositoryUuid !== undefined)
    return input.repositoryUuid !== undefined && bareUuid(input.repositoryUuid) === bareUuid(grant.repositoryUuid);
  return input.repository !== undefined && input.repository.slug === grant.repository;
}

/** Why a grant does not apply to this run, or undefined when it does. */
export function grantMismatch(grant: Grant, input: WaiverInput, ref: RunRef): string | undefined {
  const now = input.now.getTime();
  const expires = instantMs(grant.expires);
  if (Number.isNaN(expires) || now >= expires) return `it expired at ${grant.expires}`;
  if (expires - now > MAX_GRANT_MS) return 'its expiry is more than 24 hours away';
  // A grant opens nothing before it was made: a run (or a --now) before grantedAt is not covered.
  const from = grant.grantedAt !== undefined ? instantMs(grant.grantedAt) : Number.NaN;
  if (now < from) return `it applies only from ${grant.grantedAt}, when it was granted`;
  if (grant.repositoryUuid === undefined && !input.repository) return "the run's repository is not known";
  if (!sameRepository(grant, input))
    return (
      `it is for repository ${grant.repository}` +
      `${grant.repositoryUuid !== undefined ? ` (${grant.repositoryUuid})` : ''}, ` +
      `not ${input.repository?.slug ?? input.repositoryUuid ?? 'this one'}`
    );
  if (ref.kind === 'none') return `${ref.description} proves no branch or tag`;
  // Branch globs match branches (a pull request: both of its branches), `tag:` globs match tags.
  const globs = grant.refs
    .map(grantRef)
    .filter((entry) => entry.kind === ref.kind)
    .map((entry) => compileGlob(entry.glob));
  const matches = (name: string) => globs.some((glob) => glob(name));
  if (!matches(ref.name!) || (ref.destination !== undefined && !matches(ref.destination)))
    return (
      `${ref.description} matches none of its refs ${grant.refs.join(', ')}` +
      `${ref.kind === 'tag' && globs.length === 0 ? ' (a tag is matched only by a tag:GLOB entry)' : ''}`
    );
  if (
    grant.creators &&
    !(input.creator !== undefined && grant.creators.some((c) => c.toLowerCase() === input.creator!.toLowerCase()))
  )
    return 'the run was not started by one of its creators';
  return undefined;
}

export interface Waivers {
  /** The grant that waives `rule` for a step of `environment` on this run, if any; recorded as used. */
  waiverFor(rule: WaivableRuleId, environment: string, ref: RunRef): Grant | undefined;
  /**
   * Why the grants that would waive `rule` for `environment` do not apply to this run, in one
   * sentence for the block message; undefined when no grant names them.
   */
  missed(rule: WaivableRuleId, environment: string, ref: RunRef): string | undefined;
  /** Ids of the grants that waived something on this run, in the order first used. */
  readonly used: readonly string[];
}

export function createWaivers(input: WaiverInput): Waivers {
  const used: string[] = [];
  const applicable = new WeakMap<RunRef, readonly Grant[]>();
  return {
    used,
    waiverFor(rule, environment, ref) {
      if (input.grants.length === 0) return undefined;
      let grants = applicable.get(ref);
      if (!grants)
        applicable.set(ref, (grants = input.grants.filter((grant) => grantMismatch(grant, input, ref) === undefined)));
      const grant = grants.find((g) => g.rules.includes(rule) && g.environments.includes(environment));
      if (grant && !used.includes(grant.id)) used.push(grant.id);
      return grant;
    },
    missed(rule, environment, ref) {
      // Only this repository's grants: another team's incident is none of this run's business.
      const reasons = input.grants
        .filter((g) => sameRepository(g, input) && g.rules.includes(rule) && g.environments.includes(environment))
        .map((g) => `${g.id} (${grantMismatch(g, input, ref) ?? 'it applies'})`);
      return reasons.length
        ? `Break-glass grant${reasons.length === 1 ? '' : 's'} for "${environment}" ` +
            `${reasons.length === 1 ? 'does' : 'do'} not apply to this run: ${reasons.join('; ')}.`
        : undefined;
    },
  };
}
