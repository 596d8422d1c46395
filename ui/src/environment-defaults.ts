/**
 * Ticking "Default environment" on one environment. A policy needs exactly one unscoped default (the
 * catch-all), while each scoped environment may be the default of the repositories it serves. So
 * ticking an unscoped environment unticks the other unscoped defaults and leaves scoped ones alone;
 * ticking a scoped one, or unticking any, touches no other environment.
 */
type Environment = Record<string, unknown>;

const unscoped = (env: unknown) => (env as Environment | undefined)?.scope === undefined;

export function withDefault(environments: readonly unknown[], index: number, checked: boolean): Environment[] {
  const ticked = environments[index];
  return environments.map((env, i) => {
    const copy: Environment = { ...(env as Environment) };
    const keep = i === index ? checked : copy.default === true && !(checked && unscoped(ticked) && unscoped(env));
    if (keep) copy.default = true;
    else delete copy.default;
    return copy;
  });
}
