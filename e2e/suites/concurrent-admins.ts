/**
 * Issue 20, concurrent admins and the weakening check's side doors: a save refused because another
 * admin saved first rebases the admin's own edits onto that revision (no lost update); a field both
 * changed is chosen in a dialog that shows "your edits" and "their edits" apart, and keeping yours
 * takes a confirmation and is recorded in History. Renaming and widening a protected environment,
 * rolling back to a weaker revision and removing a deny-list entry each ask for a reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { RunningConsole } from '../../dev/server';
import { invokeOnConsole } from '../console-api';
import { expect, openTab, shot, type Suite } from '../harness';

const EXAMPLE_POLICY = readFileSync(path.resolve(__dirname, '../../examples/policy.yaml'), 'utf8');
const REASON = 'Reason (required, recorded with the revision)';

async function enforced(app: RunningConsole): Promise<{ revision: number; policy: any }> {
  return (await invokeOnConsole(app, 'getPolicy', {})) as unknown as { revision: number; policy: any };
}

const dialog = (page: Page) => page.getByRole('dialog');

/** Another admin, in another tab on the same store, changes one field of the form and saves. */
async function otherAdminSaves(page: Page, app: RunningConsole, field: string, value: string) {
  const other = await page.context().newPage();
  try {
    await other.goto(app.url);
    await other.locator(field).fill(value);
    await other.getByRole('button', { name: 'Save policy' }).click();
    await dialog(other)
      .getByRole('button', { name: /^Save revision/ })
      .click();
    await other.getByText(/^Saved revision \d+$/).waitFor();
  } finally {
    await other.close();
  }
}

async function openSave(page: Page) {
  await page.getByRole('button', { name: 'Save policy' }).click();
  await dialog(page).waitFor();
  await dialog(page).getByTestId('dialog-tests').filter({ hasNotText: 'Running' }).waitFor();
}

