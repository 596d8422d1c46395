/**
 * Break-glass grants in the browser: an admin grants INC-4711, a simulated run on the incident
 * branch goes through because of it and is listed under the grant, a member sees the grant
 * without controls, the console's clock passes the expiry and the next run is blocked, and a
 * revoked grant stops applying at once.
 */
import type { Page } from 'playwright-core';
import { expect, openTab, shot, TIMEOUT, type Suite } from '../harness';

const TAB = 'Break-glass grants';

async function grant(page: Page, id: string) {
  await page.locator('#grant-id').fill(id);
  await page.locator('#grant-repository').fill('payments-api');
  await page.locator('#grant-refs').fill('incident/*');
  await page.getByRole('checkbox', { name: 'prod' }).check();
  await page.locator('#grant-reason').fill('Payment outage, hotfix cannot wait for the release branch');
  await page.getByRole('button', { name: 'Grant', exact: true }).click();
  await page.getByText(`Granted ${id}:`).waitFor();
}

/** A grant the server accepts: every field filled in. */
async function fillValidGrant(page: Page, id: string) {
  await page.locator('#grant-id').fill(id);
  await page.locator('#grant-repository').fill('payments-api');
  await page.locator('#grant-refs').fill('incident/*, release/{1.x,2.x}');
  await page.locator('#grant-creators').fill('{0f6c1b6e-1234-4c1d-9a55-2b7f0e8a9c01}');
  await page.getByRole('checkbox', { name: 'prod' }).check();
  await page.locator('#grant-reason').fill('Payment outage, hotfix cannot wait for the release branch');
}

async function clearGrantForm(page: Page) {
  for (const field of ['id', 'repository', 'refs', 'creators', 'reason'])
    await page.locator(`#grant-${field}`).fill('');
  await page.getByRole('checkbox', { name: 'prod' }).uncheck();
}

