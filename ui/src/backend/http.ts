/** The local console's stand-in for the bridge: the same resolver functions over HTTP. */
import { postJson } from './post';
import type { SettingsBackend } from './types';

export function createHttpBackend(base: string): SettingsBackend {
  return {
    kind: 'http',
    getContext: () => postJson(`${base}/context`, {}),
    invoke: (key, payload) => postJson(`${base}/invoke/${encodeURIComponent(key)}`, payload ?? {}),
    simulateRun: (run) => postJson(`${base}/simulate-run`, run),
    runRollup: () => postJson(`${base}/rollup`, {}),
    pushPolicyCommit: (commit) => postJson(`${base}/policy-push`, commit),
    runPolicyCatchUp: () => postJson(`${base}/policy-catch-up`, {}),
    replayDeployments: (fixture) => postJson(`${base}/replay-deployments`, { fixture }),
  };
}
