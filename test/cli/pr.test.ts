import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { cli, REPOSITORY_ROOT as root } from '../support/cli';

const FIX = 'fixtures/pullrequest';

const pr = (source: string, destination: string, ...rest: string[]) =>
  cli([
    'pr',
    '--source',
    `${FIX}/${source}`,
    '--destination',
    `${FIX}/${destination}`,
    '--branch',
    'main',
    '--policy',
    'examples/policy.yaml',
    ...rest,
  ]);

describe('pipeline-guard pr', () => {
  it('exits 1 when the pull request newly blocks main, and says which step, line and fix', async () => {
    const result = await pr('newly-blocks-main.yml', 'main.yml', '--source-branch', 'feature/x');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('✗ push to main: allowed on main today, BLOCKED after this merge');
    expect(result.stdout).toContain('(fixtures/pullrequest/newly-blocks-main.yml line 15)');
  });

  it('exits 0 for a violation already on the destination, listing it', async () => {
    const result = await pr('keeps-blocked-main.yml', 'blocked-main.yml', '--format', 'json');
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.passed).toBe(true);
    expect(json.runs[0].existing.map((v: { rule: string }) => v.rule)).toEqual(['deny-script']);
  });

  it('exits 2 when a file is unusable', async () => {
    const result = await cli([
      'pr',
      '--source',
      'examples/policy.yaml',
      '--destination',
      `${FIX}/main.yml`,
      '--branch',
      'main',
      '--policy',
      'examples/policy.yaml',
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--source examples\/policy\.yaml:1:1: the file has no `pipelines:` section/);
  });

  it('exits 2 without the required options', async () => {
    const result = await cli(['pr', '--source', `${FIX}/main.yml`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('missing --destination, --branch');
  });

  it('fails a file whose imports it cannot read from the command line, rather than pass it', async () => {
    const result = await pr('with-imports.yml', 'main.yml');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '✗ cannot check: import "shared-pipelines:v2:build-and-deploy" (line 11): ' +
        'shared-pipelines@v2:bitbucket-pipelines.yml could not be read ' +
        '(the command line cannot read repository shared-pipelines',
    );
    expect(result.stdout).not.toContain('This is a fault');
  });
});

describe('pipeline-guard simulate --format sarif | code-insights', () => {
  // A draft-04 schema: its root names itself with `id`, which Ajv 8 knows as `$id`; nothing else differs.
  const {
    id,
    $schema: _draft,
    ...rest
  } = JSON.parse(
    readFileSync(path.join(root, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
  );
  const schema = { $id: id, ...rest };
  const validator = () => {
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    return ajv.compile(schema);
  };

  it('writes SARIF 2.1.0 that the schema accepts, with one rule per rule id and results at file lines', async () => {
    const result = await cli([
      'simulate',
      `${FIX}/blocked-main.yml`,
      '--branch',
      'main',
      '--policy',
      'examples/policy.yaml',
      '--format',
      'sarif',
    ]);
    expect(result.status).toBe(1);
    const log = JSON.parse(result.stdout);
    const validate = validator();
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    const [sarifRun] = log.runs;
    expect(sarifRun.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['deny-script']);
    expect(sarifRun.tool.driver.rules[0].help.text).toMatch(/^Blocks script and after-script commands/);
    type SarifResult = {
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
    };
    expect(
      sarifRun.results.map((r: SarifResult) => [
        r.ruleId,
        r.ruleIndex,
        r.level,
        r.locations[0].physicalLocation.artifactLocation.uri,
        r.locations[0].physicalLocation.region.startLine,
      ]),
    ).toEqual([['deny-script', 0, 'error', 'fixtures/pullrequest/blocked-main.yml', 10]]);
  });

  it('catches a SARIF log the schema refuses (the check itself works)', () => {
    expect(validator()({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  it('writes a Code Insights report and annotations with severities', async () => {
    const result = await cli([
      'simulate',
      `${FIX}/warn-only.yml`,
      '--branch',
      'main',
      '--policy',
      'examples/policy.yaml',
      '--format',
      'code-insights',
    ]);
    expect(result.status).toBe(0);
    const insights = JSON.parse(result.stdout);
    expect(insights.report).toMatchObject({ report_type: 'SECURITY', result: 'PASSED', title: 'Pipeline Guard' });
    expect(
      insights.annotations.map((a: { severity: string; line: number; annotation_type: string }) => [
        a.severity,
        a.line,
        a.annotation_type,
      ]),
    ).toEqual([['LOW', 9, 'CODE_SMELL']]);
  });
});
