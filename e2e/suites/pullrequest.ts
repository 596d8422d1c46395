/**
 * The pull-request panel and the pipeline file viewer in the console: the panel shows every run of the console's
 * pull request #1 (a merge that newly blocks main) with its steps and diff; the file viewer shows a chosen run of
 * the file at the pull request's commit; the merge check writes its report; axe finds no serious or critical
 * violation on either page.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { seriousViolations } from '../axe';
import { postToConsole } from '../console-api';
import { expect, shot, TIMEOUT, type Suite } from '../harness';

const EXAMPLE_POLICY = readFileSync(path.resolve(__dirname, '../../examples/policy.yaml'), 'utf8');

export const pullrequest: Suite = async ({ page, app, test }) => {
  await test('the example policy is saved for the pull-request pages', async () => {
    const saved = await postToConsole(app, '/__dev/invoke/savePolicy', {
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
      const pushed = await postToConsole(app, '/__dev/pr/check', { trigger: 'on-code-pushed' });
      expect(
        pushed.success === false && String(pushed.message).includes('BLOCKED after this merge'),
        `check: ${JSON.stringify(pushed)}`,
      );
      const merged = await postToConsole(app, '/__dev/pr/check', { trigger: 'on-merge' });
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
