/** The text a person reads: simulation reports and policy checks. Colour is decided by the caller. */
import { isScoped } from '../policy/scope';
import type { Policy } from '../policy/schema';
import type { RepositoryIdentity } from '../policy/repository';
import type { SimulationResult, Violation } from '../simulate/simulate';
import { describeTarget, type SimulationTarget } from '../simulate/selection';
import type { PolicyWarning } from '../policy/warnings';

export interface Palette {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const plain = (text: string) => text;

export function palette(enabled: boolean): Palette {
  return enabled
    ? { red: ansi(31), green: ansi(32), yellow: ansi(33), cyan: ansi(36), bold: ansi(1), dim: ansi(2) }
    : { red: plain, green: plain, yellow: plain, cyan: plain, bold: plain, dim: plain };
}

/** Column-aligned rows (header first); the last column is not padded. */
function table(header: string[], rows: string[][], style: Palette): string[] {
  const widths = header.map((title, col) => Math.max(title.length, ...rows.map((row) => row[col].length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, col) => (col === cells.length - 1 ? cell : cell.padEnd(widths[col])))
      .join('  ')
      .trimEnd();
  return [style.bold(format(header)), ...rows.map(format)];
}

function triggerText(result: SimulationResult, target: SimulationTarget): string {
  const what = describeTarget(target);
  switch (result.target.trigger) {
    case 'push':
      return target.kind === 'pullrequest' ? `${what} (created or updated)` : `push of ${what}`;
    case 'manual':
      return `manual run of ${what}`;
    case 'schedule':
      return `scheduled run of ${what}`;
    case 'parent_step':
      return `${what}, started by a child-pipeline step of another pipeline`;
    case 'definitions':
      return `definitions call for the Run-pipeline dialog (${what})`;
  }
}

function location(violation: Violation): string {
  const where =
    violation.step !== undefined ? `step "${violation.step}" at ${violation.path}` : violation.path || 'the pipeline';
  return violation.line !== undefined ? `${where} (line ${violation.line})` : where;
}

function roleText(policy: Policy | undefined, environment: string | undefined, oidc: boolean): string {
  if (!oidc) return '-';
  const env = policy?.environments.find((candidate) => candidate.name === environment);
  if (!env?.oidc) return 'none granted';
  const identity = env.oidc;
  if (identity.provider === 'gcp') return identity.serviceAccount.replace(/\.iam\.gserviceaccount\.com$/, '');
  if (identity.provider === 'vault') return `vault:${identity.role}`;
  return identity.roleArn.replace(/^arn:[^:]+:iam::\d{12}:role\//, '');
}

export interface SimulationView {
  readonly fileLabel: string;
  readonly policyLabel: string;
  readonly policy: Policy | undefined;
  readonly target: SimulationTarget;
  /** The repository the run is for (`--repository`): the text names it by full name, as messages do. */
  readonly repository?: RepositoryIdentity;
}

export function renderSimulation(result: SimulationResult, view: SimulationView, style: Palette): string {
  const lines: string[] = [];
  const field = (name: string, value: string) => lines.push(`${style.bold(name.padEnd(11))} ${value}`);
  field('File', view.fileLabel);
  field('Policy', view.policyLabel);
  field('Run', triggerText(result, view.target));
  // Only scoped policies and grants depend on the repository; for the others the line would be noise,
  // unless the run names one.
  if ((view.policy && isScoped(view.policy)) || result.repository) field('Repository', repositoryText(result, view));
  const selection = result.target.selection;
  field(
    'Definition',
    selection.path
      ? `${selection.path}${selection.line ? ` (line ${selection.line})` : ''}: ${selection.reason}`
      : selection.reason,
  );
  if (selection.ties.length) lines.push(`${''.padEnd(12)}${style.yellow(tieText(selection.ties))}`);
  field('Outcome', outcomeText(result, style));
  if (result.grants?.length)
    field(
      'Grants',
      `${result.grants.join(', ')}: break-glass grant${result.grants.length === 1 ? '' : 's'} ` +
        'waived a rule on this run (see the warnings below)',
    );
  lines.push(...stepLines(result, view, style), ...violationLines(result, style), ...diffLines(result, style));
  return `${lines.join('\n')}\n`;
}

function repositoryText(result: SimulationResult, view: SimulationView): string {
  if (!result.repository) return 'none given: a repository no scope includes (pass --repository SLUG --project KEY)';
  const project = result.repository.project ? ` (project ${result.repository.project})` : ' (no project given)';
  return `${view.repository?.fullName ?? result.repository.slug}${project}`;
}

function tieText(ties: readonly string[]): string {
  return (
    `tie: ${ties.map((t) => `"${t}"`).join(', ')} rank${ties.length === 1 ? 's' : ''} as high; ` +
    "Bitbucket's choice between equal keys is not documented, so the first in the file was simulated"
  );
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function outcomeText(result: SimulationResult, style: Palette): string {
  const blocking = result.violations.filter((v) => v.mode === 'enforce');
  const warnings = result.violations.filter((v) => v.mode === 'warn');
  const warned = warnings.length ? `, ${plural(warnings.length, 'warning')}` : '';
  if (result.outcome === 'blocked') {
    const key = 'error' in result.response ? result.response.error.key : '';
    return (
      `${style.red(style.bold('BLOCKED'))}: ${plural(blocking.length, 'violation')}${warned}; ` +
      `Bitbucket fails the run with error ${key}`
    );
  }
  if (result.outcome === 'none') return `${style.bold('NONE')}: no definition matches, so nothing would run`;
  if (result.target.trigger === 'definitions')
    return (
      `${style.green(style.bold('ALLOWED'))}: the dialog lists the definitions unchanged; ` +
      'each run is checked when it starts' +
      (blocking.length ? ` (${plural(blocking.length, 'violation')} would block it)` : '') +
      warned
    );
  const changed = result.steps.some((s) => s.changes.length) || result.configChanges.length;
  return (
    style.green(style.bold('ALLOWED')) +
    (warned ? `: ${warned.slice(2)}` : '') +
    (changed ? `${warned ? ';' : ':'} runs with the changes below` : '')
  );
}

function stepLines(result: SimulationResult, view: SimulationView, style: Palette): string[] {
  const lines: string[] = [];
  if (result.steps.length) {
    // One row per step; what Pipeline Guard changed follows on indented lines under its row, so
    // that the table stays narrow enough for a terminal.
    lines.push('', style.bold('Steps'));
    const rows = result.steps.map((step) => [
      step.line !== undefined ? String(step.line) : '',
      step.path,
      step.name ?? '(unnamed)',
      step.environment ?? '-',
      step.runsOn?.join(', ') ?? 'cloud',
      roleText(view.policy, step.environment, step.oidc),
    ]);
    const [header, ...body] = table(['Line', 'Step', 'Name', 'Env', 'runs-on', 'OIDC role'], rows, style);
    lines.push(`  ${header}`);
    result.steps.forEach((step, index) => {
      lines.push(`  ${body[index]}`);
      for (const change of step.changes) lines.push(`        ${style.dim('↳')} ${change}`);
      if (step.changes.length === 0) lines.push(`        ${style.dim('↳ unchanged')}`);
    });
  }
  if (result.configChanges.length) {
    lines.push('', style.bold('Pipeline changes'));
    for (const change of result.configChanges) lines.push(`  - ${change}`);
  }
  return lines;
}

function violationLines(result: SimulationResult, style: Palette): string[] {
  if (!result.violations.length) return [];
  const blocking = result.violations.filter((v) => v.mode === 'enforce');
  const warnings = result.violations.filter((v) => v.mode === 'warn');
  const lines = ['', style.bold(`Violations (${blocking.length} blocking, ${plural(warnings.length, 'warning')})`)];
  result.violations.forEach((violation, index) => {
    const tag = violation.mode === 'enforce' ? style.red('BLOCK') : style.yellow('WARN ');
    lines.push(`  ${index + 1}. ${tag} [${violation.rule}] ${location(violation)}`);
    lines.push(`     ${violation.message}`);
    lines.push(`     ${style.cyan('Fix:')} ${violation.fix}`);
  });
  return lines;
}

function diffLines(result: SimulationResult, style: Palette): string[] {
  if (result.diff === undefined) return [];
  const lines = ['', style.bold('Diff')];
  if (result.diff === '') lines.push('  (no changes: Pipeline Guard returns the configuration as Bitbucket sent it)');
  else
    for (const line of result.diff.trimEnd().split('\n'))
      lines.push(
        line.startsWith('+++') || line.startsWith('---')
          ? style.bold(line)
          : line.startsWith('+')
            ? style.green(line)
            : line.startsWith('-')
              ? style.red(line)
              : line.startsWith('@@')
                ? style.cyan(line)
                : line,
      );
  return lines;
}

export function renderPolicyCheck(
  fileLabel: string,
  policy: Policy,
  warnings: readonly (PolicyWarning & { line?: number })[],
  style: Palette,
): string {
  const scopedDefaults = policy.environments.filter((env) => env.default && env.scope).map((env) => env.name);
  const catchAll = policy.environments.find((env) => env.default && !env.scope)?.name;
  const defaultEnv = scopedDefaults.length
    ? `${catchAll} for repositories outside the scopes of ${scopedDefaults.join(', ')}`
    : catchAll;
  const lines = [
    `${fileLabel}: ${style.green('valid')} policy, ` +
      `${policy.environments.length} environment${policy.environments.length === 1 ? '' : 's'} ` +
      `(${policy.environments.map((env) => env.name).join(', ')}; default ${defaultEnv})`,
  ];
  if (warnings.length === 0) lines.push('no warnings');
  else {
    lines.push(style.yellow(`${warnings.length} warning${warnings.length === 1 ? '' : 's'}:`));
    for (const warning of warnings)
      lines.push(`  ${warning.line ? `line ${warning.line}: ` : ''}${style.bold(warning.path)}: ${warning.message}`);
  }
  return `${lines.join('\n')}\n`;
}
