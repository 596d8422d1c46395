/**
 * The chain: every transform the provider applies, in the order it applies them. This list is the
 * one place that states the order; each transform lives in its own file under src/rules/.
 */
import { branchContext } from './branch-context';
import { branchGate } from './branch-gate';
import { denyImage } from './deny-image';
import { denyPipe } from './deny-pipe';
import { denyScript } from './deny-script';
import { manualTrigger } from './manual-trigger';
import { oidcRole } from './oidc-role';
import { repositoryScope } from './repository-scope';
import { runnerLabels } from './runner-labels';
import { securityScan } from './security-scan';
import { unverifiableIdentity } from './unverifiable-identity';
import { runEngineWith, type EngineResult, type PolicyState, type RunOptions } from '../engine/run';
import type { Transform } from '../engine/types';

export const CHAIN: readonly Transform[] = [
  branchContext, //   1. which branch or tag the run is for
  repositoryScope, // 2. steps that ask for an environment whose scope leaves the repository out
  branchGate, //      3. which environment each step belongs to, and whether that environment may run here
  runnerLabels, //    4. runs-on: the environment's runners and nothing else
  oidcRole, //        5. the environment's AWS role, and no other
  unverifiableIdentity, // 6. what no static reader can follow, in steps with a cloud identity
  manualTrigger, //   7. a person starts the steps of manual environments
  denyImage, //       8. denied images,
  denyPipe, //           pipes
  denyScript, //         and commands
  securityScan, //    9. scan steps first (last in the chain so that nothing above rewrites them)
];

/** The engine with this chain: a provider request and the policy in, the response and a report out. */
export function runEngine(rawRequest: unknown, state: PolicyState, options: RunOptions = {}): EngineResult {
  return runEngineWith(CHAIN, rawRequest, state, options);
}
