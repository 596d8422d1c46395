import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli, REPOSITORY_ROOT as root } from '../support/cli';

const SAMPLES = 'fixtures/replay/samples.jsonl';
const BASELINE = ['--baseline', 'examples/policy.yaml'];

describe('pipeline-guard replay', () => {
  it('prints usage with --help', async () => {
    const result = await cli(['replay', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: pipeline-guard replay <samples.jsonl\|-> --policy DRAFT --baseline CURRENT/);
  });

  it('exits 1 and lists the run a tightening draft newly blocks, with its message', async () => {
    const result = await cli(['replay', SAMPLES, '--policy', 'fixtures/replay/draft-deny-latest.yaml', ...BASELINE]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      'Replayed 3 runs from fixtures/replay/samples.jsonl under fixtures/replay/draft-deny-latest.yaml (draft) ' +
        'against examples/policy.yaml (baseline).',
    );
    expect(result.stdout).toContain('  newly blocked: 1   newly allowed: 0');
    expect(result.stdout).toContain('  web: 1 newly blocked (of 1 run)');
    expect(result.stdout).toContain('  deny-image: 1 newly blocked');
    expect(result.stdout).toContain(
      '  1. web, branch feature/x (branches:feature/x) [deny-image]\n' +
        '     Pipeline Guard blocked this run of web for branch feature/x',
    );
    expect(result.stdout).toMatch(/The draft newly blocks 1 run\.\n$/);
  });

  it('exits 0 for a loosening draft and lists the run it newly allows', async () => {
    const result = await cli([
      'replay',
      SAMPLES,
      '--policy',
      'fixtures/replay/draft-gate-warn.yaml',
      ...BASELINE,
      '--format',
      'json',
    ]);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.totals).toEqual({ runs: 3, newlyBlocked: 0, newlyAllowed: 1, changedSteps: 0, newWarnings: 1 });
    expect(
      json.runs.map((run: { repository: string; ref: string; kinds: string[] }) => [
        run.repository,
        run.ref,
        run.kinds,
      ]),
    ).toEqual([['api', 'branch feature/y', ['newly-allowed', 'new-warnings']]]);
  });

  it('reads the samples from standard input', async () => {
    const text = await fs.readFile(path.join(root, SAMPLES), 'utf8');
    const result = await cli(['replay', '-', '--policy', 'examples/policy.yaml', ...BASELINE], { stdin: text });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('The draft newly blocks no run.');
  });

  it.each([
    [['replay', SAMPLES, '--policy', 'examples/policy.yaml'], 'missing --baseline'],
    [
      ['replay', 'fixtures/replay/nope.jsonl', '--policy', 'examples/policy.yaml', ...BASELINE],
      'cannot read fixtures/replay/nope.jsonl: no such file',
    ],
    [
      ['replay', SAMPLES, '--policy', 'fixtures/replay/samples.jsonl', ...BASELINE],
      'the policy fixtures/replay/samples.jsonl cannot be used',
    ],
  ])('exits 2 on unusable input: %j', async (args, message) => {
    const result = await cli(args as string[]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it.each([
    ['{"request": {}}\nnot json\n', '<stdin> line 2: not JSON'],
    ['[1]\n', '<stdin> line 1: a sample is a JSON object'],
    ['{"request": {}, "values": {"TOKEN": "x"}}\n', '<stdin> line 1: unknown field "values"'],
    ['{"request": {}, "repository": {"slug": "Not A Slug"}}\n', '<stdin> line 1: "repository" must be'],
    ['\n\n', '<stdin> holds no samples'],
  ])('exits 2 on a samples file it cannot use: %j', async (input, message) => {
    const result = await cli(['replay', '-', '--policy', 'examples/policy.yaml', ...BASELINE], { stdin: input });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
