/**
 * Request variables that would choose a step's cloud credentials (AWS_PROFILE, AWS_CONFIG_FILE,
 * GOOGLE_APPLICATION_CREDENTIALS, VAULT_TOKEN…). They cannot override the injected identity: the
 * setup of every OIDC step clears or sets each of them before the step's own commands
 * (src/rules/oidc-setup.ts), whether the request lists them or not. The oidc-role rule records the
 * ones the request does list, so that an admin sees a variable that is steering nothing any more.
 */
import { requestsOidc } from '../engine/oidc-request';
import type { ChainContext } from '../engine/types';
import { describeVariable } from '../engine/variables';
import { providerOf } from '../policy/identity';
import { CLEARED, SET } from './oidc-setup';

type Provider = keyof typeof CLEARED;
const CLOUD_NAMES: Record<Provider, string> = { aws: 'AWS', gcp: 'GCP', vault: 'Vault' };

const STEERING = new Map<string, Provider>(
  (Object.keys(CLEARED) as Provider[]).flatMap((provider) =>
    [...CLEARED[provider], ...SET[provider]].map((name) => [name, provider] as const),
  ),
);

export function reportSteeringVariables(context: ChainContext): void {
  const list = context.variables.list;
  if (!list.length) return;
  // Only clouds that a step of this run gets a token for: elsewhere no setup runs and nothing is overridden.
  const clouds = new Set<Provider>();
  for (const site of context.steps)
    if (!site.injected && site.environment?.oidc && requestsOidc(site.step, context.config))
      clouds.add(providerOf(site.environment.oidc));
  if (!clouds.size) return;
  for (const variable of list) {
    const provider = STEERING.get(variable.key);
    if (!provider || !clouds.has(provider)) continue;
    const cleared = (CLEARED[provider] as readonly string[]).includes(variable.key);
    context.report({
      rule: 'oidc-role',
      mode: 'warn',
      severity: 'low',
      segments: ['variables', variable.key],
      message:
        `the ${describeVariable(variable)} would choose the ${CLOUD_NAMES[provider]} credentials of the steps ` +
        `that see it. Pipeline Guard's setup ${cleared ? 'clears it' : "sets it to the environment's own value"} ` +
        'before the commands of every step that asks for an OIDC token, so it does not change their identity; ' +
        'steps without `oidc` still see it.',
      fix:
        `Remove ${variable.key} from the ${variable.scope.toLowerCase()} variables unless steps without \`oidc\` ` +
        "need it; Pipeline Guard sets up each OIDC step's identity itself.",
    });
  }
}
