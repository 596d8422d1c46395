/**
 * The Trust tab for GCP and Vault environments: each card shows its provider's ready-to-paste
 * artifact, and a workspace input problem is shown once, not repeated on every card. The workspace
 * slug is filled in from the repository listing, and the JSON a cloud's CLI prints, pasted or
 * uploaded, is compared with what Pipeline Guard generates.
 */
import type { Page } from 'playwright-core';
import { expect, openTab, shot, type Suite } from '../harness';

const POLICY = `version: 1
environments:
  - name: prod
    branches: [main, "release/*"]
    tags: ["v*"]
    match:
      stepNamePrefix: PROD
    runner:
      labels: [self.hosted, linux, prod]
      network:
        cidrs: ["203.0.113.0/28"]
    oidc:
      provider: gcp
      workloadIdentityProvider: projects/123456789/locations/global/workloadIdentityPools/bitbucket/providers/acme-prod
      serviceAccount: deployer@acme-prod.iam.gserviceaccount.com
    manualTrigger: true
  - name: dev
    default: true
    branches: ["**"]
    tags: ["**"]
    runner:
      labels: [self.hosted, linux, dev]
      network:
        cidrs: ["198.51.100.0/28"]
    oidc:
      provider: vault
      address: https://vault.example.com:8200
      role: dev-deploy
`;

export const trust: Suite = async ({ page, app, test, asMember }) => {
  await test('saves a policy with a GCP and a Vault environment', async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    await openTab(page, 'YAML');
    await page.locator('#policy-yaml').fill(POLICY);
    await page.getByText('Unsaved changes.').waitFor();
    await page.getByRole('button', { name: 'Save policy' }).click();
    // The save is confirmed in a dialog showing the change against what is enforced (nothing yet).
    await page.getByRole('dialog').getByTestId('save-diff').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Save revision 1' }).click();
    await page.getByText('Saved revision 1').waitFor();
  });

  await test("the environment form shows each cloud's own fields and switches between them", async () => {
    await openTab(page, 'Environments');
    expect(
      (await page.locator('#f-environments-0-oidc-provider').inputValue()) === 'gcp',
      'prod does not show GCP as its cloud',
    );
    expect(
      (await page.locator('#f-environments-0-oidc-serviceAccount').inputValue()) ===
        'deployer@acme-prod.iam.gserviceaccount.com',
      'the service account field does not hold the policy value',
    );
    expect(
      (await page.locator('#f-environments-1-oidc-address').inputValue()) === 'https://vault.example.com:8200',
      'the Vault address field does not hold the policy value',
    );
    await page.locator('#f-environments-1-oidc-provider').selectOption('aws');
    await page.locator('#f-environments-1-oidc-roleArn').waitFor();
    expect(
      (await page.locator('#f-environments-1-oidc-address').count()) === 0,
      'the Vault fields stay after switching to AWS',
    );
    await page.getByText('Unsaved changes.').waitFor();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.locator('#f-environments-1-oidc-address').waitFor();
  });

  await test('fills in the workspace slug it knows, for an admin and for a member', async () => {
    // The console's workspace is "acme" (fixtures/bitbucket/workspace.json): the page knows it from the
    // repository listing it loads as the user.
    const slugFilled = async (on: Page) => {
      await openTab(on, 'Trust policies');
      try {
        await on.waitForFunction(
          () => (document.querySelector('#trust-slug') as HTMLInputElement | null)?.value === 'acme',
        );
      } catch {
        throw new Error(`the workspace slug is not filled in: "${await on.locator('#trust-slug').inputValue()}"`);
      }
      expect(
        await on.getByRole('button', { name: 'Generate trust policies' }).isEnabled(),
        'Generate stays disabled with the slug filled in',
      );
    };
    await slugFilled(page);
    await asMember(slugFilled);
  });

  await test('shows the GCP provider commands and the Vault role for each environment', async () => {
    await openTab(page, 'Trust policies');
    await page.locator('#trust-slug').fill('acme');
    await page.locator('#trust-repo').fill('{2fc883c6-3dee-4e73-a354-ccee4bd77938}');
    await page.getByRole('button', { name: 'Generate trust policies' }).click();
    await page.getByRole('button', { name: 'Copy the prod gcloud commands' }).waitFor();
    await page.getByRole('button', { name: 'Copy the dev vault commands' }).waitFor();
    const gcp = await page.getByLabel('prod gcloud commands', { exact: true }).innerText();
    expect(
      gcp.includes('gcloud iam workload-identity-pools providers create-oidc'),
      'the GCP card lacks the provider command',
    );
    expect(
      gcp.includes('assertion.branchName in [') && gcp.includes('assertion.repositoryUuid in ['),
      `the GCP condition does not bind branch and repository: ${gcp}`,
    );
    expect(
      gcp.includes('attribute.pipeline_guard_environment/prod'),
      'the binding is not limited to the prod provider',
    );
    const vault = await page.getByLabel('dev vault commands', { exact: true }).innerText();
    expect(vault.includes("vault write 'auth/jwt/role/dev-deploy'"), 'the Vault card lacks the role command');
    expect(
      vault.includes('"token_bound_cidrs"') && vault.includes('198.51.100.0/28'),
      'the Vault role is not bound to the runner network',
    );
    expect(
      (await page.locator('[data-provider=gcp]').innerText()).includes('deployer@acme-prod.iam.gserviceaccount.com'),
      'the GCP card does not name the service account',
    );
    await shot(page, 'trust-gcp-vault');
  });

  await test('a bad workspace slug is reported once, not on every card', async () => {
    await page.locator('#trust-slug').fill('Not A Slug');
    await page.getByRole('button', { name: 'Generate trust policies' }).click();
    await page.getByText('Could not generate').waitFor();
    expect(
      (await page.getByText(/is not a Bitbucket workspace slug/).count()) === 1,
      'the slug error is not shown exactly once',
    );
    expect(
      (await page.locator('section.card[aria-labelledby^="trust-"]').count()) === 0,
      'cards from the previous request are still shown beside the error',
    );
  });
};

