/**
 * Run samples and replay (issue 19), on one page: runs simulated through the console's Bitbucket
 * stand-in leave samples; Preview replays a tightening draft and lists the one run it newly blocks,
 * with its message; the Save dialog says so and holds Save until the admin confirms; History shows
 * the revision, which keeps the replay's brief; a replay of thousands of samples can be cancelled;
 * a read-only member sees no replay controls.
 */
import type { Page } from 'playwright-core';
import { postToConsole } from '../console-api';
import { expect, openTab, shot, text, type Suite } from '../harness';

/** Passes today with a warning (deny-image: warn); the draft enforces deny-image, so it newly blocks it. */
const LATEST_IMAGE_PIPELINE = `image: node:latest

pipelines:
  branches:
    '**':
      - step:
          name: Build and test
          script:
            - npm ci
            - npm test
`;
const PAYMENTS_API = '{a1b2c3d4-0001-4a00-8000-00000000a001}';
const WEBSITE = '{2fc883c6-3dee-4e73-a354-ccee4bd77938}';
const WEB_SHOP = '{a1b2c3d4-0007-4a00-8000-00000000a007}';
/** Enough samples that a replay runs for seconds, in dozens of batches, and can be cancelled between them. */
const MANY = 20_000;
const REPLAY_TIMEOUT = 120_000;

/** One run through the Decision log's "simulate a Bitbucket run" form, waiting for its answer. */
async function simulateRun(page: Page, run: { yaml?: string; ref: string; repository: string }, answer: string) {
  if (run.yaml !== undefined) await page.locator('#run-yaml').fill(run.yaml);
  await page.locator('#run-target-name').fill(run.ref);
  await page.locator('#run-repo').fill(run.repository);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/__dev/simulate-run')),
    page.getByRole('button', { name: 'Simulate run' }).click(),
  ]);
  expect(response.ok(), `the simulated run answered ${response.status()}`);
  await page.locator('.run-answer', { hasText: answer }).waitFor();
}

