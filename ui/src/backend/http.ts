/** The local console's stand-in for the bridge: the same resolver functions over HTTP. */
import type { SettingsBackend } from './types';

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export function createHttpBackend(base: string): SettingsBackend {
  return {
    kind: 'http',
    getContext: () => post(`${base}/context`, {}),
    invoke: (key, payload) => post(`${base}/invoke/${encodeURIComponent(key)}`, payload ?? {}),
    simulateRun: (run) => post(`${base}/simulate-run`, run),
    runRollup: () => post(`${base}/rollup`, {}),
    pushPolicyCommit: (commit) => post(`${base}/policy-push`, commit),
    runPolicyCatchUp: () => post(`${base}/policy-catch-up`, {}),
    replayDeployments: (fixture) => post(`${base}/replay-deployments`, { fixture }),
  };
}
