/**
 * Policy as code in the browser: an admin saves a policy on the page, switches the source to a
 * repository, pushes a commit in the console and sees it become the active revision; the page is
 * then read-only (no Save, no editing, no rollback, no test editing) with a link to the file and an
 * export, while grants stay editable; an invalid commit shows its failure and keeps the policy; a lost
 * push event is caught by the hourly check; a member sees everything without controls; and the
 * switch back to the page is recorded and makes the page editable again.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, openTab, shot, type Suite } from '../harness';

const TAB = 'Policy source';
const EXAMPLE = readFileSync(path.resolve(__dirname, '../../examples/policy.yaml'), 'utf8');

export const policySource: Suite = async ({ page, app, test, asMember }) => {
  const push = async (policyText: string, message: string, deliver = true) => {
    await openTab(page, TAB);
    await page.locator('#console-push-policy').fill(policyText);
    await page.locator('#console-push-message').fill(message);
    const lose = page.getByRole('checkbox', { name: /Lose the push event/ });
    if ((await lose.isChecked()) === deliver) await lose.click();
    await page.getByRole('button', { name: 'Push the commit' }).click();
    await page
      .getByTestId('source-message')
      .getByText(/Pushed commit/)
      .waitFor();
  };

  await test('an admin saves a policy on the page; the source is the page, never switched', async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save revision 1' }).click();
    await page.getByText('Saved revision 1').waitFor();
    await openTab(page, TAB);
    await page.getByTestId('policy-source').getByText('This settings page').waitFor();
    await page.getByText('The policy source has never been changed').waitFor();
  });

  await test('switching to an unknown repository is refused at the field', async () => {
    await page.getByRole('radio', { name: /A file in a Bitbucket repository/ }).check();
    await page.locator('#source-repository').fill('no-such-repo');
    await page.getByRole('button', { name: 'Use this source' }).click();
    await page.getByText('this workspace has no repository "no-such-repo" that you can see').first().waitFor();
  });

  await test('switches to a repository: the switch is recorded, the empty branch is reported', async () => {
    await page.locator('#source-repository').fill('shared-libs');
    await page.getByRole('button', { name: 'Use this source' }).click();
    await page.getByTestId('source-message').getByText('The policy now comes from shared-libs').waitFor();
    await page.getByText('does not exist (or the app cannot see it)').first().waitFor();
    const row = page.getByRole('table', { name: 'Policy source changes, newest first' }).getByRole('row').nth(1);
    const text = await row.innerText();
    expect(
      text.includes('this settings page') && text.includes('acme/shared-libs: pipeline-guard.yaml on main'),
      `switch row: ${text}`,
    );
  });

  await test('the page is read-only under a repository source, with a link to the file and an export', async () => {
    const banner = page.getByTestId('repository-source-banner');
    await banner.waitFor();
    const link = banner.getByRole('link', { name: 'pipeline-guard.yaml' });
    expect(
      (await link.getAttribute('href')) === 'https://bitbucket.org/acme/shared-libs/src/main/pipeline-guard.yaml',
      'file link',
    );
    expect(
      (await page.getByRole('button', { name: 'Save policy' }).count()) === 0,
      'Save policy is shown under a repository source',
    );
    const download = page.waitForEvent('download');
    await banner.getByRole('button', { name: 'Export the policy to start a change' }).click();
    expect((await download).suggestedFilename() === 'pipeline-guard.yaml', 'export file name');
    await openTab(page, 'YAML');
    expect(
      await page.locator('#policy-yaml').evaluate((el) => (el as HTMLTextAreaElement).readOnly),
      'the YAML is editable',
    );
    expect((await page.getByRole('button', { name: 'Import file…' }).count()) === 0, 'Import is offered');
    await openTab(page, 'Environments');
    const inputs = page.locator('.panel input:not([type=hidden]):visible');
    await inputs.first().waitFor();
    const count = await inputs.count();
    expect(count > 5, `only ${count} inputs on the Environments tab`);
    for (let i = 0; i < count; i++) {
      const input = inputs.nth(i);
      const name = await input.evaluate(
        (el) => `${el.id || el.getAttribute('aria-label') || el.outerHTML.slice(0, 120)}`,
      );
      expect(!(await input.isEditable()), `environment input ${name} is editable`);
    }
    await openTab(page, 'History');
    await page.getByRole('table', { name: 'Policy revisions, newest first' }).waitFor();
    expect((await page.getByRole('button', { name: /Roll back to revision/ }).count()) === 0, 'Roll back is offered');
    await openTab(page, 'Break-glass grants');
    await page.locator('#grant-id').waitFor();
    expect(await page.locator('#grant-id').isEditable(), 'grants are not editable');
    await shot(page, 'policy-source-read-only');
  });

  await test('a pushed commit becomes the active revision, shown with its commit', async () => {
    await push(`# reviewed in PR #12\n${EXAMPLE}`, 'Adopt policy as code');
    await page
      .getByTestId('active-commit')
      .getByText(/Active: revision 2 from commit [0-9a-f]{12} by Console Admin/)
      .waitFor();
    await page
      .getByTestId('repository-source-banner')
      .getByText(/Active: commit [0-9a-f]{12} \(revision 2\)/)
      .waitFor();
    await openTab(page, 'History');
    await page
      .getByRole('table', { name: 'Policy revisions, newest first' })
      .getByText('“Adopt policy as code”')
      .waitFor();
  });

  await test('an invalid commit keeps the policy and shows the failure with its commit', async () => {
    await push(EXAMPLE.replace('mode: enforce', 'mode: sometimes'), 'Break it');
    const failure = page.getByTestId('source-failure');
    await failure.getByText(/Commit [0-9a-f]{12} was not loaded/).waitFor();
    await failure.getByText(/not a valid policy/).waitFor();
    await failure.getByText('Also reported on the commit as a failed build status.').waitFor();
    await page
      .getByTestId('active-commit')
      .getByText(/revision 2/)
      .waitFor();
    await shot(page, 'policy-source-failure');
  });

  await test('a lost push event is caught by the hourly check', async () => {
    await push(`# fixed\n${EXAMPLE}`, 'Fix it', false);
    await page
      .getByTestId('active-commit')
      .getByText(/revision 2/)
      .waitFor();
    await page.getByRole('button', { name: 'Run the hourly check now' }).click();
    await page
      .getByTestId('source-message')
      .getByText(/as revision 3/)
      .waitFor();
    await page
      .getByTestId('active-commit')
      .getByText(/revision 3 .*“Fix it”/)
      .waitFor();
    expect((await page.getByTestId('source-failure').count()) === 0, 'the old failure is still shown');
  });

  await test('a member sees the source and its history without any control', async () => {
    await asMember(async (viewer) => {
      await viewer.getByTestId('repository-source-banner').waitFor();
      await openTab(viewer, TAB);
      await viewer
        .getByTestId('active-commit')
        .getByText(/revision 3/)
        .waitFor();
      expect(
        (await viewer.getByRole('button', { name: 'Use this source' }).count()) === 0,
        'a member can switch the source',
      );
      expect((await viewer.getByRole('button', { name: 'Load now' }).count()) === 0, 'a member can load now');
    });
  });

  await test('switching back to the page is recorded and makes the policy editable again', async () => {
    await openTab(page, TAB);
    await page.getByRole('radio', { name: /This settings page/ }).check();
    await page.getByRole('button', { name: 'Use this source' }).click();
    await page.getByTestId('source-message').getByText('The policy is now kept on this page.').waitFor();
    const rows = page.getByRole('table', { name: 'Policy source changes, newest first' }).getByRole('row');
    await rows.nth(2).waitFor();
    const newest = await rows.nth(1).innerText();
    expect(newest.indexOf('acme/shared-libs') < newest.indexOf('this settings page'), `newest switch: ${newest}`);
    expect((await rows.count()) === 3, `${(await rows.count()) - 1} switches listed, not 2`);
    await page.getByRole('button', { name: 'Save policy' }).waitFor();
    expect((await page.getByTestId('repository-source-banner').count()) === 0, 'the banner stays');
  });
};
