/**
 * Issue 11, "the settings page an admin can trust": each numbered bug (1, 2, 3, 5, 6) as the admin
 * met it, then warnings at the field, confirmations with a recorded reason, diffs before every
 * change, the YAML round trip and people by name. One page, in order, on a fresh store.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { type RunningConsole } from '../../dev/server';
import { invokeOnConsole } from '../console-api';
import { expect, openTab, shot, text, type Suite } from '../harness';

const EXAMPLE_POLICY = readFileSync(path.resolve(__dirname, '../../examples/policy.yaml'), 'utf8');

const dialog = (page: Page) => page.getByRole('dialog');

/** Presses Save, and when the page asks for a confirmation, gives it (with a reason if one is asked for). */
async function saveAndConfirm(page: Page, reason?: string) {
  await page.getByRole('button', { name: 'Save policy' }).click();
  const asked = await dialog(page)
    .waitFor({ timeout: 2_000 })
    .then(() => true)
    .catch(() => false);
  if (!asked) return;
  if (reason) await dialog(page).getByLabel('Reason (required, recorded with the revision)').fill(reason);
  await dialog(page).getByRole('button', { name: /^Save/ }).click();
}

/** The enforced revision, asked of the resolver: each bug test sets up its own scene from there. */
async function currentRevision(app: RunningConsole): Promise<number> {
  return (await invokeOnConsole(app, 'getPolicy', {})).revision as number;
}

async function yamlText(page: Page) {
  await openTab(page, 'YAML');
  return page.locator('#policy-yaml').inputValue();
}

