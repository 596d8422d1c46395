/**
 * People by name where the page shows account IDs (issue 11): a grant's granter, revoker and the
 * people it is limited to on the Break-glass grants tab, and a run's creator in the decision log's
 * detail. Names come from the console's stand-in for Bitbucket's users endpoint (dev/users-stub.ts);
 * the ID stays in the tooltip, and the CSV export keeps IDs, never names.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { expect, openTab, shot, TIMEOUT, type Suite } from '../harness';

/** The simulator's run creator (src/simulate/simulate.ts), named "Sam Simulator" by the stand-in. */
const CREATOR = '{c0ffee00-1234-4abc-9def-0123456789ab}';

async function expectPerson(scope: Locator, name: string, accountId: string, where: string) {
  const person = scope.locator('.person', { hasText: name }).first();
  await person.waitFor({ timeout: TIMEOUT }).catch(async () => {
    throw new Error(`${where} does not name ${name}: ${await scope.innerText()}`);
  });
  const title = await person.getAttribute('title');
  expect(title === accountId, `${where}: the tooltip of ${name} is ${title}, not the account ID ${accountId}`);
}

async function openRunDetail(page: Page) {
  await openTab(page, 'Decision log');
  const row = page.locator('section[aria-labelledby=log-heading] tbody tr').first();
  await row.getByText('branch:incident/42').waitFor();
  await row.getByRole('button', { name: /^Detail of the run/ }).click();
  return page.getByTestId('decision-detail');
}

export const people: Suite = async ({ page, app, test, asMember }) => {
  await test('a grant shows who granted it and whom it is limited to by name, with the ID in the tooltip', async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save revision 1' }).click();
    await page.getByText('Saved revision 1').waitFor();
    await openTab(page, 'Break-glass grants');
    await page.locator('#grant-id').fill('INC-5000');
    await page.locator('#grant-repository').fill('payments-api');
    await page.locator('#grant-refs').fill('incident/*');
    await page.getByRole('checkbox', { name: 'prod' }).check();
    await page.locator('#grant-creators').fill(CREATOR);
    await page.locator('#grant-reason').fill('Payment outage, hotfix cannot wait for the release branch');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    await page.getByText('Granted INC-5000:').waitFor();
    const row = page.getByTestId('active-grants').getByRole('row', { name: /INC-5000/ });
    await expectPerson(row, 'Ada Admin', 'console-admin', 'the grant row');
    await expectPerson(row, 'Sam Simulator', CREATOR, 'the grant row');
    const cells = await row.innerText();
    expect(cells.includes('by Ada Admin') && cells.includes('runs started by Sam Simulator'), `the row: ${cells}`);
    expect(!cells.includes(CREATOR) && !cells.includes('by console-admin'), `the row shows account IDs: ${cells}`);
    await shot(page, 'people-01-grant');
  });

  await test('the decision log’s detail names the run’s creator, with the ID in the tooltip', async () => {
    await openTab(page, 'Decision log');
    await page.getByText('Local console only: simulate a Bitbucket run').click();
    await page.locator('#run-target-name').fill('incident/42');
    await page.locator('#run-repo').fill('{a1b2c3d4-0001-4a00-8000-00000000a001}');
    await page.getByRole('button', { name: 'Simulate run' }).click();
    await page.getByText('Bitbucket would run the pipeline Pipeline Guard returned.').waitFor();
    const detail = await openRunDetail(page);
    await expectPerson(detail, 'Sam Simulator', CREATOR, 'the run detail');
    const startedBy = await detail
      .locator('dt', { hasText: 'Started by' })
      .locator('xpath=following-sibling::dd')
      .innerText();
    expect(startedBy === 'Sam Simulator', `"Started by" says ${startedBy}`);
    await shot(page, 'people-02-run-detail');
    await detail.getByRole('button', { name: 'Close detail' }).click();
  });

  await test('a revoked grant names who revoked it', async () => {
    await openTab(page, 'Break-glass grants');
    await page.getByRole('button', { name: 'Revoke INC-5000' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke INC-5000' }).click();
    await page.getByText('Revoked INC-5000').waitFor();
    const row = page.getByTestId('past-grants').getByRole('row', { name: /INC-5000/ });
    await row.locator('.person', { hasText: 'Ada Admin' }).nth(1).waitFor();
    expect((await row.innerText()).includes('revoked by Ada Admin'), `the row: ${await row.innerText()}`);
  });

  await test('CSV export keeps the account IDs, not the names', async () => {
    await openTab(page, 'Decision log');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await file.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0].includes('creator') && lines.length === 2, `CSV: ${csv.slice(0, 400)}`);
    expect(
      lines[1].includes(CREATOR) && !csv.includes('Sam Simulator'),
      `the CSV row does not keep the ID: ${lines[1]}`,
    );
  });

  await test('a read-only member sees the same names', async () => {
    await asMember(async (other) => {
      await openTab(other, 'Break-glass grants');
      const row = other.getByTestId('past-grants').getByRole('row', { name: /INC-5000/ });
      await expectPerson(row, 'Ada Admin', 'console-admin', 'the member’s grant row');
      await expectPerson(row, 'Sam Simulator', CREATOR, 'the member’s grant row');
      const detail = await openRunDetail(other);
      await expectPerson(detail, 'Sam Simulator', CREATOR, 'the member’s run detail');
    });
  });
};
