/**
 * Keeps docs/rules/ true: every example pipeline on a rule page runs through the real engine, and
 * the message printed on the page must be what the engine says. A changed message, a renamed rule
 * or a new transform without a page fails here, not in a developer's blocked pipeline.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { CHAIN } from '../../src/rules/chain';
import { isPlainObject } from '../../src/engine/clone';
import { LABEL_KEY } from '../../src/engine/labels';
import { formatFinding } from '../../src/engine/message';
import type { ProviderRequest, ProviderResponse, Selector } from '../../src/engine/request';
import { runEngine } from '../../src/rules/chain';
import { type EngineResult } from '../../src/engine/run';
import type { Finding, JsonObject } from '../../src/engine/types';
import { createProvider, type PolicyStore } from '../../src/provider/handler';
import type { RepositoryLookup } from '../../src/provider/repository-lookup';
import {
  CONFIGURABLE_RULE_IDS,
  FIXED_RULE_IDS,
  MODES,
  type ConfigurableRuleId,
  type Mode,
} from '../../src/policy/rule-ids';
import { selectDefinition, type RefSpec, type SimulationTarget } from '../../src/simulate/selection';
import { buildProviderRequest, defaultTrigger } from '../../src/simulate/simulate';
import { parseYaml } from '../../src/yaml/document';
import { formatGrantProblems, validateGrants } from '../../src/policy/grants';
import { compiled, policyInputFrom, referencePolicyInput, repositoryIdentity } from '../support/requests';
import { RULE_DOCS_DIR, rulePages, type Example, type RulePage } from './rule-pages';
import { RepositoryLookupError } from '../../src/provider/repository-lookup';

const pages = rulePages();
const pageById = new Map(pages.map((page) => [page.id, page]));
const ALL_IDS = [...new Set<string>([...CHAIN.map((t) => t.id), ...CONFIGURABLE_RULE_IDS, ...FIXED_RULE_IDS])];

/** The run an example's marker describes, in the simulator's terms. */
function targetOf(args: Record<string, string>): SimulationTarget {
  const ref: RefSpec | undefined =
    'tag' in args
      ? { kind: 'tag', name: args.tag }
      : 'branch' in args
        ? { kind: 'branch', name: args.branch }
        : 'commit' in args
          ? { kind: 'commit' }
          : undefined;
  if ('custom' in args) return { kind: 'custom', name: args.custom, ref };
  if ('pr' in args) {
    const [source, destination] = args.pr.split('>');
    return { kind: 'pullrequest', source, destination };
  }
  if (!ref) throw new Error('example names no target (branch=, tag=, pr=, commit or custom=)');
  return ref;
}

/**
 * The request Bitbucket sends for a run of the example file: the simulator's emulation of
 * Bitbucket's definition choice and filtering. `selector=` stands in for a repository provider
 * that changed the configuration after Bitbucket chose the definition.
 */
function requestFor(yaml: string, args: Record<string, string>): ProviderRequest {
  const file = parseYaml(yaml).value;
  if (!isPlainObject(file)) throw new Error('example is not a YAML mapping');
  const target = targetOf(args);
  const selection = selectDefinition(file.pipelines, target);
  const request = buildProviderRequest(
    file,
    target,
    defaultTrigger(target),
    selection.kind === 'selected' ? selection.selection : undefined,
  );
  if (!args.selector) return request;
  const [type, ...pattern] = args.selector.split(':');
  return {
    ...request,
    target: { ...request.target, selector: { type: type as Selector['type'], pattern: pattern.join(':') } },
  };
}

function modeOverrides(args: Record<string, string>): Partial<Record<ConfigurableRuleId, Mode>> {
  const overrides: Partial<Record<ConfigurableRuleId, Mode>> = {};
  for (const pair of (args.rules ?? '').split(',').filter(Boolean)) {
    const [rule, mode] = pair.split(':');
    if (!(CONFIGURABLE_RULE_IDS as readonly string[]).includes(rule) || !(MODES as readonly string[]).includes(mode))
      throw new Error(`bad rules= entry ${pair}`);
    overrides[rule as ConfigurableRuleId] = mode as Mode;
  }
  return overrides;
}

/** A grants file of the project (`grants=FILE`), validated as the CLI validates it. */
function grantsFrom(file: string, now: Date) {
  const result = validateGrants(parseYaml(readFileSync(path.resolve(__dirname, '../..', file), 'utf8')).value, now);
  if (!result.ok) throw new Error(`${file}: ${formatGrantProblems(result.problems)}`);
  return result.grants;
}

