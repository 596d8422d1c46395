/**
 * Accessibility and weight. axe-core (from node_modules, injected through the DevTools protocol, so
 * no network and no CSP exception) checks every tab, the read-only view and a confirmation dialog
 * for serious or critical WCAG 2.1 A/AA violations. The first view's script is weighed in both
 * builds against the 300 KB budget (bytes as built, gzip not counted).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { BUILD_DIRS } from '../../dev/build-ui';
import { FIRST_VIEW_BUDGET, firstViewScripts, holdBackOthers } from '../first-view';
import { expect, openTab, type Suite } from '../harness';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
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

interface AxeViolation {
  id: string;
  impact?: string;
  help: string;
  nodes: { target: string[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = (await page.evaluate(() =>
    (
      window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe
      .run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        resultTypes: ['violations'],
      })
      .then((r) => r.violations),
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join('; ')}`,
    );
}

/** Waits until no tab part is still loading (lazy chunks, listings, tables). */
async function settled(page: Page) {
  await page.waitForFunction(() => !document.querySelector('.panel [aria-busy=true], .panel [aria-busy="true"]'));
}

/**
 * Opens each tab, lets it settle with its data shown (a Preview result, a repository's view, the
 * runner inventory, the grants, the log with a record's detail), then runs axe on the page. The
 * tab list must be the page's own, so a new tab cannot go unchecked.
 */
async function checkEveryTab(page: Page, label: string) {
  const onPage = (await page.getByRole('tab').allInnerTexts()).map((name) => name.trim());
  expect(
    JSON.stringify(onPage) === JSON.stringify(TABS),
    `${label}: the page's tabs are ${onPage.join(', ')}; the check covers ${TABS.join(', ')}`,
  );
  const found: string[] = [];
  for (const tab of TABS) {
    await openTab(page, tab);
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
      await page
        .locator('#repo-view-repository option', { hasText: 'acme/payments-api' })
        .waitFor({ state: 'attached' });
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
    found.push(...(await seriousViolations(page)).map((v) => `${label} ${tab}: ${v}`));
  }
  return found;
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

export const a11y: Suite = async ({ page, app, test, asMember, asForgeBuild }) => {
  await test('the first view loads under 300 KB of script (console build)', async () => {
    const response = await fetch(new URL('/__dev/invoke/savePolicy', app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expectedRevision: 0, policyText: EXAMPLE_POLICY }),
    });
    expect(((await response.json()) as { ok: boolean }).ok, 'the example policy was not saved');
    const firstView = firstViewScripts(BUILD_DIRS.http, 'http');
    const hold = await holdBackOthers(page, firstView.files);
    await page.goto(app.url);
    await page.locator('#f-environments-0-name').waitFor();
    const loaded = await hold.loadedBytes();
    hold.release();
    console.log(
      `      first view (console build): ${firstView.files.size} scripts, ${(firstView.bytes / 1024).toFixed(1)} KiB as built, ${(loaded / 1024).toFixed(1)} KiB loaded`,
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
        `      first view (Forge build, bridge included): ${firstView.files.size} scripts, ${(firstView.bytes / 1024).toFixed(1)} KiB`,
      );
      expect(
        firstView.bytes < FIRST_VIEW_BUDGET,
        `the first view needs ${(firstView.bytes / 1024).toFixed(1)} KiB of script: ${[...firstView.files].join(', ')}`,
      );
    });
  });
};
