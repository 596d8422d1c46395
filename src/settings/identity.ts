/**
 * Who is calling, taken from the Forge context and nothing else: a payload is typed by the
 * browser, so a workspace or account id in it proves nothing.
 */
import * as z from 'zod';

export interface Identity {
  readonly workspaceId: string;
  readonly accountId: string;
}

/** True when the caller may change the policy (a workspace admin). */
export type AdminCheck = (identity: Identity) => Promise<boolean>;

/** Brace UUIDs, slugs or ids; never a `/`, which would change the Bitbucket API path it is put in. */
const id = z.string().regex(/^[A-Za-z0-9{}_.:-]{1,200}$/);

const ContextSchema = z.looseObject({
  workspaceId: id.optional(),
  accountId: id,
  extension: z.looseObject({ workspace: z.looseObject({ uuid: id.optional() }).optional() }).optional(),
});

/**
 * One identity object per Forge context object, that is per call: what is asked about the caller
 * (admin or not, which repositories they can read) is cached on it for the call and no longer.
 */
const identities = new WeakMap<object, Identity>();

export function identityFromContext(context: unknown): Identity | undefined {
  const known = typeof context === 'object' && context !== null ? identities.get(context) : undefined;
  if (known) return known;
  const parsed = ContextSchema.safeParse(context);
  if (!parsed.success) return undefined;
  const workspaceId = parsed.data.workspaceId ?? parsed.data.extension?.workspace?.uuid;
  if (!workspaceId) return undefined;
  const identity: Identity = { workspaceId, accountId: parsed.data.accountId };
  identities.set(context as object, identity);
  return identity;
}
