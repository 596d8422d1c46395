/**
 * The decision log at scale, on one page: a pass-through run without a policy (issue 11, bug 4),
 * then 5,000 seeded records (dev/seed.ts) filtered by each field and paged with cursors, a record's
 * detail, CSV export of every matching record, the charts from the hourly rollup (days it never
 * counted drawn as "no data"), the bypass list from replayed deployment events
 * (fixtures/deployments/replay.json), the runs table on a narrow window, and repository names in the
 * log of an unscoped policy, which records runs by UUID only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { seededRecord } from '../../dev/seed';
import { matches, type DecisionFilter } from '../../src/storage/decision-store';
import { dayOf } from '../../src/storage/rollup';
import { postToConsole } from '../console-api';
import { expect, openTab, shot, text, TIMEOUT, type Suite } from '../harness';

const SEEDED = 5_000;
const EXAMPLE_POLICY = readFileSync(path.resolve(__dirname, '../../examples/policy.yaml'), 'utf8');
const BUILD_PIPELINE = 'pipelines:\n  default:\n    - step:\n        name: Build\n        script: [npm test]\n';
/** A repository UUID the console's Bitbucket stand-in does not list (deleted, say). */
const UNLISTED = '{a1b2c3d4-0099-4a00-8000-00000000a099}';

/** Waits until the log's summary says it: the listing has answered for the current filters. */
async function waitForSummary(page: Page, pattern: RegExp) {
  try {
    await page.locator('[data-testid=log-summary]', { hasText: pattern }).waitFor();
  } catch {
    const summary = await text(page, '[data-testid=log-summary]').catch(() => '(none)');
    throw new Error(`the log's summary never matched ${pattern}; it reads "${summary}"`);
  }
}

async function logRows(page: Page) {
  return page.locator('section[aria-labelledby=log-heading] tbody tr').allInnerTexts();
}

/** The per-day chart's text, once the charts answered. */
async function perDaySummary(page: Page) {
  return (await page.getByTestId('chart-per-day').getAttribute('data-summary', { timeout: TIMEOUT })) ?? '';
}

/** Pixels of the canvas drawn in the "no data" grey (charts.tsx, MISSING_COLOR #8590a2). */
async function greyPixels(page: Page, testId: string) {
  return page
    .getByTestId(testId)
    .locator('canvas')
    .evaluate((canvas: HTMLCanvasElement) => {
      // Read from a copy: a second read of the chart's own canvas makes Chromium warn in the console.
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const context = copy.getContext('2d', { willReadFrequently: true })!;
      context.drawImage(canvas, 0, 0);
      const data = context.getImageData(0, 0, copy.width, copy.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs(data[i] - 0x85) < 6 && Math.abs(data[i + 1] - 0x90) < 6 && Math.abs(data[i + 2] - 0xa2) < 6)
          n += 1;
      return n;
    });
}

/** Waits until the log's rows are the `count` records that each contain `needle` (none: the empty view). */
async function waitForRows(page: Page, count: number, needle: string) {
  const deadline = Date.now() + TIMEOUT;
  let rows: string[] = [];
  while (Date.now() < deadline) {
    rows = await logRows(page);
    const done =
      count === 0
        ? rows.length === 0 && (await page.getByText('No runs recorded that match the filter').count()) === 1
        : rows.length === count && rows.every((row) => row.includes(needle));
    if (done) return rows;
    await page.waitForTimeout(100);
  }
  throw new Error(`expected ${count} rows with "${needle}", got ${rows.length}: ${rows.slice(0, 2).join(' | ')}`);
}

