import { readFileSync } from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { CONFIGURABLE_RULE_IDS } from '../../src/policy/rule-ids';
import { branchRun, compiled, errorOf, outputOf, repositoryIdentity, run as runWith } from '../support/requests';

const breakers = parse(
  readFileSync(path.resolve(__dirname, '../../fixtures/provider/rule-breakers.yml'), 'utf8'),
) as Record<
  string,
  {
    target: { branch: string; pattern?: string };
    pipeline: unknown[];
    policy?: string;
    repository?: { slug: string; project?: string };
  }
>;

const requestFor = (rule: string) =>
  branchRun(breakers[rule].target.branch, breakers[rule].pipeline, { pattern: breakers[rule].target.pattern });
const withMode = (rule: string, mode: 'enforce' | 'warn' | 'off') =>
  compiled((p) => {
    p.rules = { [rule]: mode };
  }, breakers[rule].policy);
/** Runs as the breaker's repository, for the one whose policy has scopes. */
let current: string | undefined;
const run = (request: ReturnType<typeof requestFor>, policy: ReturnType<typeof withMode>) => {
  const repository = current && breakers[current].repository;
  return runWith(request, policy, repository ? repositoryIdentity(repository.slug, repository.project) : undefined);
};
const findingsOf = (result: ReturnType<typeof run>, rule: string) =>
  result.report.findings.filter((f) => f.rule === rule);

/** Rules whose job is a rewrite: in enforce mode they change the pipeline instead of blocking it. */
const REWRITE_RULES = new Set(['manual-trigger', 'security-scan']);

describe('every configurable rule in every mode', () => {
  it('has a breaking pipeline for every rule', () => {
    expect(Object.keys(breakers).sort()).toEqual([...CONFIGURABLE_RULE_IDS].sort());
  });

  describe.each([...CONFIGURABLE_RULE_IDS])('%s', (rule) => {
    beforeEach(() => {
      current = rule;
    });
    afterEach(() => {
      current = undefined;
    });
    it('enforce: blocks the run, or applies its rewrite', () => {
      const result = run(requestFor(rule), withMode(rule, 'enforce'));
      if (REWRITE_RULES.has(rule)) {
        expect(findingsOf(result, rule)).toEqual([]);
        const items = (outputOf(result).pipelines as any).branches[breakers[rule].target.branch] as any[];
        if (rule === 'security-scan') expect(items[0].step.name).toBe('Security scan');
        else expect(items.at(-1).step.trigger).toBe('manual');
      } else {
        expect(errorOf(result).key).toBe(`pipeline-guard.${rule}`);
      }
    });

    it('warn: lets the run go on and records the finding', () => {
      const result = run(requestFor(rule), withMode(rule, 'warn'));
      expect(outputOf(result)).toBeDefined();
      expect(findingsOf(result, rule).length).toBeGreaterThan(0);
      expect(findingsOf(result, rule).every((f) => f.mode === 'warn')).toBe(true);
      const label = (outputOf(result).labels as any)['pipeline-guard'];
      expect(label.warnings.some((w: string) => w.startsWith(`${rule}@`))).toBe(true);
    });

    it('off: the rule neither reports nor rewrites', () => {
      const result = run(requestFor(rule), withMode(rule, 'off'));
      expect(findingsOf(result, rule)).toEqual([]);
      const enforced = run(requestFor(rule), withMode(rule, 'enforce'));
      if (REWRITE_RULES.has(rule)) expect(outputOf(result)).not.toEqual(outputOf(enforced));
    });
  });

  it(
    'never lets PROD runners or the PROD role through on feature/x, ' + 'whatever mode branch-gate is in, short of off',
    () => {
      for (const mode of ['enforce', 'warn'] as const) {
        const result = run(requestFor('branch-gate'), withMode('branch-gate', mode));
        if ('pipelines_configuration' in result.response) {
          const text = JSON.stringify(result.response);
          expect(text).not.toContain('"prod"');
          expect(text).not.toContain('111111111111');
        }
      }
    },
  );
});