export const adminTrust: Suite = async ({ page, app, context, test, watch, asMember }) => {
  await test(
    'bug 3: with no policy yet, Preview says the pipeline ' + 'passes through unchanged and lists its steps',
    async () => {
      await page.goto(app.url);
      await openTab(page, 'Preview');
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      const result = page.getByTestId('preview-result');
      await result.waitFor();
      await result.getByText('no policy yet: passes through unchanged').waitFor({ timeout: 5_000 });
      await result.getByRole('row', { name: /Build and test/ }).waitFor({ timeout: 5_000 });
      await result.getByRole('row', { name: /PROD deploy/ }).waitFor({ timeout: 5_000 });
      const body = await result.innerText();
      expect(!body.includes('No steps would run'), 'the preview says no steps would run for a two-step pipeline');
      expect(!/blocked run/.test(body), 'the pass-through preview talks about a blocked run');
      await shot(page, 'trust-01-preview-passthrough');
    },
  );

  await test('bug 3: outcome none gets its own note, not the blocked-run one', async () => {
    expect(
      (await invokeOnConsole(app, 'savePolicy', { expectedRevision: 0, policyText: EXAMPLE_POLICY })).ok,
      'the example policy was not saved',
    );
    await page.reload();
    await openTab(page, 'Preview');
    await page.locator('#preview-target-kind').selectOption('tag');
    await page.locator('#preview-target-name').fill('v1.0.0');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const result = page.getByTestId('preview-result');
    await result.locator('.result-head', { hasText: 'none' }).waitFor();
    const note = await result.innerText();
    expect(!/blocked run/.test(note), `the note for outcome none talks about a blocked run: ${note}`);
    expect(
      /nothing to change|no pipeline in this file runs/i.test(note),
      `the note for outcome none does not say that nothing runs: ${note}`,
    );
  });

  await test('a blocked preview lists no changes, and each step shows why it belongs to its environment', async () => {
    await page.locator('#preview-target-kind').selectOption('branch');
    await page.locator('#preview-target-name').fill('feature/x');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const result = page.getByTestId('preview-result');
    await result.locator('.result-head', { hasText: 'blocked' }).waitFor();
    const row = await result.getByRole('row', { name: /PROD deploy/ }).innerText();
    expect(row.includes('none: the run is blocked'), `a blocked run lists changes: ${row}`);
    expect(row.includes('its name starts with "PROD"'), `the environment reason is not visible: ${row}`);
  });

  await test('bug 6: a duplicate environment name is reported while other field errors exist', async () => {
    await openTab(page, 'Environments');
    await page.locator('#f-environments-0-oidc-roleArn').fill('arn:aws:iam::1:role/prod');
    await page.locator('#f-environments-1-name').fill('prod');
    const duplicate = page.locator('#f-environments-1-name-error');
    await duplicate.waitFor({ timeout: 5_000 });
    expect(
      (await duplicate.innerText()).includes('duplicate environment name "prod"'),
      `the name field says: ${await duplicate.innerText()}`,
    );
    const summary = await text(page, '[data-testid=problem-summary]');
    expect(
      summary.includes('duplicate environment name') && summary.includes('not an IAM role ARN'),
      `the summary does not list both problems: ${summary}`,
    );
    await page.getByText('2 problems to fix before saving.').waitFor();
    // The summary links to the field, by the field's name.
    await page.getByTestId('problem-summary').getByRole('link', { name: 'Environment 2 (prod) › Name' }).click();
    expect(
      (await page.evaluate(() => document.activeElement?.id)) === 'f-environments-1-name',
      'the summary link does not focus the field',
    );
    await shot(page, 'trust-02-duplicate-name');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByText('No unsaved changes.').waitFor();
  });

  await test('warnings of `policy check` appear at the field before Save', async () => {
    await page.locator('#f-rules-branch-gate').selectOption('warn');
    const rule = page.locator('#f-rules-branch-gate-warning');
    await rule.waitFor();
    expect((await rule.innerText()).includes('rule branch-gate is "warn"'), `rule warning: ${await rule.innerText()}`);
    expect(
      (await page.locator('#f-rules-branch-gate').getAttribute('aria-describedby'))?.includes(
        'f-rules-branch-gate-warning',
      ),
      'the warning is not tied to its field',
    );
    await page.locator('#f-mode').selectOption('off');
    expect(
      (await page.locator('#f-mode-warning').innerText()).includes('from the policy-wide `mode`'),
      'mode: off has no warning at the mode field',
    );
    await page.locator('#f-environments-0-runner-network-cidrs').fill('');
    const runners = page.locator('#f-environments-0-runner-group-warning');
    await runners.waitFor();
    expect(
      (await runners.innerText()).includes('has an OIDC role but no `runner.network`'),
      `runner warning: ${await runners.innerText()}`,
    );
    expect(
      (await text(page, '[data-testid=warning-summary]')).includes('rule branch-gate is "warn"'),
      'the warning summary misses the rule warning',
    );
    const options = await page.locator('#f-mode option').allInnerTexts();
    expect(
      options.filter((o) => o.startsWith('enforce')).length === 1,
      `the mode select offers enforce twice: ${options.join(' | ')}`,
    );
    expect((await page.getByText('Runner labels (required)').count()) === 0, 'runner labels are labelled required');
    await shot(page, 'trust-03-warnings');
  });

  await test(
    'a save that weakens enforcement shows the diff ' + 'and asks for a reason, which History records',
    async () => {
      await page.getByRole('button', { name: 'Discard changes' }).click();
      await page.locator('#f-mode').selectOption('warn');
      await page.getByRole('button', { name: 'Save policy' }).click();
      const box = dialog(page);
      await box.waitFor();
      expect(
        (await box.getByTestId('weakenings').innerText()).includes('the policy-wide mode goes from enforce to warn'),
        'the dialog does not say what weakens',
      );
      const diff = await box.getByTestId('save-diff').innerText();
      expect(diff.includes('-mode: enforce') && diff.includes('+mode: warn'), `the save diff: ${diff}`);
      const confirm = box.getByRole('button', { name: 'Save with this reason' });
      expect(await confirm.isDisabled(), 'a weakening save can be confirmed without a reason');
      await box.getByLabel('Reason (required, recorded with the revision)').fill('one-week trial of warn mode');
      await shot(page, 'trust-04-weakening-dialog');
      await confirm.click();
      await page.getByText('Saved revision 2').waitFor();
      await openTab(page, 'History');
      await page.getByText('reason: “one-week trial of warn mode”').waitFor();
    },
  );

  await test('rollback shows the diff against the enforced revision, then asks', async () => {
    await page.getByRole('button', { name: 'Roll back to revision 1' }).click();
    const diff = await dialog(page).getByTestId('rollback-diff').innerText();
    expect(diff.includes('-mode: warn') && diff.includes('+mode: enforce'), `the rollback diff: ${diff}`);
    await dialog(page).getByRole('button', { name: 'Roll back to revision 1' }).click();
    await page.getByText('Rolled back to revision 1').waitFor();
    await page.locator('[data-testid=policy-status]', { hasText: 'revision 3 enforced' }).waitFor();
  });

  await test('History compares any two revisions', async () => {
    await page.locator('#compare-from').selectOption('1');
    await page.locator('#compare-to').selectOption('2');
    const diff = await text(page, '[data-testid=history-diff]');
    expect(diff.includes('-mode: enforce') && diff.includes('+mode: warn'), `revision 1 → 2: ${diff}`);
  });

  await test('bug 1: a policy test that already fails is refused with the actual outcome', async () => {
    const revision = await currentRevision(app);
    await page.reload();
    await openTab(page, 'Policy tests');
    await page.locator('#test-name').fill('PROD deploy on main is blocked');
    await page.locator('#test-target-name').fill('main');
    await page.locator('#test-expect').selectOption('blocked');
    await page.getByRole('button', { name: 'Save policy test' }).click();
    await page
      .getByText(`expects blocked, but with saved revision ${revision} the run is allowed`)
      .waitFor({ timeout: 5_000 });
    expect((await page.getByTestId('actual-outcome').innerText()) === 'allowed', 'the actual outcome is not shown');
    expect(
      (await page.getByRole('cell', { name: 'PROD deploy on main is blocked', exact: true }).count()) === 0,
      'the failing test was kept',
    );
    await shot(page, 'trust-05-failing-test-refused');
  });

  await test('bug 1: a rollback goes through a failing test only with an explicit, recorded override', async () => {
    // A trial revision in warn mode, then enforce again; a test that passes now and fails on the trial.
    const trial = (await currentRevision(app)) + 1;
    await page.reload();
    await page.locator('#f-mode').selectOption('warn');
    await saveAndConfirm(page, 'trial of warn mode');
    await page.locator('[data-testid=policy-status]', { hasText: `revision ${trial} enforced` }).waitFor();
    await page.locator('#f-mode').selectOption('enforce');
    await saveAndConfirm(page);
    await page.locator('[data-testid=policy-status]', { hasText: `revision ${trial + 1} enforced` }).waitFor();
    await openTab(page, 'Policy tests');
    await page.locator('#test-name').fill('PROD deploy from a feature branch is blocked');
    await page.locator('#test-target-name').fill('feature/x');
    await page.getByRole('button', { name: 'Save policy test' }).click();
    await page.getByRole('cell', { name: 'PROD deploy from a feature branch is blocked', exact: true }).waitFor();
    await openTab(page, 'History');
    await page.getByRole('button', { name: `Roll back to revision ${trial}` }).click();
    // Warn mode weakens enforcement: the rollback asks for a reason before anything else.
    await dialog(page)
      .getByLabel('Reason (required, recorded with the revision)')
      .fill('incident 7: restore the trial');
    await dialog(page).getByRole('button', { name: 'Roll back with this reason' }).click({ timeout: 5_000 });
    await dialog(page).getByText('Policy tests fail on this revision').waitFor({ timeout: 5_000 });
    const go = dialog(page).getByRole('button', { name: 'Override the failing tests and roll back' });
    expect(await go.isDisabled(), 'the override needs no confirmation');
    await dialog(page).getByLabel('Roll back anyway: override the failing tests (recorded with the revision)').check();
    await shot(page, 'trust-06-rollback-override');
    await go.click();
    await page.getByText(`Rolled back to revision ${trial}`).waitFor();
    await page.getByText('went through failing tests: PROD deploy from a feature branch is blocked').waitFor();
    await page.getByText('reason: “incident 7: restore the trial”').waitFor();
  });

  await test('FAIL results of a discarded draft go away with it', async () => {
    await openTab(page, 'Environments');
    await page.locator('#f-rules-branch-gate').selectOption('off');
    await openTab(page, 'Policy tests');
    await page.getByRole('button', { name: 'Run all against the unsaved policy' }).click();
    await page.getByText('FAIL: got allowed').waitFor();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByText('No unsaved changes.').waitFor();
    expect((await page.getByText('FAIL: got allowed').count()) === 0, 'FAIL results of the discarded draft remain');
  });

  await test(
    'policy tests: duplicate names are refused, a ' + 'test can be edited, deleting one shows what goes',
    async () => {
      await openTab(page, 'Policy tests');
      await page.locator('#test-name').fill('prod deploy from a feature branch is blocked');
      await page.locator('#test-name-error').waitFor();
      expect(
        await page.getByRole('button', { name: 'Save policy test' }).isDisabled(),
        'a duplicate name can be saved',
      );
      await page.locator('#test-name').fill('');
      await page.getByRole('button', { name: 'Edit policy test PROD deploy from a feature branch is blocked' }).click();
      expect((await page.locator('#test-target-name').inputValue()) === 'feature/x', 'Edit does not load the test');
      await page.locator('#test-expect').selectOption('allowed');
      await page.locator('#test-name').fill('Feature branch runs under warn mode');
      await page.getByRole('button', { name: 'Save policy test' }).click();
      await page.getByRole('cell', { name: 'Feature branch runs under warn mode', exact: true }).waitFor();
      expect(
        (await page
          .getByRole('cell', { name: 'PROD deploy from a feature branch is blocked', exact: true })
          .count()) === 0,
        'editing added a second test',
      );
      await page.getByRole('button', { name: 'Delete policy test Feature branch runs under warn mode' }).click();
      const diff = await dialog(page).getByTestId('delete-test-diff').innerText();
      expect(
        diff.includes('-name: Feature branch runs under warn mode') && diff.includes('-expect: allowed'),
        `the deletion diff: ${diff}`,
      );
      await dialog(page).getByRole('button', { name: 'Delete policy test' }).click();
      await page.getByText('No policy tests yet.').waitFor();
    },
  );

  await test('removing an environment shows the diff against the enforced revision, then asks', async () => {
    await openTab(page, 'Environments');
    await page.getByRole('button', { name: 'Remove dev' }).click();
    const diff = await dialog(page).getByTestId('remove-diff').innerText();
    expect(diff.includes('-  - name: dev') && !diff.includes('-  - name: prod'), `the removal diff: ${diff}`);
    await dialog(page).getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog(page).waitFor({ state: 'detached' });
    expect((await page.locator('#f-environments-1-name').inputValue()) === 'dev', 'Cancel removed the environment');
    await page.getByRole('button', { name: 'Remove dev' }).click();
    await dialog(page).getByRole('button', { name: 'Remove dev' }).click();
    expect(
      (await page.locator('#f-environments-1-name').count()) === 0,
      'the confirmed removal did not remove the environment',
    );
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  await test(
    'YAML round trip: comments and key order survive ' + 'form edits, import, save, reload and export',
    async () => {
      // The enforced revision was restored from one saved from the example's text: its comments are there.
      const revision = await currentRevision(app);
      expect(
        (await yamlText(page)).includes('# Environments, most privileged first.'),
        'the saved YAML lost its comments',
      );
      await openTab(page, 'Environments');
      await page.locator('#f-environments-0-oidc-region').fill('eu-central-1');
      const edited = await yamlText(page);
      expect(
        edited.includes('# Refs whose pipelines may run this environment') && edited.includes('region: eu-central-1'),
        'a form edit lost the comments',
      );
      // Import over unsaved changes asks first, and shows what changes.
      const trialPolicy = EXAMPLE_POLICY.replace('mode: enforce', 'mode: warn # trial');
      const imported =
        `# Imported by the browser test: keep me\n${trialPolicy}`.replace('version: 1\n', '') + 'version: 1\n';
      await page
        .locator('input[type=file]')
        .setInputFiles({ name: 'team-policy.yaml', mimeType: 'application/yaml', buffer: Buffer.from(imported) });
      await dialog(page).getByText('Replace your unsaved changes with team-policy.yaml?').waitFor();
      expect(
        (await dialog(page).getByTestId('import-diff').innerText()).includes(
          '+# Imported by the browser test: keep me',
        ),
        'the import diff does not show the new text',
      );
      await dialog(page).getByRole('button', { name: 'Replace with the file' }).click();
      expect(
        (await page.locator('#policy-yaml').inputValue()) === imported,
        'the import did not replace the text exactly',
      );
      await saveAndConfirm(page);
      await page.getByText(`Saved revision ${revision + 1}`).waitFor();
      await page.reload();
      const reloaded = await yamlText(page);
      expect(reloaded === imported, `after save and reload the YAML differs:\n${reloaded.slice(0, 300)}`);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export YAML' }).click();
      const file = await (await download).path();
      expect(readFileSync(file, 'utf8') === imported, 'the export differs from the saved text');
    },
  );

  await test('people by name: the saver shows as a display name, with the account ID in a tooltip', async () => {
    const saver = page.locator('[data-testid=policy-status] .person');
    await saver.filter({ hasText: 'Ada Admin' }).waitFor();
    expect((await saver.getAttribute('title')) === 'console-admin', 'the account ID is not in the tooltip');
    await openTab(page, 'History');
    const revision = await currentRevision(app);
    const by = page.getByRole('row', { name: new RegExp(`^${revision} `) }).locator('.person');
    await by.filter({ hasText: 'Ada Admin' }).waitFor();
    expect((await by.getAttribute('title')) === 'console-admin', 'the History row has no account ID tooltip');
  });

  await test(
    'bug 2: after a refused (stale) save, the losing tab shows ' +
      'the current revision and asks about the field both changed',
    async () => {
      const revision = await currentRevision(app);
      const next = revision + 1;
      await page.reload();
      await page.locator('[data-testid=policy-status]', { hasText: `revision ${revision} enforced` }).waitFor();
      const other = await context.newPage();
      try {
        watch(other, 'tab A');
        await other.goto(app.url);
        await other.locator('[data-testid=policy-status]', { hasText: `revision ${revision} enforced` }).waitFor();
        await other.locator('#f-environments-0-oidc-region').fill('eu-west-2');
        await saveAndConfirm(other);
        await other.getByText(`Saved revision ${next}`).waitFor();
      } finally {
        await other.close();
      }
      // Tab B still shows the old revision and saves on top of it.
      await openTab(page, 'Environments');
      await page.locator('#f-environments-0-oidc-region').fill('us-east-1');
      await saveAndConfirm(page);
      await page.getByText('Someone else saved first').waitFor();
      await page
        .locator('[data-testid=policy-status]', { hasText: `revision ${next} enforced` })
        .waitFor({ timeout: 5_000 });
      const banner = await page.locator('.banner', { hasText: 'Someone else saved first' }).innerText();
      expect(banner.includes(`Ada Admin saved revision ${next}`), `the banner does not say who saved: ${banner}`);
      // Both changed the region: the page asks which to keep, theirs until the admin chooses.
      const conflict = dialog(page).getByTestId('merge-conflict');
      const words = await conflict.innerText();
      expect(words.includes('eu-west-2') && words.includes('us-east-1'), `the conflict: ${words}`);
      expect(
        (await page.locator('#f-environments-0-oidc-region').inputValue()) === 'eu-west-2',
        'the undecided field does not keep their value',
      );
      await conflict.getByLabel(/Their edits/).check();
      await dialog(page).getByRole('button', { name: 'Apply to the draft' }).click();
      await page.getByText('No unsaved changes.').waitFor();
      await page.locator('#f-environments-0-oidc-region').fill('us-east-1');
      await page.getByRole('button', { name: 'Discard changes' }).click();
      await page.getByText('No unsaved changes.').waitFor();
      expect(
        (await page.locator('#f-environments-0-oidc-region').inputValue()) === 'eu-west-2',
        'Discard restored a stale revision',
      );
      await openTab(page, 'History');
      await page.getByRole('row', { name: new RegExp(`^${next} .*current`) }).waitFor();
      expect(
        (await page.getByRole('button', { name: `Roll back to revision ${next}` }).count()) === 0,
        'History offers to roll back to the current revision',
      );
      await page.getByRole('button', { name: `Roll back to revision ${revision}` }).waitFor();
      await shot(page, 'trust-07-stale');
    },
  );

  await test('bug 5: in the read-only view no control can change the draft', async () => {
    await asMember(async (other) => {
      await openTab(other, 'YAML');
      const before = await other.locator('#policy-yaml').inputValue();
      expect((await other.locator('#policy-yaml').getAttribute('readonly')) !== null, 'the YAML text is editable');
      // Whatever file input the page has, a file put into it must not change the draft.
      for (const input of await other.locator('input[type=file]').all())
        await input.setInputFiles({
          name: 'evil.yaml',
          mimeType: 'application/yaml',
          buffer: Buffer.from('version: 1\nmode: off\nenvironments: [{name: x, default: true}]\n'),
        });
      await other.waitForTimeout(300);
      expect(
        (await other.locator('#policy-yaml').inputValue()) === before,
        'a file replaced the draft in the read-only view',
      );
      expect((await other.locator('input[type=file]').count()) === 0, 'the read-only view has a file input');
      for (const name of [
        /^Import/,
        /^Save/,
        /^Discard/,
        /^Remove/,
        /^Move/,
        /^Add /,
        /^Start from/,
        /^Roll back/,
        /^Edit policy test/,
        /^Delete policy test/,
      ])
        expect(
          (await other.getByRole('button', { name }).count()) === 0,
          `the read-only YAML tab has a ${name} button`,
        );
      await openTab(other, 'Environments');
      const editable = await other
        .locator('.panel input:not([type=hidden]), .panel textarea, .panel select')
        .evaluateAll((elements) =>
          elements
            .filter((el) => !(el as HTMLInputElement).readOnly && !(el as HTMLInputElement).disabled)
            .map((el) => el.id || el.outerHTML.slice(0, 80)),
        );
      expect(editable.length === 0, `editable policy controls in the read-only view: ${editable.join(', ')}`);
      for (const name of [/^Remove/, /^Move/, /^Add /])
        expect(
          (await other.getByRole('button', { name }).count()) === 0,
          `the read-only Environments tab has a ${name} button`,
        );
      await shot(other, 'trust-08-read-only');
    });
  });

  await test('the simulate button says nothing runs for outcome none', async () => {
    await openTab(page, 'Decision log');
    await page.getByText('Local console only: simulate a Bitbucket run').click();
    await page.locator('#run-target-kind').selectOption('tag');
    await page.locator('#run-target-name').fill('v9');
    await page.getByRole('button', { name: 'Simulate run' }).click();
    const answer = await text(page, '.run-answer');
    expect(
      !answer.includes('would run the pipeline') && answer.includes('Nothing would run'),
      `the simulated run for outcome none says: ${answer}`,
    );
  });
};