/** Per field: what the server refuses, what it accepts, and what the field must say. */
const REFUSED: readonly [string, string, string, RegExp][] = [
  ['id', 'INC/4711', 'INC-5000', /an id is letters, digits/],
  ['repository', 'Payments-API', 'payments-api', /a repository slug such as/],
  ['refs', 'incident/*, release/{a', 'incident/*', /“release\/\{a”: not a Bitbucket glob/],
  ['creators', 'alice', '{0f6c1b6e-1234-4c1d-9a55-2b7f0e8a9c01}', /“alice”: not a Bitbucket account UUID/],
  ['reason', 'too short', 'Payment outage, hotfix cannot wait', /at least 10 characters/],
];

/** GrantSchema's limits: id {0,63} after a first character, slug {1,128}, reason 500, 20 UUIDs with ", ". */
const LIMITS: readonly [string, number][] = [
  ['id', 64],
  ['repository', 128],
  ['reason', 500],
  ['creators', 20 * 40 - 2],
];

/** Sends a run of the page's example pipeline for incident/42 of payments-api through the console's provider. */
async function simulateIncidentRun(page: Page): Promise<string> {
  await openTab(page, 'Decision log');
  const details = page.locator('details', { hasText: 'simulate a Bitbucket run' });
  if (!(await details.evaluate((element) => (element as HTMLDetailsElement).open)))
    await details.locator('summary').click();
  await page.locator('#run-target-name').fill('incident/42');
  await page.locator('#run-repo').fill('{a1b2c3d4-0001-4a00-8000-00000000a001}');
  // The answer is set, then the log reloads: once that reload has answered, the answer is this run's.
  const reloaded = page.waitForResponse((response) => response.url().endsWith('/__dev/invoke/decisions'), {
    timeout: TIMEOUT,
  });
  const simulated = page.waitForResponse((response) => response.url().endsWith('/__dev/simulate-run'), {
    timeout: TIMEOUT,
  });
  await page.getByRole('button', { name: 'Simulate run' }).click();
  await simulated;
  await reloaded;
  return page.locator('.run-answer').innerText();
}

export const grants: Suite = async ({ page, app, test, asMember }) => {
  await test('an admin saves a policy and sees no grants yet', async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    await page.getByRole('button', { name: 'Save policy' }).click();
    // The save is confirmed in a dialog showing the change against what is enforced (nothing yet).
    await page.getByRole('dialog').getByTestId('save-diff').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Save revision 1' }).click();
    await page.getByText('Saved revision 1').waitFor();
    await openTab(page, TAB);
    expect(
      await page.getByRole('button', { name: 'Grant', exact: true }).isDisabled(),
      'Grant is enabled with an empty form',
    );
    await page.getByText('Still needed: an id, a reason of at least 10 characters').waitFor();
  });

  await test('each grant field refuses, at the field, what the server refuses, and the form is not Ready', async () => {
    await openTab(page, TAB);
    const creates: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (request.url().endsWith('/__dev/invoke/createGrant')) creates.push(request.url());
    };
    page.on('request', onRequest);
    const button = page.getByRole('button', { name: 'Grant', exact: true });
    const status = page.getByTestId('grant-status');
    await fillValidGrant(page, 'INC-5000');
    await status.getByText(/^Ready:/).waitFor();
    for (const [field, refused, accepted, message] of REFUSED) {
      const input = page.locator(`#grant-${field}`);
      await input.fill(refused);
      const error = page.locator(`#grant-${field}-error`);
      await error.waitFor({ timeout: TIMEOUT });
      const said = await error.innerText();
      expect(message.test(said), `${field} "${refused}": the field says ${said}`);
      expect(!/\[\d+\]|Invalid|expected /.test(said), `${field}: machine path or zod wording: ${said}`);
      expect((await input.getAttribute('aria-invalid')) === 'true', `${field} "${refused}" is not aria-invalid`);
      const described = (await input.getAttribute('aria-describedby')) ?? '';
      expect(described.includes(`grant-${field}-error`), `${field}: the error is not tied to the input`);
      const statusText = await status.innerText();
      expect(!statusText.startsWith('Ready'), `${field} "${refused}": the form says ${statusText}`);
      expect(await button.isDisabled(), `${field} "${refused}": Grant is enabled`);
      await button.click({ force: true });
      await input.fill(accepted);
      await error.waitFor({ state: 'detached', timeout: TIMEOUT });
      expect((await input.getAttribute('aria-invalid')) !== 'true', `${field}: still aria-invalid once fixed`);
      await status.getByText(/^Ready:/).waitFor();
    }
    page.off('request', onRequest);
    expect(creates.length === 0, `the refused form sent ${creates.length} createGrant request(s)`);
    expect((await page.getByText('Granted INC-5000').count()) === 0, 'a refused grant was made');
    await clearGrantForm(page);
  });

  await test('an id the server already has is refused at the field, not by the server after a click', async () => {
    await openTab(page, TAB);
    await fillValidGrant(page, 'INC-5001');
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    await page.getByText('Granted INC-5001:').waitFor();
    await fillValidGrant(page, 'INC-5001');
    await page.locator('#grant-id-error', { hasText: 'a grant named INC-5001 already exists' }).waitFor();
    expect(await page.getByRole('button', { name: 'Grant', exact: true }).isDisabled(), 'Grant is enabled');
    await page.getByRole('button', { name: 'Revoke INC-5001' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke INC-5001' }).click();
    await page.getByText('Revoked INC-5001').waitFor();
    await clearGrantForm(page);
  });

  await test('grant inputs stop at the schema’s limit, and no placeholder looks like a value', async () => {
    await openTab(page, TAB);
    for (const [field, limit] of LIMITS) {
      const input = page.locator(`#grant-${field}`);
      await input.fill('a'.repeat(limit));
      await input.press('End');
      await input.pressSequentially('bcd');
      const length = (await input.inputValue()).length;
      expect(length === limit, `${field} holds ${length} characters; the schema accepts ${limit}`);
      await input.fill('');
    }
    const placeholders = await page
      .locator('#new-grant-title')
      .locator('xpath=..')
      .locator('input, textarea')
      .evaluateAll((nodes) => nodes.map((n) => (n as HTMLInputElement).placeholder).filter(Boolean));
    expect(placeholders.length === 0, `the grant form has placeholders: ${placeholders.join(' | ')}`);
  });

  await test('before any grant, the incident branch cannot run its PROD step', async () => {
    const answer = await simulateIncidentRun(page);
    expect(answer.includes('Bitbucket would stop the run') && answer.includes('branch-gate'), `answer: ${answer}`);
  });

  await test('creates a grant from the form and sees it active with the time left', async () => {
    await openTab(page, TAB);
    await grant(page, 'INC-4711');
    const active = page.getByTestId('active-grants');
    const row = active.getByRole('row', { name: /INC-4711/ });
    await row.waitFor();
    const cells = await row.innerText();
    expect(/active · (3 h 59 min|4 h 0 min) left/.test(cells), `row: ${cells}`);
    // Who granted it, by name (people.tsx), with the account ID in the tooltip.
    const grantedBy = row.locator('.person', { hasText: 'Ada Admin' });
    await grantedBy.waitFor();
    expect(
      (await grantedBy.getAttribute('title')) === 'console-admin',
      `the granter's tooltip is ${await grantedBy.getAttribute('title')}`,
    );
    expect(
      (await row.innerText()).includes('by Ada Admin') && cells.includes('Payment outage'),
      `row does not say who and why: ${await row.innerText()}`,
    );
    await shot(page, 'grants-01-active');
  });

  await test(
    'a simulated run on the incident branch goes through ' + 'because of the grant, and is listed under it',
    async () => {
      const answer = await simulateIncidentRun(page);
      expect(answer.includes('Bitbucket would run the pipeline'), `answer: ${answer}`);
      await openTab(page, TAB);
      await page.getByRole('button', { name: 'Runs that used INC-4711' }).first().click();
      const runs = page.getByTestId('grant-runs-INC-4711');
      await runs.getByText('branch:incident/42').waitFor();
      expect((await runs.innerText()).includes('allowed'), `runs: ${await runs.innerText()}`);
      await shot(page, 'grants-02-runs');
    },
  );

  await test('a member sees the grants but no controls', async () => {
    await asMember(async (other) => {
      await openTab(other, TAB);
      await other
        .getByTestId('active-grants')
        .getByRole('row', { name: /INC-4711/ })
        .waitFor();
      expect(
        (await other.getByRole('button', { name: 'Revoke INC-4711' }).count()) === 0,
        'a member sees a Revoke button',
      );
      expect((await other.locator('#grant-id').count()) === 0, 'a member sees the grant form');
      expect(
        (await other.getByRole('button', { name: 'Runs that used INC-4711' }).count()) > 0,
        'a member cannot see the runs',
      );
      await shot(other, 'grants-03-read-only');
    });
  });

  await test(
    'when the clock passes the expiry, the grant ' + 'moves to past grants and the next run is blocked',
    async () => {
      const moved = await fetch(`${app.url}__dev/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceMs: 4 * 60 * 60 * 1000 + 1000 }),
      });
      expect(moved.ok, `the console clock did not move: ${moved.status}`);
      await openTab(page, TAB);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page
        .getByTestId('past-grants')
        .getByRole('row', { name: /INC-4711.*expired/s })
        .waitFor();
      const answer = await simulateIncidentRun(page);
      expect(answer.includes('Bitbucket would stop the run'), `answer after expiry: ${answer}`);
    },
  );

  await test(
    'a grant for every branch, or one overlapping an ' + 'active grant, needs an explicit acknowledgement',
    async () => {
      await openTab(page, TAB);
      await page.locator('#grant-id').fill('INC-9000');
      await page.locator('#grant-repository').fill('payments-api');
      await page.locator('#grant-refs').fill('**');
      await page.getByRole('checkbox', { name: 'prod' }).check();
      await page.locator('#grant-reason').fill('Everything is on fire, open all the branches');
      const risks = await page.getByTestId('grant-risks').innerText();
      expect(risks.includes('“**” matches every branch'), `no warning for a broad grant: ${risks}`);
      const button = page.getByRole('button', { name: 'Grant', exact: true });
      expect(await button.isDisabled(), 'a grant for every branch is one click');
      expect(!(await page.getByText(/^Ready:/).count()), 'the form says Ready before the acknowledgement');
      await shot(page, 'grants-03b-broad-grant');
      await page.getByLabel('I have read the warning and want this grant as it is').check();
      expect(!(await button.isDisabled()), 'the acknowledgement does not enable Grant');
      await page.locator('#grant-refs').fill('');
      await page.locator('#grant-id').fill('');
      await page.locator('#grant-repository').fill('');
      await page.locator('#grant-reason').fill('');
      await page.getByRole('checkbox', { name: 'prod' }).uncheck();
    },
  );

  await test('revoking a grant stops it applying to the next run', async () => {
    await openTab(page, TAB);
    await grant(page, 'INC-4712');
    expect(
      (await simulateIncidentRun(page)).includes('Bitbucket would run the pipeline'),
      'the new grant does not let the run through',
    );
    await openTab(page, TAB);
    await page.getByRole('button', { name: 'Revoke INC-4712' }).click();
    // Revoke asks first, naming the grant and what it opens.
    const summary = await page.getByRole('dialog').getByTestId('revoke-summary').innerText();
    expect(
      summary.includes('INC-4712 lets runs of') && summary.includes('prod'),
      `the confirmation does not say what the grant opens: ${summary}`,
    );
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke INC-4712' }).click();
    await page.getByText('Revoked INC-4712').waitFor();
    const row = page.getByTestId('past-grants').getByRole('row', { name: /INC-4712/ });
    await row.waitFor();
    await row.locator('.person[title="console-admin"]', { hasText: 'Ada Admin' }).nth(1).waitFor();
    expect((await row.innerText()).includes('revoked by Ada Admin'), `row: ${await row.innerText()}`);
    await shot(page, 'grants-04-revoked');
    const answer = await simulateIncidentRun(page);
    expect(answer.includes('Bitbucket would stop the run'), `answer after revoke: ${answer}`);
  });
};
