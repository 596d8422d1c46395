/**
 * The newer tabs (Repositories, Runners, Break-glass grants, Decision log) as a new admin meets
 * them: in the empty state, across a first save and a discard while the tabs stay open, and with
 * the controls that answer a mistake (a grant id used twice, a date range the wrong way round).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, openTab, shot, type Suite } from '../harness';

const MULTI_TEAM = readFileSync(path.resolve(__dirname, '../../examples/policy-multi-team.yaml'), 'utf8');

export const walkthrough: Suite = async ({ page, app, test }) => {
  const panel = () => page.locator('[role=tabpanel]:not([hidden])');

  await test('before any policy, each new tab says what is missing, and a grant cannot be started blind', async () => {
    await page.goto(app.url);
    await openTab(page, 'Repositories');
    await page.getByText('There is no policy yet, so every repository’s pipelines pass through unchanged.').waitFor();
    await openTab(page, 'Runners');
    await panel().getByText('For no policy saved').waitFor();
    await openTab(page, 'Break-glass grants');
    await page.getByText('No usable policy is saved, so no grant can apply until one is.').waitFor();
    await page.getByText('None yet: a grant opens environments of the saved policy, so save a policy first.').waitFor();
    expect(
      await page.getByRole('button', { name: 'Grant', exact: true }).isDisabled(),
      'Grant is enabled with no policy saved',
    );
    await shot(page, 'walkthrough-01-grants-empty');
  });

  await test('after the first save, the tabs opened before it show the saved policy without a reload', async () => {
    await openTab(page, 'Environments');
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save revision 1' }).click();
    await page.getByText('Saved revision 1', { exact: true }).waitFor();
    await openTab(page, 'Break-glass grants');
    await page.getByRole('checkbox', { name: 'prod' }).waitFor();
    expect(
      (await page.getByText('No usable policy is saved').count()) === 0,
      'the grants tab still says no policy is saved',
    );
    expect(
      (await page.getByText('None yet: a grant opens environments').count()) === 0,
      'the grants tab still says to save a policy first',
    );
    await openTab(page, 'Runners');
    await panel().getByText('For saved revision 1.').waitFor();
    await page.getByTestId('runner-inventory').getByRole('row', { name: /^prod/ }).waitFor();
  });

  await test('after Discard, the runner inventory is of the saved policy again', async () => {
    await openTab(page, 'YAML');
    await page.locator('#policy-yaml').fill(MULTI_TEAM);
    await page.getByText('Unsaved changes.').waitFor();
    await openTab(page, 'Runners');
    await page.getByRole('button', { name: 'Reload runners' }).click();
    await panel().getByText('For the unsaved policy in the editor.').waitFor();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await panel().getByText('For saved revision 1.').waitFor();
    expect(
      (await page
        .getByTestId('runner-inventory')
        .getByRole('row', { name: /^prod-payments/ })
        .count()) === 0,
      'the discarded policy’s environments are still listed',
    );
  });

  await test(
    'a grant id used twice is refused, and the earlier ' + 'success is no longer shown beside the error',
    async () => {
      await openTab(page, 'Break-glass grants');
      const fill = async () => {
        await page.locator('#grant-id').fill('INC-9');
        await page.locator('#grant-repository').fill('payments-api');
        await page.locator('#grant-refs').fill('incident/*');
        await page.getByRole('checkbox', { name: 'prod' }).check();
        await page.locator('#grant-reason').fill('Payment outage, hotfix cannot wait');
        // The second time, the grant overlaps the first (same repository and environment) and asks for an
        // acknowledgement.
        const acknowledge = page.getByLabel('I have read the warning and want this grant as it is');
        if (await acknowledge.count()) await acknowledge.check();
      };
      await fill();
      await page.getByRole('button', { name: 'Grant', exact: true }).click();
      await page.getByText('Granted INC-9:').waitFor();
      await fill();
      // The page knows the id is taken: it says so at the field and offers no Grant to press.
      await page.locator('#grant-id-error', { hasText: 'a grant named INC-9 already exists' }).waitFor();
      expect(await page.getByRole('button', { name: 'Grant', exact: true }).isDisabled(), 'Grant is enabled');
      expect(
        (await page.getByText('Granted INC-9:').count()) === 0,
        'the page shows “Granted INC-9” next to the refusal',
      );
      await shot(page, 'walkthrough-02-grant-refused');
    },
  );

  await test('a date range the wrong way round says so, and export counts in words that fit', async () => {
    await openTab(page, 'Decision log');
    await page.getByText('Local console only: simulate a Bitbucket run').click();
    await page.getByRole('button', { name: 'Simulate run' }).click();
    await page.getByTestId('log-summary').getByText('1 record shown').waitFor();
    await page.locator('#log-from').fill('2026-12-02');
    await page.locator('#log-to').fill('2026-11-01');
    await page
      .getByTestId('log-range-error')
      .getByText('The From day (2026-12-02) is after the To day (2026-11-01)')
      .waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('log-range-error').waitFor({ state: 'detached' });
    await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    await page.getByText('Exported 1 record.', { exact: true }).waitFor();
  });
};
