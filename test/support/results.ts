/** Unwraps a resolver function's answer, failing the test with the answer when it is the other kind. */
import type { ApiError } from '../../src/settings/api';

export const ok = <T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> => {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
};

export const failed = (result: { ok: boolean }): ApiError => {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result).slice(0, 300)}`);
  return (result as unknown as { error: ApiError }).error;
};