export const replay: Suite = async ({ page, app, test, asMember }) => {
  const post = (route: string, body: unknown) => postToConsole<unknown>(app, route, body);

  await test('saves the example policy as revision 1', async () => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Start from the example policy' }).click();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save revision 1' }).click();
    await page.getByText('Saved revision 1').waitFor();
  });

  await test('three simulated Bitbucket runs in three repositories leave three run samples', async () => {
    await openTab(page, 'Decision log');
    await page.getByText('Local console only: simulate a Bitbucket run').click();
    const allowed = 'Bitbucket would run the pipeline Pipeline Guard returned.';
    await simulateRun(page, { ref: 'main', repository: WEBSITE }, allowed);
    await simulateRun(page, { ref: 'feature/x', repository: WEB_SHOP }, 'Bitbucket would stop the run');
    await simulateRun(page, { yaml: LATEST_IMAGE_PIPELINE, ref: 'main', repository: PAYMENTS_API }, allowed);
    await openTab(page, 'Preview');
    await page.locator('[data-testid=samples-controls]', { hasText: '3 samples stored' }).waitFor();
  });

  await test("Preview's replay of a tightening draft lists the one newly blocked run, with its message", async () => {
    await openTab(page, 'Environments');
    await page.locator('#f-rules-deny-image').selectOption('enforce');
    await openTab(page, 'Preview');
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const summary = page.getByTestId('replay-summary');
    await summary.waitFor({ timeout: REPLAY_TIMEOUT });
    const head = await summary.locator('strong').innerText();
    expect(
      head === '1 newly blocked, 0 newly allowed, 0 step changes, 0 runs with new warnings',
      `the replay's totals read "${head}": ${await summary.innerText()}`,
    );
    expect((await summary.innerText()).includes('of 3 runs sampled in the last 30 days'), 'not 3 runs replayed');
    const runs = await summary.locator('[data-testid=replay-runs] > li').allInnerTexts();
    expect(runs.length === 1, `${runs.length} runs listed: ${runs.join(' | ')}`);
    const [run] = runs;
    expect(
      run.startsWith(`newly blocked: ${PAYMENTS_API}, branch main (branches:**)`) && run.includes('[deny-image]'),
      `the listed run is not payments-api's main run blocked by deny-image: ${run}`,
    );
    const message = await summary.locator('pre.message').innerText();
    expect(
      message.includes('deny-image') && message.includes('node:latest'),
      `the run's message under the draft does not name the rule and the image: ${message}`,
    );
    expect((await summary.innerText()).includes('By rule: deny-image: 1 newly blocked'), 'no per-rule count');
    await shot(page, 'replay-01-preview');
  });

  await test('the Save dialog says the draft newly blocks a run and holds Save until that is confirmed', async () => {
    await page.getByRole('button', { name: 'Save policy' }).click();
    const dialog = page.getByRole('dialog');
    const replayed = dialog.getByTestId('save-replay');
    await replayed.getByText('This draft newly blocks 1 run').waitFor({ timeout: REPLAY_TIMEOUT });
    expect((await replayed.innerText()).includes(PAYMENTS_API), 'the dialog does not list the newly blocked run');
    const save = dialog.getByRole('button', { name: 'Save revision 2' });
    expect(await save.isDisabled(), 'Save is enabled before the newly blocked runs are confirmed');
    const confirm = dialog.getByLabel('I understand these runs will be blocked (recorded with the revision)');
    await confirm.check();
    expect(await save.isEnabled(), 'Save stays disabled after the confirmation');
    await confirm.uncheck();
    expect(await save.isDisabled(), 'Save is enabled again after the confirmation is withdrawn');
    await confirm.check();
    await shot(page, 'replay-02-save-dialog');
    await save.click();
    await page.getByText('Saved revision 2').waitFor();
  });

  await test('History shows revision 2, and the revision keeps the confirmed replay brief', async () => {
    await openTab(page, 'History');
    await page.getByRole('button', { name: 'View revision 2' }).waitFor();
    // The History tab does not show the brief; the page's own history call is where it is kept.
    const history = (await post('/__dev/invoke/history', {})) as {
      entries?: Array<{ revision: number; replay?: Record<string, unknown> }>;
    };
    const brief = history.entries?.find((entry) => entry.revision === 2)?.replay;
    expect(
      brief?.newlyBlocked === 1 && brief.samples === 3 && brief.confirmed === true,
      `revision 2's replay brief: ${JSON.stringify(brief)}`,
    );
    expect(
      JSON.stringify(brief?.repositories) === JSON.stringify([PAYMENTS_API]),
      `the brief's repositories: ${JSON.stringify(brief?.repositories)}`,
    );
  });

  const manyTitle = `a replay of ${MANY.toLocaleString('en')} more samples shows its progress and can be cancelled`;
  await test(manyTitle, async () => {
    // Through the provider in the console's process: each sample its own repository and file.
    await post('/__dev/seed-samples', { count: MANY });
    await page.reload();
    await openTab(page, 'Preview');
    await page.locator('[data-testid=samples-controls]', { hasText: 'at least 5000 samples stored' }).waitFor();
    // The enforced revision replayed against itself: a fresh job, since the samples changed.
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const progress = page.getByTestId('replay-progress');
    // Cancelled as soon as it is offered: on a loaded machine the whole replay can end within seconds.
    await progress.getByRole('button', { name: 'Cancel replay' }).waitFor();
    expect((await progress.innerText()).startsWith('Replaying…'), `progress: ${await progress.innerText()}`);
    await progress
      .getByRole('button', { name: 'Cancel replay' })
      .click()
      .catch(async (error: Error) => {
        const job = ((await post('/__dev/invoke/replayStatus', {})) as { job?: unknown }).job;
        throw new Error(`${error.message.split('\n')[0]}; the job: ${JSON.stringify(job)}`);
      });
    await progress
      .filter({ hasNotText: 'Replaying…' })
      .or(page.getByTestId('replay-summary'))
      .first()
      .waitFor({ timeout: REPLAY_TIMEOUT });
    const cancelled = (await progress.count()) ? await progress.innerText() : '(no progress line)';
    const job = ((await post('/__dev/invoke/replayStatus', {})) as { job?: unknown }).job;
    expect(
      /^Replay cancelled after \d+ samples; no result kept\.$/.test(cancelled),
      `after the cancel the page reads "${cancelled}"; the job: ${JSON.stringify(job)}`,
    );
    const done = Number(/after (\d+) samples/.exec(cancelled)![1]);
    expect(done < MANY + 3, `the replay was not cut short: ${cancelled}`);
    expect((await page.getByTestId('replay-summary').count()) === 0, 'a cancelled replay shows a result');
    expect(
      await page.getByRole('button', { name: 'Replay', exact: true }).isEnabled(),
      'Replay stays disabled after the cancel',
    );
    await shot(page, 'replay-03-cancelled');
    // The queue stops at the mark: a second later the job is still the cancelled one, with no result.
    await page.waitForTimeout(1_500);
    const status = (await post('/__dev/invoke/replayStatus', {})) as { job?: { status: string }; result?: unknown };
    expect(status.job?.status === 'cancelled' && !status.result, `after the cancel: ${JSON.stringify(status.job)}`);
  });

  await test('a read-only member sees no replay or sample controls', async () => {
    await asMember(async (other) => {
      await other.getByRole('tab', { name: 'Preview', exact: true }).click();
      await other.getByRole('button', { name: 'Preview', exact: true }).waitFor();
      for (const name of ['Replay', 'Cancel replay', 'Export samples', 'Delete all samples', 'Switch sampling off'])
        expect((await other.getByRole('button', { name, exact: true }).count()) === 0, `a member sees “${name}”`);
      expect((await other.locator('#replay-heading').count()) === 0, 'a member sees the replay section');
      expect((await other.getByTestId('samples-controls').count()) === 0, 'a member sees the sample controls');
      expect(!(await text(other, 'main')).includes('Replay the draft'), 'a member is offered a replay');
    });
  });
};
