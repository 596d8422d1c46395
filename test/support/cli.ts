/** The CLI run in-process on this checkout, its output captured: what every CLI test and the corpus check drive. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { run, type CliIo } from '../../src/cli/main';

export const REPOSITORY_ROOT = path.join(__dirname, '../..');

export interface CliOptions {
  readonly stdin?: string;
  readonly isTTY?: boolean;
  readonly env?: Record<string, string>;
  /** The working directory; this checkout unless a test needs another. */
  readonly cwd?: string;
}

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const { stdin } = options;
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stdin: stdin === undefined ? undefined : async () => stdin,
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    readFile: (file) => fs.readFile(file, 'utf8'),
    cwd: options.cwd ?? REPOSITORY_ROOT,
  };
  const status = await run(args, io);
  return { status, stdout, stderr };
}
