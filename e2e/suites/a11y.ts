/**
 * Accessibility, weight and speed. axe-core (from node_modules, injected through the DevTools
 * protocol, so no network and no CSP exception) checks every tab, the read-only view, a Preview
 * result with a long block message and a confirmation dialog for serious or critical WCAG 2.1 A/AA
 * violations. In both builds (bytes as built, gzip not counted) the first view's script is weighed
 * against the 300 KB budget and each tab's script beyond the shell against 50 KB (the Decision
 * log's charts left out); "first actionable" (navigation start to the Environments form usable) is
 * printed, not asserted: timing belongs in `npm run bench:page`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { BUILD_DIRS } from '../../dev/build-ui';
import {
  FIRST_ACTIONABLE_PROBE,
  FIRST_VIEW_BUDGET,
  firstActionable,
  firstViewScripts,
  holdBackOthers,
  recordScripts,
  scriptBytes,
  shellScripts,
  TAB_SCRIPT_BUDGET,
} from '../first-view';
import { seriousViolations } from '../axe';
import { invokeOnConsole } from '../console-api';
import { expect, openTab, TIMEOUT, type Suite } from '../harness';

const EXAMPLE_POLICY = readFileSync(path.resolve(__dirname, '../../examples/policy.yaml'), 'utf8');
const TABS = [
  'Environments',
  'YAML',
  'Preview',
  'History',
  'Trust policies',
  'Decision log',
  'Policy tests',
  'Repositories',
  'Runners',
  'Break-glass grants',
  'Policy source',
];

/** Waits until no tab part is still loading (lazy chunks, listings, tables). */
async function settled(page: Page) {
  await page.waitForFunction(() => !document.querySelector('.panel [aria-busy=true], .panel [aria-busy="true"]'));
}

/**
 * Shows what the tab shows once used (a Preview result, a revision, the log with a record's detail, a
 * repository's view, the runner inventory, the grants), and lets it settle.
 */
async function showTabData(page: Page, tab: string, label: string) {
  await settled(page);
  if (tab === 'Environments') await page.getByTestId('scope-summary').first().waitFor();
  if (tab === 'Preview') {
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.getByTestId('preview-result').waitFor();
  }
  if (tab === 'History')
    await page
      .getByRole('button', { name: /^View revision/ })
      .first()
      .waitFor();
  if (tab === 'Decision log') {
    await page.getByTestId('log-summary').waitFor();
    await page.getByTestId('bypass-summary').waitFor();
    await page.getByTestId('charts-freshness').waitFor();
    await page
      .locator('section[aria-labelledby=log-heading] tbody tr')
      .first()
      .getByRole('button', { name: /^Detail of the run/ })
      .click();
    await page.getByTestId('decision-detail').locator('.person').first().waitFor();
  }
  if (tab === 'Repositories') {
    await page.locator('#repo-view-repository option', { hasText: 'acme/payments-api' }).waitFor({ state: 'attached' });
    await page.locator('#repo-view-repository').selectOption({ label: 'acme/payments-api (project PAY)' });
    await page.getByTestId('repository-view').getByText('steps that match no environment run as').waitFor();
  }
  // A member is told the runner inventory is for admins (the server refuses it to them, access.ts).
  if (tab === 'Runners')
    await (
      label === 'member'
        ? page.getByText('The runner inventory is for workspace admins')
        : page.getByTestId('runner-inventory')
    ).waitFor();
  if (tab === 'Break-glass grants')
    await page
      .getByTestId('active-grants')
      .getByRole('row', { name: /INC-4711/ })
      .waitFor();
  await settled(page);
}

/** The page's tabs, which must be the check's own list, so a new tab cannot go unchecked. */
async function expectTabList(page: Page, label: string) {
  const onPage = (await page.getByRole('tab').allInnerTexts()).map((name) => name.trim());
  expect(
    JSON.stringify(onPage) === JSON.stringify(TABS),
    `${label}: the page's tabs are ${onPage.join(', ')}; the check covers ${TABS.join(', ')}`,
  );
}

/** Opens each tab, shows its data, then runs axe on the page. */
async function checkEveryTab(page: Page, label: string) {
  await expectTabList(page, label);
  const found: string[] = [];
  for (const tab of TABS) {
    await openTab(page, tab);
    await showTabData(page, tab, label);
    found.push(...(await seriousViolations(page)).map((v) => `${label} ${tab}: ${v}`));
  }
  return found;
}

/**
 * Each tab's script beyond the shell (first view without its tab, and the editor tools), the
 * charts chunk left out: the page opened afresh for every tab, so no tab rides on another's chunks.
 * The Environments tab's figure is what the first view loads beyond the shell; every other tab's is
 * what opening it and using it loads. Prints each figure; returns the tabs over the budget.
 */
