/**
 * Request variables that would choose a step's cloud credentials (AWS_PROFILE, AWS_CONFIG_FILE,
 * GOOGLE_APPLICATION_CREDENTIALS, VAULT_TOKEN…). They cannot override the injected identity: the
 * setup of every OIDC step clears or sets each of them before the step's own commands
 * (src/rules/oidc-setup.ts), whether the request lists them or not. The oidc-role rule records the
 * ones the request does list, so that an admin sees a variable that is steering nothing any more.
 *
 * Variables that route the token exchange (a proxy, another certificate authority) are not cleared: a runners'
 * network may need them, and then an admin sets them for the workspace or repository. Given by whoever starts the
 * run (scope PIPELINE or STEP), they would hand that person the token and the credentials it buys, so the run is
 * blocked.
 */
import { requestsOidc } from '../engine/oidc-request';
import type { ChainContext } from '../engine/types';
import type { RequestVariable } from '../engine/request';
import { describeVariable } from '../engine/variables';
import { providerOf } from '../policy/identity';
import { words } from '../primitives/words';
import { CLEARED, SET } from './oidc-setup';

type Provider = keyof typeof CLEARED;
const CLOUD_NAMES: Record<Provider, string> = { aws: 'AWS', gcp: 'GCP', vault: 'Vault' };

const PROXIES = 'HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy NO_PROXY no_proxy';

/** What routes each cloud's token exchange: proxies its tools honour and the certificate authorities they trust. */
const ROUTING: Record<Provider, readonly string[]> = {
  aws: words(`${PROXIES} AWS_CA_BUNDLE`),
  gcp: words(`${PROXIES} CLOUDSDK_PROXY_TYPE CLOUDSDK_PROXY_ADDRESS CLOUDSDK_PROXY_PORT CLOUDSDK_PROXY_USERNAME
    CLOUDSDK_PROXY_PASSWORD CLOUDSDK_PROXY_RDNS CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE`),
  vault: words(`${PROXIES} VAULT_PROXY_ADDR VAULT_HTTP_PROXY VAULT_CACERT VAULT_CAPATH VAULT_CACERT_BYTES
    VAULT_TLS_SERVER_NAME`),
};

/** Scopes whose values come from whoever starts the run or writes the file, not from an admin's settings. */
const RUN_SCOPES: ReadonlySet<string> = new Set(['PIPELINE', 'STEP']);

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
    if (RUN_SCOPES.has(variable.scope)) reportRouting(context, variable, clouds);
    const provider = STEERING.get(variable.key);
    if (!provider || !clouds.has(provider)) continue;
    const cleared = CLEARED[provider].includes(variable.key);
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

function reportRouting(context: ChainContext, variable: RequestVariable, clouds: ReadonlySet<Provider>): void {
  const routed = [...clouds].filter((provider) => ROUTING[provider].includes(variable.key));
  if (!routed.length) return;
  const names = routed.map((provider) => CLOUD_NAMES[provider]).join(' and ');
  context.report({
    rule: 'oidc-role',
    severity: 'high',
    segments: ['variables', variable.key],
    message:
      `the ${describeVariable(variable)} would route the ${names} token exchange of the steps that get an OIDC ` +
      'token (through a proxy, or trusting another certificate authority). Whoever starts a run sets such a ' +
      'variable, and it would hand them the token and the credentials it buys.',
    fix:
      `Start the run without ${variable.key}. If the runners' network needs a proxy or a private certificate ` +
      'authority, a workspace or repository admin sets it as a workspace or repository variable.',
    // Nothing can be taken out of the step to make this safe, so warn mode blocks it too.
    mode: context.policy.modeOf('oidc-role') === 'warn' ? 'enforce' : undefined,
  });
}