export const decisions: Suite = async ({ page, app, test, asMember }) => {
  const post = (route: string, body: unknown) => postToConsole<unknown>(app, route, body);
  // A minute ahead, so that every seeded record is newer than the run of the first test.
  const now = Date.now() + 60_000;
  const seeded = Array.from({ length: SEEDED }, (_, i) => seededRecord(i, SEEDED, now));
  const expectedCount = (filter: DecisionFilter) => seeded.filter((r) => matches(r, filter)).length;

  await test(
    'a run without a saved policy is logged with its ref as ' +
      '“no policy yet”, not as a storage fault (issue 11, bug 4)',
    async () => {
      await page.goto(app.url);
      await openTab(page, 'Decision log');
      await page.getByText('Local console only: simulate a Bitbucket run').click();
      await page.locator('#run-target-name').fill('feature/x');
      await page.getByRole('button', { name: 'Simulate run' }).click();
      await page.getByText('Bitbucket would run the pipeline Pipeline Guard returned.').waitFor();
      const row = page.locator('section[aria-labelledby=log-heading] tbody tr').first();
      await row.getByText('branch:feature/x').waitFor();
      const cells = await row.innerText();
      expect(cells.includes('no policy yet'), `the row does not show the pass-through state: ${cells}`);
      expect(!cells.includes('policy-unavailable'), `the row names the storage fault: ${cells}`);
      await row.getByRole('button', { name: /^Detail of the run/ }).click();
      const detail = page.getByTestId('decision-detail');
      await detail.getByText('No policy was saved yet').waitFor();
      expect((await detail.innerText()).includes('none saved yet'), 'the detail does not say that no policy was saved');
      await detail.getByRole('button', { name: 'Close detail' }).click();
    },
  );

  await test('seeds 5,000 records and lists the newest 50 first, with older ones left for the cursor', async () => {
    await post('/__dev/seed-decisions', { count: SEEDED, now });
    await page.reload();
    await openTab(page, 'Decision log');
    await waitForSummary(page, /^50 records shown; more may match further back/);
    const rows = await logRows(page);
    expect(rows.length === 50, `${rows.length} rows`);
    expect(rows[0].includes('acme/repo-0'), `the newest record is not seed 0: ${rows[0]}`);
  });

  await test('narrow window: Policy on one line, table scrolls by keyboard, repository in table font', async () => {
    await page.setViewportSize({ width: 640, height: 900 });
    try {
      const row = page.locator('section[aria-labelledby=log-heading] tbody tr').first();
      await row.getByText('rev 3').waitFor();
      const measured = await row.evaluate((tr) => {
        const cells = tr.querySelectorAll('td');
        const [repository, policy] = [cells[1], cells[6]];
        // Line boxes of the policy cell's text: one per line it wraps onto.
        const range = document.createRange();
        range.selectNodeContents(policy);
        const lines = new Set(
          Array.from(range.getClientRects())
            .filter((rect) => rect.width > 0)
            .map((rect) => Math.round(rect.top)),
        );
        // Inline loops, not a named helper: tsx would wrap one in a helper the page lacks.
        let policyText: Element = policy;
        while (policyText.firstElementChild) policyText = policyText.firstElementChild;
        let repositoryText: Element = repository;
        while (repositoryText.firstElementChild) repositoryText = repositoryText.firstElementChild;
        return {
          lines: lines.size,
          whiteSpace: getComputedStyle(policyText).whiteSpace,
          repositoryFont: getComputedStyle(repositoryText).fontFamily,
          tableFont: getComputedStyle(tr.closest('table')!).fontFamily,
        };
      });
      console.log(`      (policy cell at 640 px: ${measured.lines} line(s), white-space ${measured.whiteSpace})`);
      expect(measured.lines === 1, `the Policy cell wraps onto ${measured.lines} lines`);
      expect(measured.whiteSpace === 'nowrap', `the Policy cell's white-space is ${measured.whiteSpace}`);
      expect(
        measured.repositoryFont === measured.tableFont,
        `repositories are in ${measured.repositoryFont}, the table in ${measured.tableFont}`,
      );
      const region = page.getByRole('region', { name: /^Runs, newest first/ });
      const wide = await region.evaluate((element) => element.scrollWidth > element.clientWidth);
      expect(wide, 'at 640 px the runs table does not need to scroll; the test proves nothing about scrolling');
      await region.focus();
      expect(await region.evaluate((element) => element === document.activeElement), 'the table is not focusable');
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowRight');
      // Chromium may scroll smoothly: the position moves over the next frames, not by the time the key returns.
      const scrolled = await region.evaluate(async (element) => {
        const started = performance.now();
        while (element.scrollLeft === 0 && performance.now() - started < 2000)
          await new Promise((resolve) => requestAnimationFrame(resolve));
        return element.scrollLeft > 0;
      });
      expect(scrolled, 'the keyboard does not scroll the runs table sideways (within 2 s)');
      await shot(page, 'decisions-01-narrow');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  await test(
    'filters by repository, rule, grant, project, outcome ' + 'and environment, each to the records that match',
    async () => {
      const cases: Array<[string, DecisionFilter, string, (page: Page) => Promise<void>]> = [
        [
          'repository',
          { repository: 'acme/repo-7' },
          'acme/repo-7',
          (p) => p.locator('#log-repository').fill('acme/repo-7'),
        ],
        ['rule', { rule: 'deny-pipe' }, 'deny-pipe', (p) => p.locator('#log-rule').fill('deny-pipe')],
        ['grant', { grant: 'INC-4711' }, 'acme/repo-3', (p) => p.locator('#log-grant').fill('INC-4711')],
        [
          'project + outcome + rule',
          { project: 'OPS', outcome: 'blocked', rule: 'deny-pipe' },
          'deny-pipe',
          async (p) => {
            await p.locator('#log-project').fill('OPS');
            await p.locator('#log-outcome').selectOption('blocked');
            await p.locator('#log-rule').fill('deny-pipe');
          },
        ],
        [
          'environment + outcome + part of a name',
          { environment: 'dev', outcome: 'blocked', repository: 'repo-37' },
          'acme/repo-37',
          async (p) => {
            await p.locator('#log-environment').fill('dev');
            await p.locator('#log-outcome').selectOption('blocked');
            await p.locator('#log-repository').fill('repo-37');
          },
        ],
        ['nothing matches', { grant: 'INC-404' }, '', (p) => p.locator('#log-grant').fill('INC-404')],
      ];
      for (const [name, filter, needle, apply] of cases) {
        const clear = page.getByRole('button', { name: 'Clear filters' });
        if (await clear.count()) await clear.click();
        await waitForSummary(page, /^50 records shown; more may match further back \(50 read\)/);
        const want = expectedCount(filter);
        expect(want <= 50, `${name}: the case should fit one page`);
        const started = Date.now();
        await apply(page);
        await waitForRows(page, want, needle);
        console.log(
          `      (${name}: ${want} of ${SEEDED} records listed in ${Date.now() - started} ms, ` +
            '250 ms of it the typing pause)',
        );
      }
      await page.getByRole('button', { name: 'Clear filters' }).click();
    },
  );

  await test('a date range lists exactly that UTC day', async () => {
    const day = dayOf(now - 3 * 86_400_000);
    await page.locator('#log-from').fill(day);
    await page.locator('#log-to').fill(day);
    await page.locator('#log-rule').fill('branch-gate');
    const want = expectedCount({
      from: Date.parse(`${day}T00:00:00Z`),
      to: Date.parse(`${day}T23:59:59.999Z`),
      rule: 'branch-gate',
    });
    await waitForSummary(page, new RegExp(`^${want} records shown, the whole log`));
    const rows = await logRows(page);
    expect(rows.length === want && want > 0, `${rows.length} rows for ${day}, expected ${want}`);
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  await test('pages through every matching record with the cursor, once each, to the end', async () => {
    await page.locator('#log-rule').fill('branch-gate');
    const want = expectedCount({ rule: 'branch-gate' });
    await waitForRows(page, 50, 'branch-gate');
    // The summary settles only when the filter's own answer is in (not an earlier filter's rows that
    // happen to match): only then is "Load older records" the button for this filter. Each load then
    // waits for a new summary, so the button is never pressed while a page is still arriving.
    let shown = 50;
    await waitForSummary(page, /^50 records shown; more may match further back/);
    for (let loads = 0; loads < 20; loads += 1) {
      const before = await text(page, '[data-testid=log-summary]');
      if (!before.includes('more may match further back')) break;
      await page.getByRole('button', { name: 'Load older records' }).click();
      shown = Math.min(shown + 50, want);
      await waitForRows(page, shown, 'branch-gate');
      await page.locator('[data-testid=log-summary]').filter({ hasNotText: before }).waitFor();
    }
    await waitForSummary(page, new RegExp(`^${want} records shown, the whole log`));
    const rows = await logRows(page);
    expect(new Set(rows).size === want, `${new Set(rows).size} distinct rows of ${want}`);
    await shot(page, 'decisions-01-paged');
  });

  await test(
    'shows a record’s detail: repository, project, ' + 'pipeline, grant, environments and the block message',
    async () => {
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.locator('#log-grant').fill('INC-4711');
      await waitForRows(page, 50, 'acme/repo-3');
      await page
        .locator('section[aria-labelledby=log-heading] tbody tr')
        .first()
        .getByRole('button', { name: /^Detail of the run/ })
        .click();
      const detail = await text(page, '[data-testid=decision-detail]');
      const record = seeded[3];
      for (const expected of [
        record.repository,
        record.project!,
        record.pipeline!,
        'INC-4711',
        'dev',
        String(record.buildNumber),
      ])
        expect(detail.includes(expected), `the detail lacks ${expected}: ${detail}`);
      await page.locator('#log-grant').fill('');
      await page.locator('#log-rule').fill('deny-pipe');
      await waitForRows(page, 50, 'deny-pipe');
      await page
        .locator('section[aria-labelledby=log-heading] tbody tr')
        .first()
        .getByRole('button', { name: /^Detail of the run/ })
        .click();
      await page.getByTestId('decision-detail').getByText('Block message (first 1 KB)').waitFor();
      expect(
        (await text(page, '[data-testid=decision-detail] pre')).includes('[deny-pipe]'),
        'the block message is not shown',
      );
      await shot(page, 'decisions-02-detail');
      await page.getByRole('button', { name: 'Close detail' }).click();
    },
  );

  await test('CSV export holds every matching record, not the first page', async () => {
    const download = async () => {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      return readFileSync((await file.path())!, 'utf8')
        .trim()
        .split('\r\n');
    };
    const filtered = await download();
    expect(filtered.length === 51, `${filtered.length - 1} rows for rule deny-pipe`);
    expect(
      filtered.slice(1).every((line) => line.includes('"deny-pipe"')),
      'a row without the rule',
    );
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForSummary(page, /^50 records shown; more may match further back/);
    const all = await download();
    expect(all.length === SEEDED + 2, `${all.length - 1} rows exported; expected every record (${SEEDED + 1})`);
    await page.getByText(`Exported ${SEEDED + 1} records.`).waitFor();
  });

  await test('days the rollup never counted are drawn and said as “no data”, not as zero', async () => {
    const today = Date.now();
    const day = (back: number) => dayOf(today - back * 86_400_000).slice(5);
    expect(
      (await text(page, '[data-testid=charts-freshness]')).includes('No rollup has run yet'),
      'charts claim a rollup before one ran',
    );
    const before = await perDaySummary(page);
    expect(
      before.includes(`runs: ${day(29)} no data`) &&
        before.includes(`${day(0)} no data`) &&
        !/\d\d-\d\d \d/.test(before),
      `before any rollup, the per-day chart shows counts instead of no data: ${before.slice(0, 160)}`,
    );
    await page.getByText('Local console only: scheduled rollup and deployment events').click();
    await page.getByRole('button', { name: 'Run the hourly rollup now' }).click();
    await page.getByText('Rolled up 7 days.').waitFor();
    // Today, yesterday and the 5 missing days before them; the 23 older days stay un-rolled.
    await page.locator('[data-testid=charts-freshness]', { hasText: '7 of 30 days rolled up' }).waitFor();
    const after = (await perDaySummary(page)).split('; blocked: ')[0];
    const noData = after.match(/ no data/g)?.length ?? 0;
    expect(noData === 23, `${noData} days said as no data after one rollup, expected 23: ${after.slice(0, 200)}`);
    expect(
      after.includes(`${day(7)} no data`) && new RegExp(`${day(6)} \\d+`).test(after),
      `the wrong days are no data: ${after.slice(0, 300)}`,
    );
    const note = await text(page, '[data-testid=chart-per-day-missing]');
    expect(note.includes('no data: this day was never rolled up (23 of 30)'), `the chart's note: ${note}`);
    const label = (await page.getByTestId('chart-per-day').locator('canvas').getAttribute('aria-label')) ?? '';
    expect(label.includes(`${day(29)} no data`), `the chart's accessible text lacks no data: ${label.slice(0, 160)}`);
    const grey = await greyPixels(page, 'chart-per-day');
    expect(grey > 500, `no-data days are not drawn apart (${grey} grey pixels)`);
    await page.getByText('Runs per day as a table').click();
    const rows = await page.getByTestId('per-day-table').locator('tbody tr').allInnerTexts();
    expect(
      rows.length === 30 && rows.filter((r) => r.includes('no data: this day was never rolled up')).length === 23,
      `the per-day table: ${rows.slice(0, 3).join(' | ')}`,
    );
    console.log(`      (after one rollup: 7 days counted, 23 drawn as no data with ${grey} grey pixels)`);
    await page.getByText('Runs per day as a table').click();
    await page.getByTestId('chart-per-day').scrollIntoViewIfNeeded();
    await shot(page, 'decisions-03-no-data');
  });

  await test(
    'the hourly rollup, run on demand, draws runs and blocks ' + 'per day and the top blocking rules and repositories',
    async () => {
      for (let run = 0; run < 6; run += 1) {
        await page.getByRole('button', { name: 'Run the hourly rollup now' }).click();
        await page.getByText(/^Rolled up \d+ days\.$/).waitFor();
        await page
          .getByText(/^Rolled up \d+ days\.$/)
          .waitFor({ state: 'detached' })
          .catch(() => undefined);
      }
      await page.locator('[data-testid=charts-freshness]', { hasText: '30 of 30 days rolled up' }).waitFor();
      const yesterday = dayOf(now - 86_400_000);
      const ofDay = seeded.filter((r) => dayOf(r.at) === yesterday);
      const perDay = (await page.getByTestId('chart-per-day').getAttribute('data-summary')) ?? '';
      expect(
        perDay.includes(`runs: `) && perDay.includes(`${yesterday.slice(5)} ${ofDay.length}`),
        `per-day chart lacks ${yesterday}: ${ofDay.length} runs: ${perDay.slice(0, 200)}`,
      );
      expect(
        perDay.includes(`blocked: `) &&
          perDay
            .split('blocked: ')[1]
            .includes(`${yesterday.slice(5)} ${ofDay.filter((r) => r.outcome === 'blocked').length}`),
        'per-day chart has the wrong blocked count',
      );
      const window = seeded.filter(
        (r) => r.at >= Date.parse(`${dayOf(now - 29 * 86_400_000)}T00:00:00Z`) && r.outcome === 'blocked',
      );
      const gate = window.filter((r) => r.rules.includes('branch-gate')).length;
      const pipe = window.filter((r) => r.rules.includes('deny-pipe')).length;
      const rules = (await page.getByTestId('chart-rules').getAttribute('data-summary')) ?? '';
      expect(
        rules === `blocked runs: branch-gate ${gate}, deny-pipe ${pipe}`,
        `top blocking rules: ${rules}, expected branch-gate ${gate}, deny-pipe ${pipe}`,
      );
      const repositories = (await page.getByTestId('chart-repositories').getAttribute('data-summary')) ?? '';
      expect(repositories.startsWith('blocked runs: acme/repo-'), `top blocking repositories: ${repositories}`);
      // Drawn on the canvas, not just described: some pixels are painted.
      const painted = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLCanvasElement>('figure.chart canvas')).map((canvas) => {
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
          return n;
        }),
      );
      expect(painted.length === 3 && painted.every((n) => n > 500), `canvas pixels painted: ${painted.join(', ')}`);
      await page.getByTestId('chart-per-day').scrollIntoViewIfNeeded();
      await shot(page, 'decisions-03-charts');
    },
  );

  await test('lists Production deployments without an allowed decision, and unknowns as unknown', async () => {
    const bypasses = page.getByTestId('bypasses');
    await bypasses.getByText('No Production deployment without an allowed decision').waitFor();
    await page.getByRole('button', { name: 'Replay deployment events' }).click();
    await page.getByText('Replayed 6 deployment events from fixtures/deployments/replay.json.').waitFor();
    await page
      .locator('[data-testid=bypass-summary]', {
        hasText: '5 Production deployments checked: 1 covered by an allowed decision, 4 need a look.',
      })
      .waitFor();
    const rows = await bypasses.locator('tbody tr').allInnerTexts();
    expect(rows.length === 4, `${rows.length} bypass rows`);
    const row = (needle: string) => rows.find((r) => r.includes(needle)) ?? '';
    expect(
      row('legacy-deployer').includes('no decision') &&
        row('legacy-deployer').includes('deployed without Pipeline Guard: was the provider deselected?'),
      `no-decision row: ${row('legacy-deployer')}`,
    );
    expect(
      row('{5eed0000-0000-4000-8000-000000000001}').includes('not allowed'),
      'the blocked pipeline that deployed is not listed as not allowed',
    );
    expect(
      row('{5eed0000-0000-4000-8000-000000000009}').includes('no policy was saved'),
      'the pass-through pipeline that deployed is not explained',
    );
    expect(
      rows.some((r) => r.includes('unknown: data missing') && r.includes('environment.type')),
      'the event without environment type is not shown as missing data',
    );
    expect(!rows.some((r) => r.includes('staging')), 'a Staging deployment is listed');
    await bypasses.scrollIntoViewIfNeeded();
    await shot(page, 'decisions-04-bypasses');
  });

  await test('an unscoped policy’s log names repositories; their UUIDs stay in the tooltip and the CSV', async () => {
    const saved = (await post('/__dev/invoke/savePolicy', { expectedRevision: 0, policyText: EXAMPLE_POLICY })) as {
      ok: boolean;
    };
    expect(saved.ok, 'the example policy (no scoped environment) was not saved');
    // Two repositories the console's Bitbucket stand-in lists (fixtures/bitbucket/workspace.json), one it does not.
    const runs = [
      ['{a1b2c3d4-0001-4a00-8000-00000000a001}', 'acme/payments-api'],
      ['{a1b2c3d4-0004-4a00-8000-00000000a004}', 'acme/search-indexer'],
      [UNLISTED, UNLISTED],
    ];
    for (const [uuid] of runs)
      await post('/__dev/simulate-run', {
        yaml: BUILD_PIPELINE,
        target: { kind: 'branch', name: 'main' },
        repository: uuid,
      });
    await page.reload();
    await openTab(page, 'Decision log');
    // Part of the UUIDs: the records of an unscoped policy are indexed by UUID, the seeded ones by name.
    await page.locator('#log-repository').fill('a1b2c3d4');
    await waitForSummary(page, /^3 records shown, the whole log/);
    for (const [uuid, name] of runs) {
      const cell = page.locator('section[aria-labelledby=log-heading] tbody tr td:nth-child(2) [title]', {
        hasText: name,
      });
      await cell.waitFor();
      const title = (await cell.getAttribute('title')) ?? '';
      expect(title.includes(uuid), `the tooltip of ${name} lacks its UUID: ${title}`);
      if (uuid === UNLISTED)
        expect(title.includes('not in Bitbucket’s repository list'), `the unlisted UUID's tooltip: ${title}`);
      else expect((await cell.innerText()).trim() === name, `the cell of ${uuid} does not show ${name}`);
    }
    await shot(page, 'decisions-05-unscoped-names');
    // The name shown is a name to filter by: it finds the run recorded by UUID alone.
    await page.locator('#log-repository').fill('acme/payments-api');
    await waitForSummary(page, /^1 record shown, the whole log/);
    const found = await logRows(page);
    expect(found.length === 1 && found[0].includes('acme/payments-api'), `filtered by name: ${found.join(' | ')}`);
    await page.locator('#log-repository').fill('a1b2c3d4');
    await waitForSummary(page, /^3 records shown, the whole log/);
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const lines = readFileSync((await file.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(lines.length === 4, `${lines.length - 1} CSV rows for the three runs`);
    for (const [uuid, name] of runs) {
      expect(
        lines.some((line) => line.includes(`"${uuid}","${uuid}"`)),
        `the CSV does not keep ${uuid} as recorded: ${lines.join(' | ')}`,
      );
      expect(uuid === name || !lines.some((line) => line.includes(`"${name}"`)), `the CSV names ${name}`);
    }
  });

  await test('a member sees the names of the repositories they can read, and no other', async () => {
    await asMember(async (viewer) => {
      await openTab(viewer, 'Decision log');
      await viewer.locator('#log-repository').fill('a1b2c3d4');
      await waitForSummary(viewer, /^2 records shown, the whole log/);
      const cells = await viewer
        .locator('section[aria-labelledby=log-heading] tbody tr td:nth-child(2)')
        .allInnerTexts();
      expect(
        cells
          .map((c) => c.trim())
          .sort()
          .join() === 'acme/payments-api,acme/search-indexer',
        `the member's repository cells: ${cells.join(' | ')}`,
      );
    });
  });
};
