/**
 * The Trust tab's `trustCheck` resolver function: compares the JSON an admin pastes or uploads (what
 * the cloud's CLI printed) with the artifact Pipeline Guard generates for one environment, from the
 * unsaved draft or the saved policy. It reads nothing from a cloud and stores nothing. The workspace
 * UUID comes from the Forge context, never from the payload. createHandlers registers it.
 */
import { z } from 'zod';
import { trustArtifacts } from '../trust/artifacts';
import { checkTrust, TrustCheckInputError } from '../trust/check';
import { TrustPolicyInputError } from '../trust/inputs';
import type { TrustCheckView } from './api';
import type { HandlerKit } from './scope-handlers';

/** Generous for a role or a provider (a few KB each), small enough for one resolver call. */
export const MAX_DEPLOYED_TEXT = 256 * 1024;

/** The draft fields come from the kit untyped (a shared shape); these are their types. */
type Draft = { policy?: unknown; policyText?: string };
const oneDraftAtMost = (value: Draft) => value.policy === undefined || value.policyText === undefined;

const uuids = z.array(z.string().trim().max(40)).max(50).optional();

export function createTrustCheckHandlers(kit: HandlerKit) {
  const payloadSchema = z
    .strictObject({
      workspaceSlug: z.string().trim().min(1, 'the workspace slug is required').max(62),
      environment: z.string().trim().min(1, 'choose an environment').max(100),
      deployed: z
        .array(
          z.strictObject({
            label: z.string().trim().min(1).max(200),
            text: z
              .string()
              .max(MAX_DEPLOYED_TEXT, `each deployed document is limited to ${MAX_DEPLOYED_TEXT / 1024} KiB`),
          }),
        )
        .min(1, 'paste or upload the JSON the cloud printed')
        .max(4),
      repositoryUuids: uuids,
      deploymentEnvironmentUuids: uuids,
      ...kit.draftFields,
    })
    .refine((value) => oneDraftAtMost(value as Draft), { message: 'send `policy` or `policyText`, not both' });

  return {
    trustCheck: kit.handler<TrustCheckView>(async (identity, payload) => {
      const input = kit.parsePayload(payloadSchema, payload);
      const { policy, source } = await kit.policyFor(input as Draft);
      if (!policy)
        return kit.refuse({
          code: 'not-found',
          message: 'There is no policy yet, so there is nothing to compare with. Write and save a policy first.',
        });
      try {
        const [entry] = trustArtifacts(policy, {
          environment: input.environment,
          workspaceSlug: input.workspaceSlug,
          workspaceUuid: identity.workspaceId,
          repositoryUuids: input.repositoryUuids,
          deploymentEnvironmentUuids: input.deploymentEnvironmentUuids,
        });
        return { result: checkTrust(entry, input.deployed), policySource: source };
      } catch (error) {
        if (error instanceof TrustPolicyInputError || error instanceof TrustCheckInputError)
          return kit.refuse({ code: 'invalid-request', message: error.message });
        throw error;
      }
    }),
  };
}