/**
 * `policy=FILE` runs an example under another policy of the project; `repository=SLUG project=KEY` as that
 * repository of workspace acme; `grants=FILE now=ISO` under those break-glass grants at that time.
 */
function runExample(
  example: Pick<Example, 'yaml' | 'args'>,
  extra: Partial<Record<ConfigurableRuleId, Mode>> = {},
): EngineResult {
  const overrides = { ...modeOverrides(example.args), ...extra };
  const policy = compiled((p) => {
    p.rules = { ...p.rules, ...overrides };
  }, example.args.policy);
  const repository =
    example.args.repository !== undefined
      ? repositoryIdentity(example.args.repository, example.args.project)
      : undefined;
  const now = example.args.now !== undefined ? new Date(example.args.now) : undefined;
  const grants = example.args.grants !== undefined ? grantsFrom(example.args.grants, now ?? new Date()) : undefined;
  return runEngine(
    requestFor(example.yaml, example.args),
    { kind: 'active', policy },
    { ...(repository ? { repository } : {}), ...(grants ? { grants, now } : {}) },
  );
}

const errorOf = (response: ProviderResponse) => ('error' in response ? response.error : undefined);
const configOf = (response: ProviderResponse) =>
  'pipelines_configuration' in response ? (response.pipelines_configuration as JsonObject) : undefined;
const describeFindings = (findings: readonly Finding[]) =>
  findings.map((f) => `${f.rule}(${f.mode}) ${formatFinding(f)}`).join('\n') || '(no findings)';
const where = (page: RulePage, example: Example) => `docs/rules/${page.id}.md:${example.line}`;