export const concurrentAdmins: Suite = async ({ page, app, test }) => {
  await test('setup: the example policy is enforced', async () => {
    expect(
      (await invokeOnConsole(app, 'savePolicy', { expectedRevision: 0, policyText: EXAMPLE_POLICY })).ok,
      'the example policy was not saved',
    );
  });

  await test('no lost update: after "someone else saved first", saving again keeps their change and mine', async () => {
    await page.goto(app.url);
    const { revision } = await enforced(app);
    await page.locator('#f-environments-1-oidc-region').fill('eu-central-1');
    await otherAdminSaves(page, app, '#f-environments-0-oidc-region', 'eu-west-2');
    await openSave(page);
    await dialog(page)
      .getByRole('button', { name: /^Save revision/ })
      .click();
    const banner = page.locator('.banner', { hasText: 'Someone else saved first' });
    await banner.waitFor();
    const words = await banner.innerText();
    expect(
      words.includes(`saved revision ${revision + 1}`) && words.includes('Your edits are now on top of'),
      `the banner: ${words}`,
    );
    expect(
      words.includes('Their edit kept: environment “prod” → oidc → region'),
      `the banner does not say what they changed: ${words}`,
    );
    expect(
      (await page.locator('#f-environments-0-oidc-region').inputValue()) === 'eu-west-2',
      'their change is not in the draft',
    );
    expect(
      (await page.locator('#f-environments-1-oidc-region').inputValue()) === 'eu-central-1',
      'my change left the draft',
    );
    await shot(page, 'concurrent-01-rebased');
    await openSave(page);
    const diff = await dialog(page).getByTestId('save-diff').innerText();
    expect(!diff.includes('eu-west-2'), `saving again would undo their change: ${diff}`);
    await dialog(page)
      .getByRole('button', { name: /^Save revision/ })
      .click();
    await page.getByText(`Saved revision ${revision + 2}`).waitFor();
    const { policy } = await enforced(app);
    expect(
      policy.environments[0].oidc.region === 'eu-west-2',
      `their change was lost: ${JSON.stringify(policy.environments[0].oidc)}`,
    );
    expect(policy.environments[1].oidc.region === 'eu-central-1', 'my change was lost');
  });

  const chosenInDialog =
    'a field both changed is chosen in a dialog; keeping mine takes a confirmation and History records it';
  await test(chosenInDialog, async () => {
    const { revision } = await enforced(app);
    await page.locator('#f-environments-0-oidc-region').fill('us-east-1');
    await otherAdminSaves(page, app, '#f-environments-0-oidc-region', 'ap-south-1');
    await openSave(page);
    await dialog(page)
      .getByRole('button', { name: /^Save revision/ })
      .click();
    await page.locator('.banner', { hasText: 'Someone else saved first' }).waitFor();
    // The choice is asked at once; "Decide later" leaves their value in the draft until the banner's button asks
    // again.
    await dialog(page).getByRole('button', { name: 'Decide later' }).click();
    expect(
      (await page.locator('#f-environments-0-oidc-region').inputValue()) === 'ap-south-1',
      'their value is not kept while undecided',
    );
    await page.getByRole('button', { name: 'Choose for the field you both changed' }).click();
    const conflict = dialog(page).getByTestId('merge-conflict');
    await conflict.waitFor();
    const words = await conflict.innerText();
    expect(words.includes('environment “prod” → oidc → region'), `the conflict does not name the field: ${words}`);
    expect(
      /Their edits \(revision \d+\): ap-south-1/.test(words) && /Your edits: us-east-1/.test(words),
      `theirs and mine are not shown apart: ${words}`,
    );
    expect(
      await dialog(page).getByRole('button', { name: 'Apply to the draft' }).isDisabled(),
      'the merge applies before a choice is made',
    );
    await shot(page, 'concurrent-02-merge-dialog');
    await conflict.getByLabel(/Your edits/).check();
    await dialog(page).getByRole('button', { name: 'Apply to the draft' }).click();
    expect(
      (await page.locator('#f-environments-0-oidc-region').inputValue()) === 'us-east-1',
      'my choice is not in the draft',
    );
    await openSave(page);
    const confirm = dialog(page).getByRole('button', { name: 'Save with this reason' });
    expect(
      (await dialog(page).getByTestId('replacing').innerText()).includes('environment “prod” → oidc → region'),
      'the Save dialog does not say what it replaces',
    );
    await dialog(page).getByLabel(REASON).fill('the EU region is being retired');
    expect(await confirm.isDisabled(), 'replacing their change is one click');
    await dialog(page)
      .getByLabel(/Replace their changes to these fields/)
      .check();
    await shot(page, 'concurrent-03-save-replaces');
    await confirm.click();
    await page.getByText(`Saved revision ${revision + 2}`).waitFor();
    await openTab(page, 'History');
    const row = await page.getByRole('row', { name: new RegExp(`^${revision + 2} `) }).innerText();
    expect(
      row.includes(`replaced revision ${revision + 1}’s changes to environment “prod” → oidc → region`),
      `History does not record it: ${row}`,
    );
    await openTab(page, 'Environments');
  });

  await test('renaming a protected environment and widening it in the same save asks for a reason', async () => {
    await page.reload();
    await page.locator('#f-environments-0-name').fill('production');
    await openTab(page, 'YAML');
    const text = await page.locator('#policy-yaml').inputValue();
    await page
      .locator('#policy-yaml')
      .fill(
        text.replace(
          'branches: [main, master, "hotfix/*", "release/*"]',
          'branches: [main, master, "hotfix/*", "release/*", "**"]',
        ),
      );
    await openSave(page);
    const found = await dialog(page).getByTestId('weakenings').innerText();
    expect(
      found.includes(
        'environment "prod" (now named "production") is protected and now also allows the branch pattern "**"',
      ),
      `the weakening: ${found}`,
    );
    await dialog(page).getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  await test('removing a deny-list entry asks for a reason', async () => {
    await openTab(page, 'YAML');
    const text = await page.locator('#policy-yaml').inputValue();
    await page.locator('#policy-yaml').fill(text.replace('pipes: ["atlassian/ssh-run:*"]', 'pipes: []'));
    await openSave(page);
    const found = await dialog(page).getByTestId('weakenings').innerText();
    expect(found.includes('the deny list no longer blocks the pipe "atlassian/ssh-run:*"'), `the weakening: ${found}`);
    expect(
      await dialog(page).getByRole('button', { name: 'Save with this reason' }).isDisabled(),
      'the weakening saves without a reason',
    );
    await dialog(page).getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  await test('a rollback to a weaker revision asks for a reason, and the reason is recorded', async () => {
    const { revision, policy } = await enforced(app);
    const weaker = { ...policy, mode: 'off' };
    expect(
      (
        await invokeOnConsole(app, 'savePolicy', {
          expectedRevision: revision,
          policy: weaker,
          reason: 'maintenance window',
        })
      ).ok,
      'the weaker revision was not saved',
    );
    expect(
      (await invokeOnConsole(app, 'savePolicy', { expectedRevision: revision + 1, policy })).ok,
      'the stronger revision was not saved',
    );
    await page.reload();
    await openTab(page, 'History');
    await page.getByRole('button', { name: `Roll back to revision ${revision + 1}` }).click();
    const found = await dialog(page).getByTestId('weakenings').innerText();
    expect(found.includes('the policy-wide mode goes from enforce to off'), `the rollback's weakening: ${found}`);
    const confirm = dialog(page).getByRole('button', { name: 'Roll back with this reason' });
    expect(await confirm.isDisabled(), 'the weakening rollback goes without a reason');
    await dialog(page).getByLabel(REASON).fill('incident 12: runners down');
    await shot(page, 'concurrent-04-rollback-weakens');
    await confirm.click();
    await page.getByText(`Rolled back to revision ${revision + 1}`).waitFor();
    const row = await page.getByRole('row', { name: new RegExp(`^${revision + 3} `) }).innerText();
    expect(row.includes('incident 12: runners down'), `History does not show the reason: ${row}`);
  });

  await test('a policy test that fails shows in the Save dialog before a reason is asked', async () => {
    const { revision } = await enforced(app);
    expect(
      (await invokeOnConsole(app, 'savePolicy', { expectedRevision: revision, policyText: EXAMPLE_POLICY })).ok,
      'the example policy was not restored',
    );
    const saved = await invokeOnConsole(app, 'savePolicyTest', {
      name: 'feature branches cannot deploy to PROD',
      yaml:
        'pipelines:\n  branches:\n    "**":\n      - step:\n' +
        '          name: PROD deploy\n          script: [./deploy.sh]\n',
      target: { kind: 'branch', name: 'feature/x' },
      expect: 'blocked',
    });
    expect(saved.ok, `the policy test was not saved: ${JSON.stringify(saved)}`);
    await page.reload();
    await openTab(page, 'YAML');
    const text = await page.locator('#policy-yaml').inputValue();
    await page.locator('#policy-yaml').fill(text.replace('mode: enforce', 'mode: warn'));
    await page.getByRole('button', { name: 'Save policy' }).click();
    const tests = dialog(page).getByTestId('dialog-tests');
    await tests.filter({ hasText: 'policy test fails' }).waitFor();
    expect(
      (await tests.innerText()).includes('“feature branches cannot deploy to PROD” expects blocked'),
      'the failing test is not named',
    );
    expect(
      await dialog(page).getByRole('button', { name: 'Save with this reason' }).isDisabled(),
      'a save that breaks a test can be confirmed',
    );
    await shot(page, 'concurrent-05-failing-test-in-dialog');
    await dialog(page).getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    const list = (await invokeOnConsole(app, 'listPolicyTests', {})) as unknown as { tests: { id: string }[] };
    for (const t of list.tests) await invokeOnConsole(app, 'deletePolicyTest', { id: t.id });
  });

  const movingKeepsYaml =
    'moving and removing an environment keeps each one’s YAML, comments included, and every other line';
  await test(movingKeepsYaml, async () => {
    const { revision } = await enforced(app);
    expect(
      (await invokeOnConsole(app, 'savePolicy', { expectedRevision: revision, policyText: EXAMPLE_POLICY })).ok,
      'the example policy was not restored',
    );
    await page.reload();
    await page.getByRole('button', { name: 'Move down: prod' }).click();
    await openTab(page, 'YAML');
    const moved = await page.locator('#policy-yaml').inputValue();
    expect(moved.indexOf('  - name: dev') < moved.indexOf('  - name: prod'), 'prod did not move');
    const prodBlock = moved.slice(moved.indexOf('  - name: prod'));
    expect(
      prodBlock.includes('# public egress addresses of the PROD runners') &&
        prodBlock.includes('# nothing reaches PROD without a person pressing Run'),
      `prod's comments stayed behind: ${moved}`,
    );
    expect(
      JSON.stringify(moved.split('\n').sort()) === JSON.stringify(EXAMPLE_POLICY.split('\n').sort()),
      'moving rewrote other lines',
    );
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await openTab(page, 'Environments');
    await page.getByRole('button', { name: 'Remove prod' }).click();
    await dialog(page).getByRole('button', { name: 'Remove prod' }).click();
    await openTab(page, 'YAML');
    const removed = await page.locator('#policy-yaml').inputValue();
    expect(
      !removed.includes('PROD runners') && !removed.includes('pressing Run'),
      `prod's comments were left on another environment: ${removed}`,
    );
    const kept = EXAMPLE_POLICY.split('\n').filter((line) => !removed.split('\n').includes(line));
    expect(
      kept.every((line) =>
        EXAMPLE_POLICY.slice(
          EXAMPLE_POLICY.indexOf('  - name: prod'),
          EXAMPLE_POLICY.indexOf('  - name: dev'),
        ).includes(line),
      ),
      `lines outside prod changed: ${kept.join('\n')}`,
    );
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  await test('the block message is reachable by keyboard and labelled', async () => {
    await openTab(page, 'Preview');
    await page.locator('#preview-target-name').fill('feature/x');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const message = page.getByTestId('preview-result').locator('pre.message');
    await message.waitFor();
    expect((await message.getAttribute('aria-label')) !== null, 'the message has no label');
    await page.getByRole('button', { name: 'Preview', exact: true }).focus();
    let reached = false;
    for (let presses = 0; presses < 40 && !reached; presses++) {
      await page.keyboard.press('Tab');
      reached = await message.evaluate((element) => element === document.activeElement);
    }
    expect(reached, 'Tab never reaches the block message');
  });
};
