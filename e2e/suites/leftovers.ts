/**
 * Policy tests that name a repository, and previews under the break-glass grants in force: on the
 * multi-team policy, "payments-sandbox cannot deploy to prod-payments" is saved from a Preview
 * (keeping its repository), blocks a save that would let the sandbox in, and is editable with its
 * repository; a grant for payments-api makes the Preview of an incident branch go through, naming
 * the grant, for the admin and for a read-only member.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, openTab, shot, type Suite } from '../harness';

const MULTI_TEAM = readFileSync(path.resolve(__dirname, '../../examples/policy-multi-team.yaml'), 'utf8');
const SANDBOX_IN_PROD = MULTI_TEAM.replace(/^\s*exclude: \[payments-sandbox\].*\n/m, '');
const CASE = 'payments-sandbox cannot deploy to prod-payments';
const SANDBOX_UUID = '{a1b2c3d4-0003-4a00-8000-00000000a003}';

/** Clicks Save policy and confirms the dialog, giving a reason when the change weakens enforcement. */
async function savePolicy(page: Page) {
  await page.getByRole('button', { name: 'Save policy' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const reason = dialog.getByLabel('Reason (required, recorded with the revision)');
  if ((await reason.count()) > 0) await reason.fill('let the sandbox deploy to payments PROD');
  await dialog.getByRole('button', { name: /^Save (revision \d+|with this reason)$/ }).click();
}

async function previewRun(page: Page, branch: string, repository: string) {
  await openTab(page, 'Preview');
  await page.locator('#preview-target-name').fill(branch);
  await page.locator('#preview-repository').selectOption({ label: repository });
}

export const leftovers: Suite = async ({ page, app, test, asMember }) => {
  await test('an admin saves the multi-team policy', async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    await openTab(page, 'YAML');
    await page.locator('#policy-yaml').fill(MULTI_TEAM);
    await page.getByText('Unsaved changes.').waitFor();
    await savePolicy(page);
    await page.getByText('Saved revision 1').waitFor();
  });

  await test('a preview for payments-sandbox is saved as a policy test and keeps its repository', async () => {
    await previewRun(page, 'main', 'acme/payments-sandbox (project PAY)');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const result = page.getByTestId('preview-result');
    await result.locator('.result-head', { hasText: 'blocked' }).waitFor();
    expect(
      (await result.innerText()).includes('repository-scope'),
      'the sandbox preview is not blocked by repository-scope',
    );
    // Grants apply by default; with none in force the preview says so.
    expect(
      (await page.getByTestId('preview-grants').innerText()).includes('No break-glass grant was in force'),
      'the preview does not say that no grant was in force',
    );
    await page.getByRole('button', { name: 'Save as policy test…' }).click();
    await page.getByRole('tab', { name: 'Policy tests', exact: true, selected: true }).waitFor();
    expect(
      (await page.locator('#test-repository').inputValue()) === SANDBOX_UUID,
      `the form's repository is ${await page.locator('#test-repository').inputValue()}`,
    );
    await page.locator('#test-name').fill(CASE);
    await page.getByRole('button', { name: 'Save policy test' }).click();
    const row = page.getByRole('row', { name: new RegExp(CASE) });
    await row.waitFor();
    const cells = await row.innerText();
    expect(
      cells.includes('in acme/payments-sandbox') && cells.includes('main'),
      `the row does not name the repository: ${cells}`,
    );
  });

  await test(
    'the repository-scoped test blocks a save that ' + 'would let the sandbox deploy to prod-payments',
    async () => {
      await openTab(page, 'YAML');
      await page.locator('#policy-yaml').fill(SANDBOX_IN_PROD);
      await page.getByText('Unsaved changes.').waitFor();
      // The Save dialog runs the policy tests while it is open: the broken case shows there, and the save cannot be
      // confirmed.
      await page.getByRole('button', { name: 'Save policy' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('dialog-tests').getByText(`“${CASE}” expects blocked, got allowed`).waitFor();
      expect(
        await dialog.getByRole('button', { name: /^Save (revision \d+|with this reason)$/ }).isDisabled(),
        'the breaking policy can be saved',
      );
      await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      expect((await page.getByText('Saved revision 2').count()) === 0, 'the breaking policy was saved');
      await page.getByRole('button', { name: 'Discard changes' }).click();
      await shot(page, 'leftovers-01-scoped-test-blocks');
    },
  );

  await test('the test is editable with its repository', async () => {
    await openTab(page, 'Policy tests');
    await page.getByRole('button', { name: `Edit policy test ${CASE}` }).click();
    expect((await page.locator('#test-repository').inputValue()) === SANDBOX_UUID, 'editing lost the repository');
    await page.locator('#test-repository').selectOption({ label: 'acme/payments-web (project PAY)' });
    await page.locator('#test-expect').selectOption('allowed');
    await page.locator('#test-name').fill('payments-web deploys to prod-payments');
    await page.getByRole('button', { name: 'Save policy test' }).click();
    const row = page.getByRole('row', { name: /payments-web deploys to prod-payments/ });
    await row.waitFor();
    expect((await row.innerText()).includes('in acme/payments-web'), `edited row: ${await row.innerText()}`);
    expect((await page.getByRole('row', { name: new RegExp(CASE) }).count()) === 0, 'the edit made a second test');
    // Back as it was, so later saves keep pinning the sandbox.
    await page.getByRole('button', { name: 'Edit policy test payments-web deploys to prod-payments' }).click();
    await page.locator('#test-repository').selectOption({ label: 'acme/payments-sandbox (project PAY)' });
    await page.locator('#test-expect').selectOption('blocked');
    await page.locator('#test-name').fill(CASE);
    await page.getByRole('button', { name: 'Save policy test' }).click();
    await page.getByRole('row', { name: new RegExp(CASE) }).waitFor();
  });

  await test('with a grant in force, the preview applies it by default and names it', async () => {
    await openTab(page, 'Break-glass grants');
    await page.locator('#grant-id').fill('INC-4711');
    await page.locator('#grant-repository').fill('payments-api');
    await page.locator('#grant-refs').fill('incident/*');
    await page.getByRole('checkbox', { name: 'prod-payments' }).check();
    await page.locator('#grant-reason').fill('Payment outage, hotfix cannot wait for the release branch');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    await page.getByText('Granted INC-4711:').waitFor();

    await previewRun(page, 'incident/42', 'acme/payments-api (project PAY)');
    const apply = page.getByRole('checkbox', { name: 'Apply active grants' });
    expect(await apply.isChecked(), 'Apply active grants is not on while a grant is in force');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const result = page.getByTestId('preview-result');
    await result.locator('.result-head', { hasText: 'allowed' }).waitFor();
    await page.getByText('Break-glass grant used: INC-4711').waitFor();
    expect(
      (await page.getByTestId('preview-grants').innerText()).includes('INC-4711 (payments-api, until'),
      'the preview does not list the grant in force',
    );
    expect(
      (await page.getByRole('button', { name: 'Save as policy test…' }).count()) === 0,
      'a result a grant changed can be saved as a policy test',
    );
    await shot(page, 'leftovers-02-preview-under-grant');

    await apply.uncheck();
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await result.locator('.result-head', { hasText: 'blocked' }).waitFor();
    expect(
      (await result.innerText()).includes('branch-gate'),
      'without the grant the preview is not blocked by branch-gate',
    );
    expect((await page.getByTestId('preview-grants').count()) === 0, 'the grants note stays without grants');
  });

  await test('a read-only member previews under the grant and sees the repository-scoped test', async () => {
    await asMember(async (other) => {
      await previewRun(other, 'incident/42', 'acme/payments-api (project PAY)');
      await other.getByRole('button', { name: 'Preview', exact: true }).click();
      await other.getByTestId('preview-result').locator('.result-head', { hasText: 'allowed' }).waitFor();
      await other.getByText('Break-glass grant used: INC-4711').waitFor();
      await openTab(other, 'Policy tests');
      const row = other.getByRole('row', { name: new RegExp(CASE) });
      await row.waitFor();
      expect((await row.innerText()).includes('in acme/payments-sandbox'), `member's row: ${await row.innerText()}`);
      expect((await other.locator('#test-repository').count()) === 0, 'a member sees the policy test form');
      await shot(other, 'leftovers-03-read-only');
    });
  });
};
