/**
 * What every resolver function shares: identity from the Forge context (never the payload), a
 * refusal as `{ ok: false, error }` for the page, and a storage limit as a refusal rather than a throw.
 */
import type { ApiError, ApiResult } from './api';
import { StorageLimitError } from '../storage/kv';
import { identityFromContext, type Identity } from './identity';

export type Handler<T> = (context: unknown, payload: unknown) => Promise<ApiResult<T>>;

/** Thrown by `refuse`; the handler turns it into the page's `{ ok: false, error }`. */
export class Refusal extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

export const refuse = (error: ApiError): never => {
  throw new Refusal(error);
};

export function handler<T>(body: (identity: Identity, payload: unknown) => Promise<T>): Handler<T> {
  return async (context, payload) => {
    const identity = identityFromContext(context);
    if (!identity)
      return {
        ok: false,
        error: {
          code: 'identity',
          message:
            'The request carries no workspace or account in its Forge context, ' +
            'so Pipeline Guard cannot tell who is asking. Reload the page.',
        },
      };
    try {
      return { ok: true, ...(await body(identity, payload)) } as ApiResult<T>;
    } catch (error) {
      if (error instanceof Refusal) return { ok: false, error: error.error };
      if (error instanceof StorageLimitError)
        return { ok: false, error: { code: 'storage', message: `Forge storage refused the write: ${error.message}.` } };
      throw error;
    }
  };
}
