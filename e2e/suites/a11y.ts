/**
 * Accessibility and weight. axe-core (from node_modules, injected through the DevTools protocol, so
 * no network and no CSP exception) checks every tab, the read-only view and a confirmation dialog
 * for serious or critical WCAG 2.1 A/AA violations. The first view's script is weighed in both
 * builds against the 300 KB budget (bytes as built, gzip not counted).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { BUILD_DIRS, ensureBuild } from '../../dev/build-ui';
import { startConsole } from '../../dev/server';
import { FIRST_VIEW_BUDGET, firstViewScripts, holdBackOthers } from '../first-view';
import { expect, openTab, type Suite } from '../harness';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const EXAMPLE_POLICY = readFileSync(path.resolve(__dirname, '../../examples/policy.yaml'), 'utf8');
const TABS = ['Environments', 'YAML', 'Preview', 'History', 'Trust policies', 'Decision log', 'Policy tests'];

interface AxeViolation {
  id: string;
  impact?: string;
  help: string;
  nodes: { target: string[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: unknown[] }> } }).axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] })
      .then((r) => r.violations),
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
}

/** Opens each tab, lets it settle (and, for Preview, shows a result), then runs axe on the page. */
async function checkEveryTab(page: Page, label: string) {
  const found: string[] = [];
  for (const tab of TABS) {
    await openTab(page, tab);
    await page.locator('.panel [aria-busy=true]').waitFor({ state: 'detached' });
    if (tab === 'Preview') {
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      await page.getByTestId('preview-result').waitFor();
    }
    if (tab === 'History') await page.getByRole('button', { name: /^View revision/ }).first().waitFor();
    found.push(...(await seriousViolations(page)).map((v) => `${label} ${tab}: ${v}`));
  }
  return found;
}

export const a11y: Suite = async ({ page, app, storeDir, context, test, watch }) => {
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
    console.log(`      first view (console build): ${firstView.files.size} scripts, ${(firstView.bytes / 1024).toFixed(1)} KiB as built, ${(loaded / 1024).toFixed(1)} KiB loaded`);
    expect(firstView.bytes < FIRST_VIEW_BUDGET, `the first view needs ${(firstView.bytes / 1024).toFixed(1)} KiB of script: ${[...firstView.files].join(', ')}`);
    expect(loaded <= firstView.bytes, 'the page loaded first-view scripts twice');
  });

  await test('no serious or critical axe violations on any tab (admin)', async () => {
    const found = await checkEveryTab(page, 'admin');
    expect(found.length === 0, found.join('\n'));
  });

  await test('no serious or critical axe violations in a confirmation dialog', async () => {
    await openTab(page, 'Environments');
    await page.locator('#f-mode').selectOption('warn');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('dialog').waitFor();
    const found = await seriousViolations(page);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    expect(found.length === 0, found.join('\n'));
  });

  await test('no serious or critical axe violations on any tab (read-only member)', async () => {
    const viewer = await startConsole({ port: 0, storeDir, role: 'member', log: () => undefined });
    const other = await context.newPage();
    try {
      watch(other, 'viewer');
      await other.goto(viewer.url);
      await other.getByText('Only workspace admins can change Pipeline Guard settings').waitFor();
      const found = await checkEveryTab(other, 'member');
      expect(found.length === 0, found.join('\n'));
    } finally {
      await other.close();
      await viewer.close();
    }
  });

  await test('the first view loads under 300 KB of script (Forge build, bridge included)', async () => {
    ensureBuild('forge', () => undefined);
    const forge = await startConsole({ port: 0, storeDir, pageDir: BUILD_DIRS.forge, log: () => undefined });
    const other = await context.newPage();
    try {
      watch(other, 'forge build');
      // The same stand-in bridge as the core suite's smoke test.
      await other.addInitScript(`
        const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }).then((r) => r.json());
        globalThis.__bridge = {
          callBridge: async (type, payload) => {
            if (type === 'getContext') return post('/__dev/context', {});
            if (type === 'invoke' && payload) return post('/__dev/invoke/' + payload.functionKey, payload.payload);
            throw new Error("the test's bridge does not answer " + type);
          },
        };
      `);
      const firstView = firstViewScripts(BUILD_DIRS.forge, 'forge');
      const hold = await holdBackOthers(other, firstView.files);
      await other.goto(forge.url);
      await other.locator('#f-environments-0-name').waitFor();
      hold.release();
      console.log(`      first view (Forge build, bridge included): ${firstView.files.size} scripts, ${(firstView.bytes / 1024).toFixed(1)} KiB`);
      expect(firstView.bytes < FIRST_VIEW_BUDGET, `the first view needs ${(firstView.bytes / 1024).toFixed(1)} KiB of script: ${[...firstView.files].join(', ')}`);
    } finally {
      await other.close();
      await forge.close();
    }
  });
};
