/**
 * The settings page's scope actions: Bitbucket listings for the scope pickers (as the user), the
 * runner inventory, and the admin's "refresh repository cache". Registered by createHandlers next to
 * the policy actions and sharing their wrapper: identity from the Forge context, payloads validated,
 * refusals as `{ ok: false }`, writes re-checked for admin.
 */
import * as z from 'zod';
import { RepositoryIdentitySchema } from '../policy/repository-schema';
import type { Policy } from '../policy/schema';
import type { RepositoryIdentity } from '../policy/repository';
import type { ApiError } from './api';
import { BitbucketRestError, createBitbucketListings, type BitbucketGet } from './bitbucket-rest';
import type { Handler } from './resolver-handler';
import type { Identity } from './identity';
import { buildRunnerInventory } from './runner-inventory';
import type { ProjectsView, RefreshedRepositoryView, RepositoriesView, RunnerInventoryView } from './scope-api';

/** Re-reads one repository from Bitbucket (as the app) into the provider's cache, and returns what it read. */
export type RepositoryRefresher = (workspaceId: string, repositoryUuid: string) => Promise<RepositoryIdentity>;

export interface ScopeDependencies {
  /** Bitbucket REST as the user at the page. */
  readonly bitbucket?: BitbucketGet;
  readonly refreshRepository?: RepositoryRefresher;
}

/** What the policy handlers lend the scope handlers, so both behave the same. */
export interface HandlerKit {
  handler<T>(body: (identity: Identity, payload: unknown) => Promise<T>): Handler<T>;
  requireAdmin(identity: Identity): Promise<void>;
  parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S>;
  refuse(error: ApiError): never;
  /** The unsaved draft when the payload carries one, else the saved policy (undefined: none saved). */
  policyFor(input: { policy?: unknown; policyText?: string }): Promise<{ policy: Policy | undefined; source: string }>;
  readonly draftFields: z.ZodRawShape;
}

/** A repository's `{…}` UUID, as Bitbucket writes it. */
export const REPOSITORY_UUID = /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;

/** A repository the page picked from Bitbucket's list, sent back with a preview. */
export const RepositoryPayloadSchema = RepositoryIdentitySchema;

export function createScopeHandlers(deps: ScopeDependencies, kit: HandlerKit) {
  /** Listings take nothing: a workspace in the payload is refused rather than ignored. */
  const none = z.strictObject({});
  const inventoryPayload = z
    .strictObject(kit.draftFields)
    .refine(
      (v: { policy?: unknown; policyText?: unknown }) => v.policy === undefined || v.policyText === undefined,
      'send `policy` or `policyText`, not both',
    );
  const refreshPayload = z.strictObject({
    repositoryUuid: z.string().regex(REPOSITORY_UUID, 'not a repository UUID ({…})'),
  });

  const listings = (identity: Identity) => {
    if (!deps.bitbucket)
      return kit.refuse({ code: 'bitbucket', message: 'This installation cannot reach Bitbucket for listings.' });
    return createBitbucketListings(deps.bitbucket, identity.workspaceId);
  };

  /** Bitbucket's refusals and odd answers reach the page as a message, never as a crash. */
  const fromBitbucket = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof BitbucketRestError) return kit.refuse({ code: 'bitbucket', message: error.message });
      throw error;
    }
  };

  return {
    bitbucketProjects: kit.handler<ProjectsView>(async (identity, payload) => {
      kit.parsePayload(none, payload);
      const listing = await fromBitbucket(() => listings(identity).projects());
      return { projects: listing.items, truncated: listing.truncated };
    }),

    bitbucketRepositories: kit.handler<RepositoriesView>(async (identity, payload) => {
      kit.parsePayload(none, payload);
      const listing = await fromBitbucket(() => listings(identity).repositories());
      return { repositories: listing.items, truncated: listing.truncated };
    }),

    runnerInventory: kit.handler<RunnerInventoryView>(async (identity, payload) => {
      const input = kit.parsePayload(inventoryPayload, payload) as { policy?: unknown; policyText?: string };
      const { policy, source } = await kit.policyFor(input);
      const listing = await fromBitbucket(() => listings(identity).runners());
      return {
        inventory: buildRunnerInventory(policy?.environments ?? [], listing.items),
        truncated: listing.truncated,
        policySource: source,
      };
    }),

    refreshRepository: kit.handler<RefreshedRepositoryView>(async (identity, payload) => {
      await kit.requireAdmin(identity);
      const { repositoryUuid } = kit.parsePayload(refreshPayload, payload);
      if (!deps.refreshRepository)
        return kit.refuse({ code: 'bitbucket', message: 'This installation has no repository cache to refresh.' });
      try {
        return { repository: await deps.refreshRepository(identity.workspaceId, repositoryUuid) };
      } catch (error) {
        return kit.refuse({
          code: 'bitbucket',
          message:
            `The repository ${repositoryUuid} could not be read again from Bitbucket: ${(error as Error).message}. ` +
            'The cached entry is unchanged; try again in a minute.',
        });
      }
    }),
  };
}
