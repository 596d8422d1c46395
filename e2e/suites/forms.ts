/**
 * The settings page's inputs hold what the schemas accept and look empty when they are: no
 * placeholder that a reader could take for a filled-in value (the examples are in the help under
 * each field), and a maxLength taken from the server's schema on every limited field.
 */
import type { Page } from 'playwright-core';
import { expect, openTab, TIMEOUT, type Suite } from '../harness';

/** The placeholders the forms had, each a value the schema accepts. */
const FORMER_PLACEHOLDERS = [
  'v*',
  'PAY',
  'payments-*',
  'payments-sandbox',
  'production',
  'PROD',
  'dev.large',
  'main\nrelease/*',
  'eu-west-1',
  'jwt',
  'pipeline-policy',
  'PROD deploy from a feature branch is blocked',
];

async function placeholders(page: Page): Promise<string[]> {
  return page
    .locator('main, body')
    .first()
    .locator('input, textarea')
    .evaluateAll((nodes) =>
      nodes.map((node) => (node as HTMLInputElement).placeholder).filter((placeholder) => placeholder !== ''),
    );
}

/** Types past `limit` into a field whose maxLength comes from the schema once it has loaded. */
async function typedPastLimit(page: Page, selector: string, limit: number): Promise<number> {
  await page.waitForFunction(
    ([sel, max]) => (document.querySelector(sel as string) as HTMLInputElement | null)?.maxLength === max,
    [selector, limit] as const,
    { timeout: TIMEOUT },
  );
  const input = page.locator(selector);
  await input.fill('a'.repeat(limit));
  await input.press('End');
  await input.pressSequentially('bcd');
  return (await input.inputValue()).length;
}

export const forms: Suite = async ({ page, app, test }) => {
  await test('no input on the policy forms has a placeholder that looks like a value', async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    await page.getByTestId('scope-fields').first().waitFor({ timeout: TIMEOUT });
    const found: string[] = [];
    found.push(...(await placeholders(page)));
    for (const tab of ['Policy tests', 'Policy source', 'Preview']) {
      await openTab(page, tab);
      await page.waitForLoadState('networkidle');
      found.push(...(await placeholders(page)));
    }
    const lookLikeValues = found.filter((placeholder) => FORMER_PLACEHOLDERS.includes(placeholder));
    expect(lookLikeValues.length === 0, `placeholders that look like values: ${lookLikeValues.join(' | ')}`);
    expect(found.length === 0, `placeholders left on the forms: ${found.join(' | ')}`);
  });

  await test('policy fields stop at the schema’s limit', async () => {
    await openTab(page, 'Environments');
    const limits: [string, number][] = [
      ['#f-environments-0-description', 200],
      ['#f-environments-0-match-stepNamePrefix', 32],
      ['#f-environments-0-name', 32],
    ];
    for (const [selector, limit] of limits) {
      const length = await typedPastLimit(page, selector, limit);
      expect(length === limit, `${selector} holds ${length} characters; the schema accepts ${limit}`);
    }
    // A project key is typed one at a time into the scope picker: ^[A-Za-z][A-Za-z0-9_]{0,127}$.
    const length = await typedPastLimit(page, '#f-environments-0-scope-projects', 128);
    expect(length === 128, `a project key holds ${length} characters; the schema accepts 128`);
  });
};