/** `vault read -format=json` output for the role the Vault card's last command writes. */
async function vaultReadJson(page: Page, change: (data: Record<string, unknown>) => void = () => {}): Promise<string> {
  const commands = await page.getByLabel('dev vault commands', { exact: true }).innerText();
  const heredoc = "<<'JSON'\n";
  const start = commands.indexOf(heredoc) + heredoc.length;
  const payload = JSON.parse(commands.slice(start, commands.lastIndexOf('\nJSON')));
  const data = { ...payload, token_ttl: 900, token_max_ttl: 1800, token_period: 0, bound_subject: '' };
  change(data);
  const read = { request_id: '5f0d7e2a-2f7c-4b8e-9c1d-3a4b5c6d7e8f', lease_id: '', data, warnings: null };
  return JSON.stringify(read, null, 2);
}

export const trustCheck: Suite = async ({ page, app, test }) => {
  await test('checks a pasted Vault role on the Trust tab: as generated, then without its network', async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    await openTab(page, 'YAML');
    await page.locator('#policy-yaml').fill(POLICY);
    await page.getByText('Unsaved changes.').waitFor();
    await openTab(page, 'Trust policies');
    await page.locator('#trust-slug').fill('acme');
    await page.locator('#trust-repo').fill('{2fc883c6-3dee-4e73-a354-ccee4bd77938}');
    await page.getByRole('button', { name: 'Generate trust policies' }).click();
    await page.getByText('From the unsaved policy in the editor.').waitFor();
    const field = page.getByLabel('Deployed JSON for dev', { exact: true });
    await field.fill(await vaultReadJson(page));
    await page.getByRole('button', { name: 'Check the deployed trust of dev' }).click();
    await page.getByText('At least as strict as generated').waitFor();
    await shot(page, 'trust-check-as-strict');

    await field.fill(await vaultReadJson(page, (data) => delete data.token_bound_cidrs));
    await page.getByRole('button', { name: 'Check the deployed trust of dev' }).click();
    await page.getByText('Weaker than generated: 1 condition missing or weaker').waitFor();
    const findings = await page.getByRole('list', { name: 'dev trust check findings' }).innerText();
    expect(
      findings.includes('Weaker: network') && findings.includes('data.token_bound_cidrs'),
      `the finding does not name the network: ${findings}`,
    );
    expect(findings.includes('Fix:'), `the finding has no fix: ${findings}`);
    await shot(page, 'trust-check-weaker');
  });

  await test('reads an uploaded file, says what is stricter, and refuses text that is not JSON', async () => {
    await page.getByLabel('Deployed JSON for dev', { exact: true }).fill('');
    const stricter = await vaultReadJson(page, (data) => (data.token_ttl = 300));
    await page
      .getByLabel('Deployed JSON files for dev')
      .setInputFiles({ name: 'dev-role.json', mimeType: 'application/json', buffer: Buffer.from(stricter) });
    await page.getByRole('button', { name: 'Check the deployed trust of dev' }).click();
    await page.getByText('At least as strict as generated').waitFor();
    const findings = await page.getByRole('list', { name: 'dev trust check findings' }).innerText();
    expect(findings.includes('Stricter: token lifetime'), `the shorter TTL is not reported as stricter: ${findings}`);
    const named = await page.getByText('Compared dev-role.json with the unsaved policy in the editor.').count();
    expect(named === 1, 'the report does not name the uploaded file');

    await page.getByLabel('Deployed JSON files for dev').setInputFiles([]);
    await page.getByLabel('Deployed JSON for prod', { exact: true }).fill('Role: not json');
    await page.getByRole('button', { name: 'Check the deployed trust of prod' }).click();
    await page.getByText('Could not check').waitFor();
    const refused = await page.getByText(/the pasted JSON is not JSON/).count();
    expect(refused === 1, 'the error does not say the pasted text is not JSON');
  });
};
