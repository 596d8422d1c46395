/**
 * The installed `pipeline-guard` command: wires the process into run() (main.ts). `npm run build`
 * bundles this file into build/cli/pipeline-guard.js, which package.json's `bin` points at, so
 * nothing compiles TypeScript when the tool starts.
 */
import { promises as fs } from 'node:fs';
import { MAIN_HELP } from './help';
import { VERSION } from './version';

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

async function main(argv: string[]): Promise<number> {
  // Answered here, before the engine, zod and the YAML parser load: run() gives the same answers.
  if (argv.length === 1 && ['--help', '-h', 'help'].includes(argv[0])) {
    process.stdout.write(MAIN_HELP);
    return 0;
  }
  if (argv.length === 1 && ['--version', '-v'].includes(argv[0])) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { run } = await import('./main');
  return run(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: readStdin,
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    readFile: (file) => fs.readFile(file, 'utf8'),
    cwd: process.cwd(),
  });
}

main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