describe('docs/rules covers every rule', () => {
  it('has a page for every transform in the chain and every rule id, and no page for an unknown id', () => {
    expect(ALL_IDS.filter((id) => !pageById.has(id))).toEqual([]);
    expect(pages.map((p) => p.id).filter((id) => !ALL_IDS.includes(id))).toEqual([]);
  });

  it.each(pages.map((p) => [p.id, p] as const))('%s: the title is the id', (id, page) => {
    expect(page.title).toBe(id);
  });

  it.each(CHAIN.map((t) => [t.id, t] as const))(
    "%s: the page's first line is the transform's description",
    (id, transform) => {
      expect(pageById.get(id)?.description).toBe(transform.description);
    },
  );

  it.each(CONFIGURABLE_RULE_IDS.map((id) => [id] as const))(
    '%s: the page shows a breaking example, its fix and the modes',
    (id) => {
      const page = pageById.get(id)!;
      expect(page.examples.filter((e) => e.kind === 'example' && (e.args.rule ?? id) === id).length).toBeGreaterThan(0);
      expect(page.examples.filter((e) => e.kind === 'fix').length).toBeGreaterThan(0);
      const text = readFileSync(page.file, 'utf8');
      expect(text).toMatch(/^## Modes$/m);
      for (const mode of MODES) expect(text).toContain(`\`${mode}\``);
    },
  );

  it.each(CONFIGURABLE_RULE_IDS.map((id) => [id] as const))(
    "%s: the mode the page marks as the reference policy's is the reference policy's",
    (id) => {
      const marked = [
        ...readFileSync(pageById.get(id)!.file, 'utf8').matchAll(/^- `(\w+)` \(reference policy\)/gm),
      ].map((m) => m[1]);
      expect(marked).toEqual([compiled().modeOf(id)]);
    },
  );

  it.each(FIXED_RULE_IDS.map((id) => [id] as const))(
    '%s: the page shows a message and says the rule cannot be switched off',
    (id) => {
      const page = pageById.get(id)!;
      expect(page.examples.filter((e) => e.kind === 'example').length + page.situations.length).toBeGreaterThan(0);
      expect(readFileSync(page.file, 'utf8')).toContain('cannot be switched off');
    },
  );

  it('the index lists the chain in order with each description, and every fixed rule', () => {
    const readme = readFileSync(path.join(RULE_DOCS_DIR, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (\d+) \| \[`([a-z-]+)`\]\(([a-z-]+)\.md\) \| (.+) \|$/gm)].map((m) => ({
      step: Number(m[1]),
      id: m[2],
      link: m[3],
      description: m[4],
    }));
    expect(rows.map((r) => r.id)).toEqual(CHAIN.map((t) => t.id));
    expect(rows.map((r) => r.step)).toEqual(CHAIN.map((_, i) => i + 1));
    for (const [i, transform] of CHAIN.entries()) {
      expect(rows[i].link).toBe(transform.id);
      expect(rows[i].description.replace(/\\\|/g, '|')).toBe(transform.description);
    }
    for (const id of FIXED_RULE_IDS) expect(readme).toContain(`[\`${id}\`](${id}.md)`);
  });
});

const examples = pages.flatMap((page) =>
  page.examples
    .filter((e) => e.kind === 'example')
    .map((example) => [`${where(page, example)} (${example.args.expect})`, page, example] as const),
);
const fixes = pages.flatMap((page) =>
  page.examples.filter((e) => e.kind === 'fix').map((example) => [where(page, example), page, example] as const),
);

describe('every example breaks its rule exactly as the page says', () => {
  it.each(examples)('%s', (_name, page, example) => {
    const rule = example.args.rule ?? page.id;
    const expectation = example.args.expect;
    const result = runExample(example);
    const ofRule = result.report.findings.filter((f) => f.rule === rule);

    if (expectation === 'enforce') {
      const error = errorOf(result.response);
      expect(error).toBeDefined();
      expect(error!.key).toBe(`pipeline-guard.${rule}`);
      // A page's example breaks its own rule and nothing else, so the message shown is all of it.
      expect([...new Set(result.report.findings.filter((f) => f.mode === 'enforce').map((f) => f.rule))]).toEqual([
        rule,
      ]);
      expect(example.message).toBeDefined();
      expect(error!.message).toContain(example.message!);
    } else if (expectation === 'warn') {
      const config = configOf(result.response);
      expect(config).toBeDefined();
      const warnings = ofRule.filter((f) => f.mode === 'warn');
      expect(warnings.length).toBeGreaterThan(0);
      expect(result.report.findings.filter((f) => f.mode === 'enforce')).toEqual([]);
      expect(example.message).toBeDefined();
      const texts = warnings.map(formatFinding);
      expect(texts.some((text) => text.includes(example.message!)) ? example.message : describeFindings(warnings)).toBe(
        example.message,
      );
      // The only trace a developer sees in Bitbucket: the rule and a place in the decision label.
      const label = (config!.labels as JsonObject)[LABEL_KEY] as { warnings: string[] };
      expect(label.warnings.filter((key) => key.startsWith(`${rule}@`)).length).toBeGreaterThan(0);
    } else if (expectation === 'rewrite') {
      expect(result.report.findings).toEqual([]);
      expect(configOf(result.response)).toBeDefined();
      expect(example.output).toBeDefined();
      // The rewrite is this rule's doing: with the rule off, the output differs.
      const without = runExample(example, { [rule as ConfigurableRuleId]: 'off' });
      expect(configOf(without.response)?.pipelines).not.toEqual(configOf(result.response)!.pipelines);
    } else throw new Error(`${where(page, example)}: expect= must be enforce, warn or rewrite`);

    if (example.output !== undefined) {
      const config = configOf(result.response);
      expect(config).toBeDefined();
      expect(config!.pipelines).toEqual(parseYaml(example.output).value);
    }
  });
});

describe('every fix passes its rule', () => {
  it.each(fixes)('%s', (_name, page, example) => {
    const rule = example.args.rule ?? page.id;
    const result = runExample(example);
    expect(describeFindings(result.report.findings.filter((f) => f.rule === rule || f.mode === 'enforce'))).toBe(
      '(no findings)',
    );
    expect(configOf(result.response)).toBeDefined();
    expect(result.report.outcome).toBe('allowed');
  });
});

/** Messages no pipeline file can cause: each page's `situation` names one of these. */
const PUSH_REQUEST = requestFor(
  'pipelines:\n  default:\n    - step:\n        name: Build\n        script:\n          - npm test\n',
  { branch: 'feature/x' },
);
const activePolicy = () => ({ kind: 'active' as const, policy: compiled() });

interface SituationResult {
  readonly rule: string;
  readonly mode: 'enforce' | 'warn';
  /** What the developer or admin reads: the error message, or the finding text for a warning. */
  readonly text: string;
  readonly response: ProviderResponse;
}

const fromEngine = (result: EngineResult, rule: string): SituationResult => {
  const finding = result.report.findings.find((f) => f.rule === rule);
  if (!finding) throw new Error(`no ${rule} finding: ${describeFindings(result.report.findings)}`);
  const error = errorOf(result.response);
  return { rule, mode: finding.mode, text: error?.message ?? formatFinding(finding), response: result.response };
};

async function fromProvider(
  store: PolicyStore,
  log: (message: string) => void = () => {},
  repositories?: RepositoryLookup,
): Promise<SituationResult> {
  const provider = createProvider({ store, log, repositories });
  const response = await provider(PUSH_REQUEST);
  const error = errorOf(response);
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(response).slice(0, 300)}`);
  return { rule: error.key.replace(/^pipeline-guard\./, ''), mode: 'enforce', text: error.message, response };
}

const SITUATIONS: Record<string, () => SituationResult | Promise<SituationResult>> = {
  'request-without-target': () => {
    const { target: _target, ...request } = PUSH_REQUEST;
    return fromEngine(runEngine(request, activePolicy()), 'invalid-request');
  },
  'storage-read-fails': () =>
    fromProvider({ read: () => Promise.reject(new Error('KVS answered 503 Service Unavailable')) }),
  'stored-policy-invalid': () => {
    const policy = referencePolicyInput();
    (policy.environments[0] as { oidc: { roleArn: string } }).oidc.roleArn = 'arn:aws:iam::111111111111:user/deployer';
    return fromProvider({
      read: async () => ({ revision: 4, policy, savedAt: '2026-11-25T09:00:00.000Z', savedBy: 'admin' }),
    });
  },
  'repository-lookup-fails': () =>
    fromProvider(
      {
        read: async () => ({
          revision: 12,
          policy: policyInputFrom('examples/policy-multi-team.yaml'),
          savedAt: '2026-11-25T09:00:00.000Z',
          savedBy: 'admin',
        }),
      },
      () => {},
      { resolve: () => Promise.reject(new Error('Bitbucket answered 503')) },
    ),
  'repository-not-visible': () =>
    fromProvider(
      {
        read: async () => ({
          revision: 12,
          policy: policyInputFrom('examples/policy-multi-team.yaml'),
          savedAt: '2026-11-25T09:00:00.000Z',
          savedBy: 'admin',
        }),
      },
      () => {},
      {
        resolve: () =>
          Promise.reject(
            new RepositoryLookupError(
              'Bitbucket answered 404 when Pipeline Guard asked for repository {2fc883c6-3dee-4e73-a354-ccee4bd77938}',
              'not-visible',
            ),
          ),
      },
    ),
  'no-policy-saved': () => fromEngine(runEngine(PUSH_REQUEST, { kind: 'none' }), 'policy-unavailable'),
  'engine-fault': () => {
    // A configuration that throws while being read stands in for any bug inside the engine.
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('ownKeys trap');
        },
      },
    );
    return fromEngine(
      runEngine({ ...PUSH_REQUEST, pipelines_configuration: hostile }, activePolicy()),
      'internal-error',
    );
  },
  'adapter-fault': () =>
    fromProvider({ read: async () => undefined }, () => {
      throw new Error('log transport closed');
    }),
};

const SITUATION_OUTCOMES: Record<string, { rule: string; mode: 'enforce' | 'warn'; passesThrough?: true }> = {
  'request-without-target': { rule: 'invalid-request', mode: 'enforce' },
  'storage-read-fails': { rule: 'policy-unavailable', mode: 'enforce' },
  'stored-policy-invalid': { rule: 'policy-unavailable', mode: 'enforce' },
  'no-policy-saved': { rule: 'policy-unavailable', mode: 'warn', passesThrough: true },
  'repository-lookup-fails': { rule: 'repository-unknown', mode: 'enforce' },
  'repository-not-visible': { rule: 'repository-unknown', mode: 'enforce' },
  'engine-fault': { rule: 'internal-error', mode: 'enforce' },
  'adapter-fault': { rule: 'internal-error', mode: 'enforce' },
};

const situations = pages.flatMap((page) =>
  page.situations.map(
    (situation) => [`docs/rules/${page.id}.md:${situation.line} (${situation.name})`, page, situation] as const,
  ),
);

describe('every situation gives the message its page shows', () => {
  it('documents every situation the test knows, on its rule page', () => {
    expect(situations.map(([, page, s]) => `${s.name}→${page.id}`).sort()).toEqual(
      Object.entries(SITUATION_OUTCOMES)
        .map(([name, o]) => `${name}→${o.rule}`)
        .sort(),
    );
  });

  it.each(situations)('%s', async (_name, page, situation) => {
    const produce = SITUATIONS[situation.name];
    expect(produce).toBeDefined();
    const result = await produce();
    const expected = SITUATION_OUTCOMES[situation.name];
    expect(result.rule).toBe(page.id);
    expect(result.rule).toBe(expected.rule);
    expect(result.mode).toBe(expected.mode);
    if (expected.passesThrough)
      expect(result.response).toEqual({ pipelines_configuration: PUSH_REQUEST.pipelines_configuration });
    else expect(errorOf(result.response)?.key).toBe(`pipeline-guard.${page.id}`);
    expect(result.text).toContain(situation.message);
  });
});
