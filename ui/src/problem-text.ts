/**
 * A policy or request problem in words for the page: `environments[0].branches[1]` becomes
 * "environment 1 → branch pattern 2", and zod's own wording ("Too big: expected string to have
 * <=60 characters") becomes "at most 60 characters". The server's problems keep their paths for
 * the CLI and the API; only what a person reads on the page is rewritten.
 */
import type { Path } from '../../src/primitives/path';

/** One item of each list the policy and the page's requests have. */
const ITEM_WORDS: Record<string, string> = {
  environments: 'environment',
  branches: 'branch pattern',
  tags: 'tag pattern',
  labels: 'runner label',
  extraLabels: 'extra runner label',
  refs: 'ref pattern',
  creators: 'creator',
  steps: 'scan step',
  script: 'script line',
  images: 'denied image',
  pipes: 'denied pipe',
  scripts: 'denied script pattern',
  projects: 'project',
  repositories: 'repository pattern',
  exclude: 'excluded repository pattern',
  deployments: 'deployment',
  cidrs: 'network range',
};

const FIELD_WORDS: Record<string, string> = {
  roleArn: 'role ARN',
  oidc: 'OIDC identity',
  manualTrigger: 'manual trigger',
  stepNamePrefix: 'step-name prefix',
  securityScan: 'security scan',
  workloadIdentityProvider: 'workload identity provider',
  serviceAccount: 'service account',
  vpcEndpointIds: 'VPC endpoint IDs',
  vpcIds: 'VPC IDs',
  'max-time': 'maximum time',
};

const words = (key: string) => FIELD_WORDS[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

export function fieldInWords(segments: Path): string {
  const parts: string[] = [];
  segments.forEach((segment, index) => {
    if (typeof segment === 'number') return;
    const next = segments[index + 1];
    parts.push(typeof next === 'number' ? `${ITEM_WORDS[segment] ?? words(segment)} ${next + 1}` : words(segment));
  });
  return parts.join(' → ') || 'the policy';
}

const ZOD_WORDING: readonly [RegExp, (...groups: string[]) => string][] = [
  [/^Too big: expected string to have <=?(\d+) characters?$/, (n) => `at most ${n} characters`],
  [/^Too small: expected string to have >=?1 characters?$/, () => 'required'],
  [/^Too small: expected string to have >=?(\d+) characters?$/, (n) => `at least ${n} characters`],
  [/^Too big: expected array to have <=?(\d+) items?$/, (n) => `at most ${n} entries`],
  [/^Too small: expected array to have >=?(\d+) items?$/, (n) => `at least ${n} ${n === '1' ? 'entry' : 'entries'}`],
  [
    /^Too (?:big|small): expected number to be ([<>]=?)(\d+)$/,
    (op, n) => `${op.startsWith('<') ? 'at most' : 'at least'} ${n}`,
  ],
  [/^Invalid input: expected (\w+), received (\w+)$/, (want, got) => `should be ${article(want)}, not ${article(got)}`],
  [
    /^Invalid option: expected one of (.+)$/,
    (list) => `should be one of ${list.replace(/"/g, '').replace(/\|/g, ', ')}`,
  ],
  [/^Invalid string: must match pattern .*$/, () => 'is not in the expected form'],
  [/^Invalid input$/, () => 'is not valid here'],
];

function article(type: string): string {
  const word =
    type === 'array' ? 'list' : type === 'object' ? 'map of fields' : type === 'undefined' ? 'nothing' : type;
  return word === 'nothing' ? word : /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

export function messageInWords(message: string): string {
  for (const [pattern, rewrite] of ZOD_WORDING) {
    const match = pattern.exec(message);
    if (match) return rewrite(...match.slice(1));
  }
  return message;
}

export function problemText(problem: {
  readonly segments?: Path;
  readonly path?: string;
  readonly message: string;
  readonly line?: number;
}): string {
  const where = problem.segments ? fieldInWords(problem.segments) : undefined;
  const at = problem.line ? `line ${problem.line}: ` : '';
  return `${at}${where ? `${where}: ` : ''}${messageInWords(problem.message)}`;
}
