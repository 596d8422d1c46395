/**
 * The settings page's resolver functions, minus Forge: storage comes in through ports, the caller
 * through the Forge context, and every payload is validated before it is used. Each area has its
 * own module; this one builds the stores they share, puts the functions together and guards every
 * one of them with the access table (access.ts). src/forge/resolver.ts registers them with
 * @forge/resolver; the local console calls the very same functions.
 */
import { handler, refuse } from './resolver-handler';
import { createCallerAccess, guardHandlers } from './access';
import { createDecisionHandlers } from './decision-handlers';
import { createGrantHandlers } from './grant-handlers';
import type { AdminCheck, Identity } from './identity';
import { draftFields, parsePayload } from './payloads';
import { createNameLookup, DisplayNamesPayload, type FetchUser } from './people';
import { createPolicyHandlers } from './policy-handlers';
import { createPolicyTestHandlers } from './policy-test-handlers';
import { createPreviewHandlers } from './preview-handlers';
import { createReplayHandlers, type ReplayDependencies } from './replay-handlers';
import { createPolicyReader } from './saved-policy';
import { createScopeHandlers, type HandlerKit, type ScopeDependencies } from './scope-handlers';
import { createTrustCheckHandlers } from './trust-check-handlers';
import { createSourceHandlers, type SourceHandlerDependencies } from './source-handlers';
import { createDecisionQuery } from '../storage/decision-query';
import { ENTITY_DEFINITIONS } from '../storage/entities';
import type { EntityStore } from '../storage/entity-store';
import { grantRunsFromLog } from '../storage/grant-runs';
import { createGrantStore } from '../storage/grant-store';
import type { KeyValueStore } from '../storage/kv';
import { createMemoryEntities } from '../storage/memory-entities';
import { createPolicyRepository } from '../storage/policy-repo';
import { createPolicyTestStore } from '../storage/policy-tests';

export interface HandlerDependencies
  extends ScopeDependencies, ReplayDependencies, Pick<SourceHandlerDependencies, 'bitbucketAsApp' | 'replay' | 'log'> {
  readonly kv: KeyValueStore;
  readonly adminCheck: AdminCheck;
  /** Forge custom entities: the decision log and deployments. Tests may leave it out for an in-memory store. */
  readonly entities?: EntityStore;
  readonly now?: () => Date;
  readonly newId?: () => string;
  /** Bitbucket's users endpoint as the caller; without it, people are shown by account id. */
  readonly fetchUser?: FetchUser;
}

const NOT_AN_ADMIN =
  'Only a workspace admin can change Pipeline Guard settings. You can view the policy, preview pipelines ' +
  'and read the decision log of the repositories you can read; ask a workspace admin to make this change.';

function createPeopleHandlers(fetchUser: FetchUser | undefined) {
  const people = fetchUser ? createNameLookup(fetchUser) : undefined;
  return {
    displayNames: handler<{ names: Record<string, string> }>(async (_identity, payload) => {
      const { accountIds } = parsePayload(DisplayNamesPayload, payload);
      return { names: people ? await people.names(accountIds) : {} };
    }),
  };
}

export function createHandlers(deps: HandlerDependencies) {
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`);
  const access = createCallerAccess(deps);
  // Every part asks the same memo: one admin check per call, however many parts ask.
  const adminCheck = access.isAdmin;
  const requireAdmin = async (identity: Identity) => {
    if (!(await adminCheck(identity))) refuse({ code: 'forbidden', message: NOT_AN_ADMIN });
  };
  const repo = createPolicyRepository(deps.kv);
  const tests = createPolicyTestStore(deps.kv);
  const grants = createGrantStore(deps.kv, repo);
  const reader = createPolicyReader(repo);
  const entities = deps.entities ?? createMemoryEntities(ENTITY_DEFINITIONS);
  const decisionQuery = createDecisionQuery(entities, deps.kv);
  const kit: HandlerKit = {
    handler,
    requireAdmin,
    parsePayload,
    refuse,
    draftFields,
    policyFor: async (input) => {
      const { compiled, source } = await reader.inUse(input);
      return { policy: compiled?.policy, source };
    },
  };

  const replay = createReplayHandlers(deps, {
    ...kit,
    repo,
    savedPolicy: async () => {
      const current = await repo.current();
      const revision =
        current.state === 'none' ? 0 : current.state === 'ok' ? current.record.revision : current.revision;
      return { policy: (await reader.saved()).compiled?.policy, revision };
    },
  });

  const handlers = {
    ...createScopeHandlers(deps, kit),
    ...replay.handlers,
    ...createSourceHandlers(deps),
    ...createTrustCheckHandlers(kit),
    ...createGrantHandlers({ ...deps, adminCheck, access, grantRuns: grantRunsFromLog(decisionQuery) }),
    ...createPolicyHandlers({
      kv: deps.kv,
      repo,
      tests,
      grants,
      reader,
      adminCheck,
      requireAdmin,
      now,
      replayCheck: replay.replayCheck,
    }),
    ...createPolicyTestHandlers({ kv: deps.kv, tests, reader, requireAdmin, now, newId }),
    ...createPreviewHandlers({ reader, grants, access, now }),
    ...createDecisionHandlers({ kv: deps.kv, entities, decisionQuery, repo, access, now }),
    ...createPeopleHandlers(deps.fetchUser),
  };
  return guardHandlers(handlers, adminCheck);
}

export type SettingsHandlers = ReturnType<typeof createHandlers>;
export type HandlerKey = keyof SettingsHandlers;
