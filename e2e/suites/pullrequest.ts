/**
 * The pull-request panel and the pipeline file viewer in the console: the panel shows every run of the console's
 * pull request #1 (a merge that newly blocks main) with its steps and diff; the file viewer shows a chosen run of
 * the file at the pull request's commit; the merge check writes its report; axe finds no serious or critical
 * violation on either page.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, shot, TIMEOUT, type Suite } from '../harness';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const EXAMPLE_POLICY = readFileSync(path.resolve(__dirname, '../../examples/policy.yaml'), 'utf8');

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(() =>
    (
      window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: unknown[] }> } }
    ).axe
      .run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        resultTypes: ['violations'],
      })
      .then((r) => r.violations),
  )) as Array<{ id: string; impact?: string; help: string; nodes: { target: string[] }[] }>;
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

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json() as Promise<Record<string, unknown>>;
}

export const pullrequest: Suite = async ({ page, app, test }) => {
  await test('the example policy is saved for the pull-request pages', async () => {
    const saved = await post(new URL('/__dev/invoke/savePolicy', app.url).toString(), {
      expectedRevision: 0,
      policyText: EXAMPLE_POLICY,
    });
    expect(saved.ok === true, `the example policy was not saved: ${JSON.stringify(saved)}`);
  });

  await test('the panel shows every run, the new violation with its line and fix, the steps and the diff', async () => {
    await page.goto(new URL('/pullrequest/', app.url).toString());
    const verdict = page.getByTestId('pr-verdict');
    await verdict.waitFor({ timeout: TIMEOUT });
    expect((await verdict.innerText()).includes('makes 1 run on main worse'), `verdict: ${await verdict.innerText()}`);
    const push = page.locator('section[data-run=push]');
    expect(
      (await push.getByRole('heading', { level: 3 }).innerText()).includes('worse than today'),
      'the push run is not marked worse',
    );
    const newViolation = await push.getByRole('list', { name: /New violations/ }).innerText();
    expect(
      /\[deny-script\] step "Install tools".*line 15.*Fix: /s.test(newViolation),
      `new violation: ${newViolation}`,
    );
    const redeploy = page.locator('section[data-run="custom:redeploy"]');
    const row = redeploy.getByRole('row', { name: /PROD redeploy/ });
    expect((await row.innerText()).includes('self.hosted, linux, prod'), `redeploy row: ${await row.innerText()}`);
    await redeploy.getByText('What Pipeline Guard changes in this run (diff)').click();
    expect((await redeploy.locator('pre.diff').innerText()).includes('+'), 'the diff is empty');
    await shot(page, 'pullrequest-panel');
  });

  await test('no serious or critical axe violations on the panel', async () => {
    const found = await seriousViolations(page);
    expect(found.length === 0, found.join('\n'));
  });

  await test('the file viewer shows a chosen branch and custom pipeline of the file at its commit', async () => {
    await page.goto(new URL('/pullrequest/?view=file', app.url).toString());
    await page.getByTestId('file-viewer').waitFor({ timeout: TIMEOUT });
    expect((await page.getByTestId('file-result').innerText()).includes('[deny-script]'), 'main is not shown blocked');
    await page.getByLabel('Run', { exact: true }).selectOption({ label: 'Custom pipeline redeploy' });
    await page.getByLabel(/^Branch/).fill('feature/x');
    await page.getByRole('button', { name: 'Show' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Showing Custom pipeline redeploy.' })
      .waitFor({ timeout: TIMEOUT });
    const result = await page.getByTestId('file-result').innerText();
    expect(result.includes('[branch-gate]') && result.includes('feature/x'), `custom run on feature/x: ${result}`);
    await page.getByLabel('Run', { exact: true }).selectOption({ label: 'Another branch…' });
    await page.getByLabel(/^Branch/).fill('');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('Type a branch name first.').waitFor({ timeout: TIMEOUT });
    await shot(page, 'pullrequest-file-viewer');
  });

  await test('no serious or critical axe violations on the file viewer', async () => {
    const found = await seriousViolations(page);
    expect(found.length === 0, found.join('\n'));
  });

  await test(
    'the merge check fails the pull request and writes its report; ' + 'on-merge answers from the cache',
    async () => {
      const pushed = await post(new URL('/__dev/pr/check', app.url).toString(), { trigger: 'on-code-pushed' });
      expect(
        pushed.success === false && String(pushed.message).includes('BLOCKED after this merge'),
        `check: ${JSON.stringify(pushed)}`,
      );
      const merged = await post(new URL('/__dev/pr/check', app.url).toString(), { trigger: 'on-merge' });
      expect(merged.cached === true && merged.calls === 1, `on-merge: ${JSON.stringify(merged)}`);
      const reports = (await (await fetch(new URL('/__dev/pr/reports', app.url))).json()) as {
        reports: Array<{ report: { result: string }; annotations: unknown[] }>;
      };
      expect(
        reports.reports[0]?.report.result === 'FAILED' && reports.reports[0].annotations.length === 1,
        `reports: ${JSON.stringify(reports)}`,
      );
    },
  );
};
