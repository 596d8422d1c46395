#!/usr/bin/env node
'use strict';
// The launcher only: tsx compiles the TypeScript sources on the fly, and src/cli/main.ts does the work.
require('tsx/cjs');
const fs = require('node:fs');
const { run } = require('../src/cli/main.ts');

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: readStdin,
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
  readFile: (file) => fs.promises.readFile(file, 'utf8'),
  cwd: process.cwd(),
}).then((status) => {
  process.exitCode = status;
});