async function tabWeights(page: Page, url: string, buildDir: string, backend: 'http' | 'forge', label: string) {
  const { shell, charts } = shellScripts(buildDir, backend);
  const requested = await recordScripts(page);
  await page.addInitScript(FIRST_ACTIONABLE_PROBE);
  const over: string[] = [];
  const firstActionableTimes: number[] = [];
  for (const tab of TABS) {
    requested.length = 0;
    await page.goto(url);
    firstActionableTimes.push((await firstActionable(page)).ms);
    await expectTabList(page, label);
    await settled(page);
    // The shell is complete once the editor tools have been asked for (they wait until the first tab has shown).
    await waitFor(() => [...shell].every((file) => requested.includes(file)), `${label}: the shell did not load`);
    const shown = requested.length;
    if (tab !== 'Environments') await openTab(page, tab);
    await showTabData(page, tab, label);
    const files = new Set(
      (tab === 'Environments' ? requested : requested.slice(shown)).filter(
        (file) => !shell.has(file) && file !== charts,
      ),
    );
    const bytes = scriptBytes(buildDir, files);
    console.log(`      ${label} ${tab}: ${(bytes / 1024).toFixed(1)} KiB beyond the shell (${files.size} scripts)`);
    if (bytes > TAB_SCRIPT_BUDGET) over.push(`${tab}: ${(bytes / 1024).toFixed(1)} KiB (${[...files].join(', ')})`);
  }
  const sorted = [...firstActionableTimes].sort((a, b) => a - b);
  console.log(
    `      ${label} first actionable (form): median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms ` +
      `over ${sorted.length} loads (${sorted.map((ms) => ms.toFixed(0)).join(', ')})`,
  );
  return over;
}

async function waitFor(condition: () => boolean, message: string) {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 20)))
    expect(Date.now() - started < TIMEOUT, message);
}

/**
 * Forty steps that each pipe a download into a shell (deny-script, enforced): a block message as
 * long as the provider makes one (3,000 characters, then "…and N more"), one violation a line, the
 * first naming a step whose 300-character name cannot wrap, in the Preview's scrollable <pre>.
 */
const LONG_BLOCK_PIPELINE = [
  'image: node:20',
  'pipelines:',
  '  default:',
  ...Array.from({ length: 40 }, (_, i) => [
    '    - step:',
    `        name: ${i === 0 ? `install_${'toolchain_'.repeat(30)}` : `install ${i}`}`,
    '        script:',
    `          - curl -fsSL https://downloads.example.com/${'toolchain-'.repeat(40)}/v${i}/install.sh | sh`,
  ]).flat(),
].join('\n');

/** Previews LONG_BLOCK_PIPELINE and measures the block message's <pre>. */
async function showLongBlockMessage(page: Page) {
  await openTab(page, 'Preview');
  await page.locator('#preview-yaml').fill(LONG_BLOCK_PIPELINE);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  const message = page.getByLabel('The block message a developer sees');
  await message.waitFor();
  await settled(page);
  return message.evaluate((pre) => ({
    lines: (pre.textContent ?? '').split('\n').length,
    longest: Math.max(...(pre.textContent ?? '').split('\n').map((line) => line.length)),
    scrollsDown: pre.scrollHeight > pre.clientHeight,
    scrollsAcross: pre.scrollWidth > pre.clientWidth,
  }));
}

/** Data for the tabs that show it: a logged run, a rollup, deployment events and an active grant. */
async function seedData(page: Page) {
  await openTab(page, 'Decision log');
  await page.getByText('Local console only: simulate a Bitbucket run').click();
  await page.getByRole('button', { name: 'Simulate run' }).click();
  await page.locator('.run-answer').first().waitFor();
  await page.getByText('Local console only: scheduled rollup and deployment events').click();
  await page.getByRole('button', { name: 'Run the hourly rollup now' }).click();
  await page.getByText(/^Rolled up \d+ days\.$/).waitFor();
  await page.getByRole('button', { name: 'Replay deployment events' }).click();
  await page.getByText(/^Replayed \d+ deployment events/).waitFor();
  await openTab(page, 'Break-glass grants');
  await page.locator('#grant-id').fill('INC-4711');
  await page.locator('#grant-repository').fill('payments-api');
  await page.locator('#grant-refs').fill('incident/*');
  await page.getByRole('checkbox', { name: 'prod' }).check();
  await page.locator('#grant-reason').fill('Payment outage, hotfix cannot wait for the release branch');
  await page.getByRole('button', { name: 'Grant', exact: true }).click();
  await page.getByText('Granted INC-4711:').waitFor();
}

