/**
 * The core flows, in order on one page: empty state, field errors, save, preview, YAML, rollback,
 * the decision log, trust policies, policy tests, the keyboard, the read-only view and the Forge build.
 */
import { expect, openTab, shot, text, type Suite } from '../harness';

export const core: Suite = async ({ page, app, test, asMember, asForgeBuild }) => {
  await test('loads the console with the fresh-install empty state', async () => {
    await page.goto(app.url);
    await page.getByRole('heading', { name: 'Pipeline Guard', level: 1 }).waitFor();
    expect(
      (await text(page, '[data-testid=policy-status]')).includes('no policy: pipelines pass through'),
      'status does not say that pipelines pass through',
    );
    await page.getByText('passes every pipeline through unchanged').waitFor();
    await shot(page, '01-empty-state');
  });

  await test('an invalid edit shows the schema error inline on the field', async () => {
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    const role = page.locator('#f-environments-0-oidc-roleArn');
    await role.fill('arn:aws:iam::1:role/prod');
    const error = page.locator('#f-environments-0-oidc-roleArn-error');
    await error.waitFor();
    expect(
      (await error.innerText()).includes('not an IAM role ARN'),
      `inline error reads "${await error.innerText()}"`,
    );
    expect((await role.getAttribute('aria-invalid')) === 'true', 'the field is not marked aria-invalid');
    expect(
      (await role.getAttribute('aria-describedby'))?.includes('f-environments-0-oidc-roleArn-error'),
      'the error is not tied to the field',
    );
    expect(
      await page.getByRole('button', { name: 'Save policy' }).isDisabled(),
      'Save is enabled while the policy is invalid',
    );
    await shot(page, '02-environments-invalid');
    await role.fill('arn:aws:iam::111111111111:role/bitbucket-pipelines-prod');
    await error.waitFor({ state: 'detached' });
  });

  await test('saves a policy', async () => {
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save revision 1' }).click();
    await page.getByText('Saved revision 1').waitFor();
    await page.locator('[data-testid=policy-status]', { hasText: 'revision 1 enforced' }).waitFor();
    await shot(page, '03-environments-saved');
  });

  await test('previews a PROD step on feature/x and sees it blocked', async () => {
    await openTab(page, 'Preview');
    await page.locator('#preview-target-name').fill('feature/x');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const result = page.getByTestId('preview-result');
    await result.getByText('blocked', { exact: true }).first().waitFor();
    const body = await result.innerText();
    expect(body.includes('branch-gate'), 'the violation does not name branch-gate');
    expect(body.includes('PROD deploy'), 'the violation does not name the step');
    await shot(page, '04-preview-blocked');
  });

  await test('previews the same on main and sees it allowed with OIDC injected', async () => {
    await page.locator('#preview-target-name').fill('main');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const result = page.getByTestId('preview-result');
    await result.locator('.result-head', { hasText: 'allowed' }).waitFor();
    const row = result.getByRole('row', { name: /PROD deploy/ });
    const cells = await row.innerText();
    expect(cells.includes('prod') && cells.includes('yes'), `PROD deploy row: ${cells}`);
    expect(
      (await result.locator('pre.diff').innerText()).includes('+') &&
        (await result.locator('pre.diff').innerText()).includes(
          "AWS_ROLE_ARN='arn:aws:iam::111111111111:role/bitbucket-pipelines-prod'",
        ),
      'the diff does not add the PROD role',
    );
    await shot(page, '05-preview-allowed');
  });

  await test('edits the policy as YAML, saves revision 2 and rolls back to revision 1', async () => {
    await openTab(page, 'YAML');
    const yaml = page.locator('#policy-yaml');
    const current = await yaml.inputValue();
    await yaml.fill(current.replace('deny-image: warn', 'deny-image: enforce'));
    await page.getByText('Unsaved changes.').waitFor();
    await shot(page, '06-yaml');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save revision 2' }).click();
    await page.getByText('Saved revision 2').waitFor();
    await openTab(page, 'History');
    await page.getByRole('button', { name: 'Roll back to revision 1' }).click();
    // Revision 1 warns where revision 2 blocks: the rollback weakens enforcement and asks for a reason.
    const dialog = page.getByRole('dialog');
    expect(
      (await dialog.getByTestId('weakenings').innerText()).includes('rule deny-image goes from enforce to warn'),
      'the rollback does not say what it weakens',
    );
    await dialog
      .getByLabel('Reason (required, recorded with the revision)')
      .fill('back to warnings while teams move off :latest');
    await dialog.getByRole('button', { name: 'Roll back with this reason' }).click();
    await page.getByText('Rolled back to revision 1').waitFor();
    await page.locator('[data-testid=policy-status]', { hasText: 'revision 3 enforced' }).waitFor();
    await page.getByText('rollback to revision 1').waitFor();
    await openTab(page, 'YAML');
    expect(
      (await page.locator('#policy-yaml').inputValue()).includes('deny-image: warn'),
      'the rolled-back policy is not revision 1’s',
    );
    await openTab(page, 'History');
    await shot(page, '07-history');
  });

  await test('a simulated Bitbucket run goes through the provider into the decision log', async () => {
    await openTab(page, 'Decision log');
    await page.getByText('Local console only: simulate a Bitbucket run').click();
    await page.locator('#run-target-name').fill('feature/x');
    await page.getByRole('button', { name: 'Simulate run' }).click();
    await page.getByText('Bitbucket would stop the run').waitFor();
    const row = page.getByRole('row', { name: /branch:feature\/x/ });
    await row.waitFor();
    const cells = await row.innerText();
    expect(
      cells.includes('blocked') && cells.includes('branch-gate') && cells.includes('rev 3'),
      `decision row: ${cells}`,
    );
    await shot(page, '08-decision-log');
  });

  await test('generates the trust policies with a copy button', async () => {
    await openTab(page, 'Trust policies');
    await page.locator('#trust-slug').fill('acme');
    await page.getByRole('button', { name: 'Generate trust policies' }).click();
    await page.getByRole('button', { name: 'Copy the prod trust policy' }).waitFor();
    expect(
      (await page.locator('pre.code').first().innerText()).includes(
        'oidc-provider/api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc',
      ),
      'the trust policy does not name the workspace OIDC provider',
    );
    await shot(page, '09-trust-policies');
  });

  await test('a saved policy test blocks a save that breaks it, naming the case', async () => {
    await openTab(page, 'Policy tests');
    await page.locator('#test-name').fill('PROD deploy from a feature branch is blocked');
    await page.locator('#test-target-name').fill('feature/x');
    await page.getByRole('button', { name: 'Save policy test' }).click();
    await page
      .getByRole('cell', { name: 'PROD deploy from a feature branch is blocked', exact: true })
      .first()
      .waitFor();
    await openTab(page, 'Environments');
    await page.locator('#f-rules-branch-gate').selectOption('off');
    await page.getByRole('button', { name: 'Save policy' }).click();
    // The dialog runs the policy tests: the broken case shows before any reason is given, and the save cannot be
    // confirmed.
    const dialog = page.getByRole('dialog');
    await dialog
      .getByTestId('dialog-tests')
      .getByText('“PROD deploy from a feature branch is blocked” expects blocked, got allowed')
      .waitFor();
    await dialog
      .getByLabel('Reason (required, recorded with the revision)')
      .fill('trying the rules without the branch gate');
    expect(
      await dialog.getByRole('button', { name: 'Save with this reason' }).isDisabled(),
      'a save that breaks a policy test can be confirmed',
    );
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await openTab(page, 'Policy tests');
    await shot(page, '10-policy-tests');
  });

  await test('tabs and fields work from the keyboard', async () => {
    await page.getByRole('tab', { name: 'Policy tests', exact: true }).focus();
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('tab', { name: 'Decision log', exact: true, selected: true }).waitFor();
    await page.keyboard.press('Home');
    await page.getByRole('tab', { name: 'Environments', exact: true, selected: true }).waitFor();
    // From the tab list, Tab reaches the tab panel (the ARIA tabs pattern), then its first field.
    await page.keyboard.press('Tab');
    const panel = await page.evaluate(() => document.activeElement?.getAttribute('role'));
    expect(panel === 'tabpanel', `Tab from the tab list focused a ${panel}, not the tab panel`);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const active = document.activeElement as HTMLElement | null;
      return active?.id ? (document.querySelector(`label[for="${active.id}"]`)?.textContent ?? '') : '';
    });
    expect(focused === 'Default mode for every rule', `Tab from the tab list focused a field labelled "${focused}"`);
  });

  await test('a non-admin gets a read-only page', async () => {
    await asMember(async (other) => {
      expect(
        (await other.getByRole('button', { name: 'Save policy' }).count()) === 0,
        'a non-admin sees a Save button',
      );
      expect(
        (await other.locator('#f-environments-0-oidc-roleArn').getAttribute('readonly')) !== null,
        'the role ARN field is editable for a non-admin',
      );
      await other.getByRole('tab', { name: 'History', exact: true }).click();
      await other.getByRole('button', { name: 'View revision 1' }).waitFor();
      expect(
        (await other.getByRole('button', { name: /^Roll back/ }).count()) === 0,
        'a non-admin sees rollback buttons',
      );
      await shot(other, '11-read-only');
    });
  });

  // The production build, bridge adapter included, renders and reaches the resolver.
  await test('smoke: the Forge build renders and calls the resolver through @forge/bridge', async () => {
    await asForgeBuild(async (other, url) => {
      await other.goto(url);
      await other.locator('[data-testid=policy-status]', { hasText: 'revision 3 enforced' }).waitFor();
    });
  });
};
