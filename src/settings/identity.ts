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

export function identityFromContext(context: unknown): Identity | undefined {
  const parsed = ContextSchema.safeParse(context);
  if (!parsed.success) return undefined;
  const workspaceId = parsed.data.workspaceId ?? parsed.data.extension?.workspace?.uuid;
  return workspaceId ? { workspaceId, accountId: parsed.data.accountId } : undefined;
}