export const a11y: Suite = async ({ page, app, context, test, watch, asMember, asForgeBuild }) => {
  await test('the first view loads under 300 KB of script (console build)', async () => {
    const saved = await invokeOnConsole(app, 'savePolicy', { expectedRevision: 0, policyText: EXAMPLE_POLICY });
    expect(saved.ok, 'the example policy was not saved');
    const firstView = firstViewScripts(BUILD_DIRS.http, 'http');
    const hold = await holdBackOthers(page, firstView.files);
    await page.goto(app.url);
    await page.locator('#f-environments-0-name').waitFor();
    const loaded = await hold.loadedBytes();
    hold.release();
    console.log(
      `      first view (console build): ${firstView.files.size} scripts, ` +
        `${(firstView.bytes / 1024).toFixed(1)} KiB as built, ${(loaded / 1024).toFixed(1)} KiB loaded`,
    );
    expect(
      firstView.bytes < FIRST_VIEW_BUDGET,
      `the first view needs ${(firstView.bytes / 1024).toFixed(1)} KiB of script: ${[...firstView.files].join(', ')}`,
    );
    expect(loaded <= firstView.bytes, 'the page loaded first-view scripts twice');
  });

  await test('no serious or critical axe violations on any tab, empty (admin)', async () => {
    const found: string[] = [];
    for (const tab of ['Decision log', 'Break-glass grants']) {
      await openTab(page, tab);
      await settled(page);
      if (tab === 'Decision log') await page.getByTestId('log-summary').getByText('0 records shown').waitFor();
      if (tab === 'Break-glass grants') await page.getByText('Still needed: an id').waitFor();
      found.push(...(await seriousViolations(page)).map((v) => `admin ${tab} (empty): ${v}`));
    }
    expect(found.length === 0, found.join('\n'));
  });

  await test('no serious or critical axe violations on any tab, with data (admin)', async () => {
    await seedData(page);
    const found = await checkEveryTab(page, 'admin');
    expect(found.length === 0, found.join('\n'));
  });

  await test('no serious or critical axe violations on a Preview result with a long block message', async () => {
    // Half a laptop screen: the message's lines wrap until the <pre> scrolls down as well as across.
    await page.setViewportSize({ width: 760, height: 900 });
    try {
      const size = await showLongBlockMessage(page);
      expect(
        size.lines >= 8 && size.longest >= 400 && size.scrollsDown && size.scrollsAcross,
        `the block message is not long in both directions: ${JSON.stringify(size)}`,
      );
      const found = await seriousViolations(page);
      expect(found.length === 0, found.join('\n'));
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  await test('each tab loads at most 50 KB of script beyond the shell (console build)', async () => {
    const other = await context.newPage();
    try {
      watch(other, 'tab weights');
      const over = await tabWeights(other, app.url, BUILD_DIRS.http, 'http', 'console build');
      expect(over.length === 0, `over the ${TAB_SCRIPT_BUDGET / 1024} KiB budget: ${over.join('; ')}`);
    } finally {
      await other.close();
    }
  });

  await test('each tab loads at most 50 KB of script beyond the shell (Forge build)', async () => {
    await asForgeBuild(async (other, url) => {
      const over = await tabWeights(other, url, BUILD_DIRS.forge, 'forge', 'Forge build');
      expect(over.length === 0, `over the ${TAB_SCRIPT_BUDGET / 1024} KiB budget: ${over.join('; ')}`);
    });
  });

  await test('no serious or critical axe violations in a confirmation dialog', async () => {
    await openTab(page, 'Environments');
    await page.locator('#f-mode').selectOption('warn');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('dialog').waitFor();
    const found = await seriousViolations(page);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    expect(found.length === 0, found.join('\n'));
  });

  await test('no serious or critical axe violations on any tab (read-only member)', async () => {
    await asMember(async (other) => {
      const found = await checkEveryTab(other, 'member');
      expect(found.length === 0, found.join('\n'));
    });
  });

  await test('the first view loads under 300 KB of script (Forge build, bridge included)', async () => {
    await asForgeBuild(async (other, url) => {
      const firstView = firstViewScripts(BUILD_DIRS.forge, 'forge');
      const hold = await holdBackOthers(other, firstView.files);
      await other.goto(url);
      await other.locator('#f-environments-0-name').waitFor();
      hold.release();
      console.log(
        `      first view (Forge build, bridge included): ${firstView.files.size} scripts, ` +
          `${(firstView.bytes / 1024).toFixed(1)} KiB`,
      );
      expect(
        firstView.bytes < FIRST_VIEW_BUDGET,
        `the first view needs ${(firstView.bytes / 1024).toFixed(1)} KiB of script: ${[...firstView.files].join(', ')}`,
      );
    });
  });
};
