/**
 * `npm run check:corpus`: the simulator over every public pipeline file in ../shared/corpus, for
 * `main` and `feature/x` with the example policy, in-process. No file may crash the CLI, and every
 * file it cannot use must be refused with exit status 2 and a position. The files are read from
 * ../shared at check time and never copied into the project.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { run, type CliIo } from '../src/cli/main';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus/pipelines');
const REFS = ['main', 'feature/x'];

interface Captured {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTTY: false,
    env: {},
    readFile: (file) => fs.readFile(file, 'utf8'),
    cwd: ROOT,
  };
  return { status: await run(args, io), stdout, stderr };
}

type Verdict =
  | { kind: 'allowed' | 'blocked' | 'none' | 'invalid'; unverifiable?: string[] }
  | { kind: 'unpositioned' | 'crash'; detail: string };

async function check(file: string, ref: string): Promise<Verdict> {
  let json: Captured;
  let text: Captured;
  try {
    json = await cli(['simulate', file, '--branch', ref, '--format', 'json']);
    text = await cli(['simulate', file, '--branch', ref]);
  } catch (error) {
    return { kind: 'crash', detail: (error as Error).stack ?? String(error) };
  }
  if (json.status !== text.status)
    return { kind: 'crash', detail: `text and json output disagree (exit ${text.status} vs ${json.status})` };
  if (json.status === 2)
    return /:\d+:\d+: /.test(json.stderr) ? { kind: 'invalid' } : { kind: 'unpositioned', detail: json.stderr.trim() };
  if (json.status !== 0 && json.status !== 1)
    return { kind: 'crash', detail: `exit ${json.status}: ${json.stderr.trim()}` };
  const result = JSON.parse(json.stdout) as {
    outcome: 'allowed' | 'blocked' | 'none';
    violations: Array<{ rule: string; message: string; path: string }>;
  };
  // The engine turns its own faults into a blocking finding; for this check that is a crash.
  const fault = result.violations.find((v) => v.rule === 'internal-error');
  if (fault) return { kind: 'crash', detail: `the engine faulted: ${fault.message}` };
  // Steps the unverifiable-identity rule warns about (the path up to the step).
  const unverifiable = result.violations
    .filter((v) => v.rule === 'unverifiable-identity')
    .map((v) => v.path.replace(/\.step\..*$/, ''));
  return { kind: result.outcome, unverifiable: [...new Set(unverifiable)] };
}

async function main(): Promise<number> {
  let files: string[];
  try {
    files = (await fs.readdir(CORPUS)).filter((name) => name.endsWith('.yml')).sort();
  } catch {
    console.error(`corpus: ${CORPUS} not found; the check needs shared/ beside the clone`);
    return 1;
  }
  const counts = { allowed: 0, blocked: 0, none: 0, invalid: 0, unpositioned: 0, crash: 0 };
  const unverifiable: string[] = [];
  for (const name of files) {
    for (const ref of REFS) {
      const verdict = await check(path.join(CORPUS, name), ref);
      counts[verdict.kind]++;
      if ('unverifiable' in verdict)
        unverifiable.push(...(verdict.unverifiable ?? []).map((step) => `${name} --branch ${ref}: ${step}`));
      if ('detail' in verdict)
        console.error(
          `${name} --branch ${ref}: ` +
            `${verdict.kind === 'crash' ? 'CRASH' : 'refused without a position'}: ${verdict.detail}`,
        );
    }
  }
  console.log(
    `corpus: ${files.length} files × ${REFS.length} refs: ` +
      `${counts.allowed} allowed, ${counts.blocked} blocked, ${counts.none} none, ` +
      `${counts.invalid} invalid (exit 2 with position)` +
      `${counts.unpositioned ? `, ${counts.unpositioned} invalid WITHOUT a position` : ''}, ` +
      `${counts.crash} crash${counts.crash === 1 ? '' : 'es'}`,
  );
  const flaggedFiles = new Set(unverifiable.map((entry) => entry.split(' ')[0])).size;
  console.log(
    `unverifiable-identity: warns about ${unverifiable.length} step${unverifiable.length === 1 ? '' : 's'} ` +
      `(file × ref) in ${flaggedFiles} file${flaggedFiles === 1 ? '' : 's'}`,
  );
  for (const entry of unverifiable) console.log(`  ${entry}`);
  return counts.crash || counts.unpositioned || files.length === 0 ? 1 : 0;
}

main().then((status) => {
  process.exitCode = status;
});
