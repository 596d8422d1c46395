/**
 * Browser tests of the settings page in the local console. Each suite gets a fresh console and store
 * (e2e/harness.ts); this list states which suites run and in what order. Prints `N passed, N failed`.
 * Screenshots of each main view go to screenshots/ (git-ignored).
 *
 *   npm run test:e2e            CHROMIUM_PATH=/path/to/chromium npm run test:e2e
 *   npm run test:e2e -- core    only the suites named
 */
import { runSuite, type Suite, type TestResult } from './harness';
import { a11y } from './suites/a11y';
import { adminTrust } from './suites/admin-trust';
import { concurrentAdmins } from './suites/concurrent-admins';
import { core } from './suites/core';
import { decisions } from './suites/decisions';
import { forms } from './suites/forms';
import { grants } from './suites/grants';
import { leftovers } from './suites/leftovers';
import { people } from './suites/people';
import { pullrequest } from './suites/pullrequest';
import { policySource } from './suites/policy-source';
import { replay } from './suites/replay';
import { scopes } from './suites/scopes';
import { trust, trustCheck } from './suites/trust';
import { walkthrough } from './suites/walkthrough';

const SUITES: Record<string, Suite> = {
  core,
  scopes,
  trust,
  'trust-check': trustCheck,
  grants,
  forms,
  decisions,
  'admin-trust': adminTrust,
  people,
  walkthrough,
  leftovers,
  'policy-source': policySource,
  a11y,
  pullrequest,
  'concurrent-admins': concurrentAdmins,
  replay,
};

async function main() {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !(name in SUITES));
  if (unknown.length > 0)
    throw new Error(`no such suite: ${unknown.join(', ')} (known: ${Object.keys(SUITES).join(', ')})`);
  const results: TestResult[] = [];
  for (const [name, suite] of Object.entries(SUITES)) {
    if (only.length === 0 || only.includes(name)) results.push(...(await runSuite(name, suite)));
  }
  const failed = results.filter((r) => r.error).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(`The browser tests could not run: ${(error as Error).stack ?? error}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
