/**
 * Scopes on the settings page, against the console's Bitbucket stand-in (fixtures/bitbucket/
 * workspace.json: 3 projects, 8 repositories, 6 runners): the scope pickers, saving a scope, the
 * "what does repository X get" view, preview for a repository, the runner inventory and its
 * warnings, refreshing the repository cache, and the read-only view of all of these.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, openTab, shot, type Suite } from '../harness';

const MULTI_TEAM = readFileSync(path.resolve(__dirname, '../../examples/policy-multi-team.yaml'), 'utf8');

export const scopes: Suite = async ({ page, app, test, asMember }) => {
  const projects = page.locator('#f-environments-0-scope-projects');
  const repositories = page.locator('#f-environments-0-scope-repositories');
  const exclude = page.locator('#f-environments-0-scope-exclude');
  const chips = (field: string) => page.getByRole('list', { name: `${field} of prod: chosen` });

  await test('the project and repository pickers offer the workspace’s lists, fetched from Bitbucket', async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    await projects.waitFor();
    const options = async (input: typeof projects) => {
      const list = await input.getAttribute('list');
      return page
        .locator(`datalist[id="${list}"] option`)
        .evaluateAll((nodes) => nodes.map((n) => (n as HTMLOptionElement).value));
    };
    await page.waitForFunction(() => document.querySelectorAll('datalist option').length > 0);
    expect(
      JSON.stringify(await options(projects)) === JSON.stringify(['PAY', 'SRCH', 'WEB']),
      `project options: ${await options(projects)}`,
    );
    const repoOptions = await options(repositories);
    expect(
      repoOptions.length === 8 && repoOptions.includes('payments-sandbox') && repoOptions.includes('website'),
      `repository options: ${repoOptions}`,
    );
  });

  await test('picks a project, types slug globs, and each entry says what it stands for', async () => {
    await projects.fill('PAY');
    await projects.press('Enter');
    await chips('Projects').getByText('Payments').waitFor();
    await projects.fill('pay');
    await page.getByRole('button', { name: 'Add to Projects of prod', exact: true }).click();
    await chips('Projects').getByText('did you mean PAY?').waitFor();
    await page.getByRole('button', { name: 'Remove pay from Projects of prod', exact: true }).click();
    await chips('Projects').getByText('did you mean PAY?').waitFor({ state: 'detached' });
    await repositories.fill('payments-*');
    await repositories.press('Enter');
    await chips('Repositories').getByText('matches 3: payments-api, payments-sandbox, payments-web').waitFor();
    await repositories.fill('paymnts-*');
    await repositories.press('Enter');
    await chips('Repositories').getByText('matches no repository of this workspace').waitFor();
    await page.getByRole('button', { name: 'Remove paymnts-* from Repositories of prod', exact: true }).click();
    await exclude.fill('payments-sandbox');
    await exclude.press('Enter');
    const summary = page.getByTestId('scope-summary').first();
    await summary.getByText('2 of the 8 repositories listed (payments-api, payments-web)').waitFor();
    expect(
      (await summary.innerText()).includes('project PAY or repositories payments-*, except payments-sandbox'),
      `summary: ${await summary.innerText()}`,
    );
    await shot(page, 'scopes-01-pickers');
  });

  await test('an invalid slug glob shows the schema error on the picker and blocks the save', async () => {
    await exclude.fill('bad slug');
    await exclude.press('Enter');
    await page.locator('#f-environments-0-scope-exclude-error').waitFor();
    expect(
      await page.getByRole('button', { name: 'Save policy' }).isDisabled(),
      'Save is enabled with an invalid glob',
    );
    await page.getByRole('button', { name: 'Remove bad slug from Except repositories of prod', exact: true }).click();
    await page.locator('#f-environments-0-scope-exclude-error').waitFor({ state: 'detached' });
  });

  await test('saves the scope, and the YAML holds exactly what was picked', async () => {
    await page.getByRole('button', { name: 'Save policy' }).click();
    // The save is confirmed in a dialog showing the change against what is enforced (nothing yet).
    await page.getByRole('dialog').getByTestId('save-diff').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Save revision 1' }).click();
    await page.getByText('Saved revision 1').waitFor();
    await openTab(page, 'YAML');
    const yaml = await page.locator('#policy-yaml').inputValue();
    expect(
      /scope:\s+projects:\s+- PAY\s+repositories:\s+- payments-\*\s+exclude:\s+- payments-sandbox/.test(yaml),
      `saved YAML:\n${yaml}`,
    );
  });

  await test('what does a repository get: environments in scope and its default', async () => {
    await openTab(page, 'Repositories');
    const select = page.locator('#repo-view-repository');
    await page.locator('#repo-view-repository option', { hasText: 'acme/search-api' }).waitFor({ state: 'attached' });
    await select.selectOption({ label: 'acme/search-api (project SRCH)' });
    const view = page.getByTestId('repository-view');
    await view.getByText('steps that match no environment run as').waitFor();
    const prod = await view.getByRole('row', { name: /^1 prod/ }).innerText();
    expect(
      prod.includes('no') && prod.includes('neither project SRCH nor "search-api" is in its scope'),
      `prod row for search-api: ${prod}`,
    );
    const dev = await view.getByRole('row', { name: /^2 dev/ }).innerText();
    expect(dev.includes('default') && dev.includes('yes'), `dev row for search-api: ${dev}`);
    await select.selectOption({ label: 'acme/payments-sandbox (project PAY)' });
    await view.getByRole('row', { name: /^1 prod.*excluded by "payments-sandbox"/ }).waitFor();
    await select.selectOption({ label: 'acme/payments-api (project PAY)' });
    const prodForPayments = await view.getByRole('row', { name: /^1 prod/ }).innerText();
    expect(
      prodForPayments.includes('yes') && prodForPayments.includes('project PAY is in its scope'),
      `prod row for payments-api: ${prodForPayments}`,
    );
    await shot(page, 'scopes-02-repository-view');
  });

  await test('an admin refreshes the repository cache', async () => {
    await page.getByRole('button', { name: 'Refresh repository cache' }).click();
    await page.getByText('The provider now knows acme/payments-api as slug payments-api in project PAY').waitFor();
  });

  await test('preview runs as the chosen repository', async () => {
    await openTab(page, 'Preview');
    const repository = page.locator('#preview-repository');
    await repository.selectOption({ label: 'acme/payments-api (project PAY)' });
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const result = page.getByTestId('preview-result');
    await result.locator('.result-head', { hasText: 'allowed' }).waitFor();
    const row = await result.getByRole('row', { name: /PROD deploy/ }).innerText();
    expect(row.includes('prod'), `PROD deploy for payments-api: ${row}`);
    await repository.selectOption({ label: 'acme/search-api (project SRCH)' });
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await result.locator('.result-head', { hasText: 'blocked' }).waitFor();
    const body = await result.innerText();
    expect(
      body.includes('repository-scope') && body.includes('acme/search-api'),
      `search-api preview does not name the rule and the repository:\n${body.slice(0, 800)}`,
    );
    await shot(page, 'scopes-03-preview-repository');
  });

  await test(
    'a simulated Bitbucket run resolves its repository ' + 'through the stand-in and is judged by scope',
    async () => {
      await openTab(page, 'Decision log');
      await page.getByText('Local console only: simulate a Bitbucket run').click();
      await page.locator('#run-target-name').fill('main');
      // acme/search-api in the fixture workspace: the provider knows only this UUID and asks Bitbucket.
      await page.locator('#run-repo').fill('{a1b2c3d4-0005-4a00-8000-00000000a005}');
      await page.getByRole('button', { name: 'Simulate run' }).click();
      const answer = await page.locator('.run-answer').innerText({ timeout: 15_000 });
      expect(
        answer.startsWith('Bitbucket would stop the run') &&
          answer.includes('repository-scope') &&
          answer.includes('acme/search-api'),
        `search-api's run: ${answer}`,
      );
      await page.locator('#run-repo').fill('{a1b2c3d4-0001-4a00-8000-00000000a001}');
      await page.getByRole('button', { name: 'Simulate run' }).click();
      await page.getByText('Bitbucket would run the pipeline Pipeline Guard returned.').waitFor();
      await page
        .getByRole('row', { name: /acme\/payments-api/ })
        .first()
        .waitFor();
      await shot(page, 'scopes-04-simulated-run');
    },
  );

  await test('the runner inventory shows which online runners serve each environment and warns', async () => {
    await openTab(page, 'Runners');
    const inventory = page.getByTestId('runner-inventory');
    await inventory.waitFor();
    const warnings = page.getByTestId('runner-warnings');
    expect(
      (await warnings.innerText()).includes('No online runner serves "prod"'),
      `warnings for the saved policy: ${await warnings.innerText()}`,
    );
    const runners = await inventory.getByRole('row').allInnerTexts();
    expect(
      runners.length === 2 + 1 + 6 + 1,
      `expected 2 environment and 6 runner rows with headers, got ${runners.length}`,
    );
    // The multi-team policy, unsaved: its runners are partly offline and partly shared.
    await openTab(page, 'YAML');
    await page.locator('#policy-yaml').fill(MULTI_TEAM);
    await page.getByText('Unsaved changes.').waitFor();
    await openTab(page, 'Runners');
    await page.getByRole('button', { name: 'Reload runners' }).click();
    await page.getByText('For the unsaved policy in the editor.').waitFor();
    const text = await warnings.innerText();
    expect(
      text.includes('No online runner serves "prod-search"') && text.includes('search-prod-1 (offline)'),
      `no unserved warning for prod-search: ${text}`,
    );
    expect(
      text.includes('Runner "legacy-web" carries every label of "prod-web" and "dev"'),
      `no shared-runner warning for legacy-web: ${text}`,
    );
    const row = await inventory.getByRole('row', { name: /^prod-payments/ }).innerText();
    expect(row.includes('payments-prod-1'), `prod-payments row: ${row}`);
    const runnerRow = await inventory.getByRole('row', { name: /^payments-dev-1/ }).innerText();
    expect(
      runnerRow.includes('online') && runnerRow.includes('dev.payments') && runnerRow.includes('dev-payments'),
      `payments-dev-1 row (labels given as {name} objects): ${runnerRow}`,
    );
    await shot(page, 'scopes-05-runner-inventory');
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  await test(
    'a non-admin sees scopes and repositories read-only, ' + 'without the refresh control, and no runner inventory',
    async () => {
      await asMember(async (other) => {
        const projectChips = other.getByRole('list', { name: 'Projects of prod: chosen' });
        await projectChips.getByText('PAY', { exact: true }).waitFor();
        expect(
          (await other.locator('#f-environments-0-scope-projects').count()) === 0,
          'a non-admin gets a project picker input',
        );
        expect(
          (await other.getByRole('button', { name: /^Remove .* from / }).count()) === 0,
          'a non-admin sees remove buttons on scope entries',
        );
        expect(
          (await other.getByRole('button', { name: /^Add to / }).count()) === 0,
          'a non-admin sees Add buttons on scope pickers',
        );
        await other.getByRole('tab', { name: 'Repositories', exact: true }).click();
        await other.locator('#repo-view-repository option', { hasText: 'acme/website' }).waitFor({ state: 'attached' });
        await other.locator('#repo-view-repository').selectOption({ label: 'acme/website (project WEB)' });
        await other.getByTestId('repository-view').getByText('steps that match no environment run as').waitFor();
        expect(
          (await other.getByRole('button', { name: 'Refresh repository cache' }).count()) === 0,
          'a non-admin sees the refresh control',
        );
        await other.getByRole('tab', { name: 'Runners', exact: true }).click();
        // Runner names and labels are workspace-wide: the server answers the inventory to admins only (access.ts).
        await other.getByText('The runner inventory is for workspace admins').waitFor();
        expect((await other.getByTestId('runner-inventory').count()) === 0, 'a non-admin sees the runner inventory');
        await shot(other, 'scopes-06-read-only');
        // The server refuses the write too, whatever the page shows.
        const refused = await other.evaluate(async () => {
          const response = await fetch('/__dev/invoke/refreshRepository', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ repositoryUuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}' }),
          });
          return (await response.json()) as { ok: boolean; error?: { code: string } };
        });
        expect(
          !refused.ok && refused.error?.code === 'forbidden',
          `a non-admin's refresh was answered ${JSON.stringify(refused)}`,
        );
      });
    },
  );
};
