/**
 * The chain: every transform the provider applies, in the order it applies them. This list is the
 * one place that states the order; each transform lives in its own file under src/rules/.
 */
import { branchContext } from '../rules/branch-context';
import { branchGate } from '../rules/branch-gate';
import { denyImage } from '../rules/deny-image';
import { denyPipe } from '../rules/deny-pipe';
import { denyScript } from '../rules/deny-script';
import { manualTrigger } from '../rules/manual-trigger';
import { oidcRole } from '../rules/oidc-role';
import { runnerLabels } from '../rules/runner-labels';
import { securityScan } from '../rules/security-scan';
import type { Transform } from './types';

export const CHAIN: readonly Transform[] = [
  branchContext, // 1. which branch or tag the run is for
  branchGate, //    2. which environment each step belongs to, and whether that environment may run here
  runnerLabels, //  3. runs-on: the environment's runners and nothing else
  oidcRole, //      4. the environment's AWS role, and no other
  manualTrigger, // 5. a person starts the steps of manual environments
  denyImage, //     6. denied images,
  denyPipe, //         pipes
  denyScript, //       and commands
  securityScan, //  7. scan steps first (last in the chain so that nothing above rewrites them)
];
