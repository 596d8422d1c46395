/**
 * `npm run bench:decisions`: the decision log as the settings page uses it in the local console.
 * Seeds 5,000 records (dev/seed.ts), then times `decisions` calls through the console's HTTP route
 * (resolver function + in-memory entity store with Forge's query rules) for filters that each
 * match 50 records: through an index (a repository), and read and filtered after reading (a rule,
 * a grant), plus the first page of the unfiltered log and a full CSV export. A benchmark, not a
 * test: it reports medians and whether the 1 s target is met.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { startConsole } from '../dev/server';

const TARGET_MS = 1_000;
const RUNS = 15;

async function main() {
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-guard-bench-store-'));
  const pageDir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-guard-bench-page-'));
  writeFileSync(path.join(pageDir, 'index.html'), '<!doctype html>');
  const app = await startConsole({ port: 0, storeDir, pageDir, log: () => undefined });
  const post = async (route: string, body: unknown) => {
    const response = await fetch(new URL(route, app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  try {
    await post('/__dev/seed-decisions', { count: 5_000 });
    const cases: Array<[string, Record<string, unknown>]> = [
      ['repository acme/repo-7 (index)', { repository: 'acme/repo-7' }],
      ['rule deny-pipe (filtered after reading)', { rule: 'deny-pipe' }],
      ['grant INC-4711 (filtered after reading)', { grant: 'INC-4711' }],
      ['project OPS + rule deny-pipe', { project: 'OPS', rule: 'deny-pipe' }],
      ['no filter, first page', {}],
    ];
    console.log(
      `decision log, 5,000 records, ${RUNS} runs each (median, max), target < ${TARGET_MS} ms for 50 matches`,
    );
    for (const [name, filter] of cases) {
      const times: number[] = [];
      let matched = 0;
      for (let i = 0; i < RUNS; i += 1) {
        const started = performance.now();
        const answer = await post('/__dev/invoke/decisions', filter);
        times.push(performance.now() - started);
        matched = (answer.records as unknown[]).length;
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      console.log(
        `  ${name.padEnd(44)} ${String(matched).padStart(4)} records  median ${median.toFixed(1).padStart(7)} ms  ` +
          `max ${times[times.length - 1].toFixed(1).padStart(7)} ms  ${median < TARGET_MS ? 'met' : 'MISSED'}`,
      );
    }
    const started = performance.now();
    let cursor: string | undefined;
    let rows = 0;
    do {
      const part = await post('/__dev/invoke/exportDecisions', cursor ? { cursor } : {});
      rows += part.rows as number;
      cursor = part.cursor as string | undefined;
    } while (cursor);
    console.log(`  CSV export of every record: ${rows} rows in ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await app.close();
    rmSync(storeDir, { recursive: true, force: true });
    rmSync(pageDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
