/** A simulator result as the page shows it: outcome, per-step table, violations and diff. */
import DynamicTable from './table';
import Heading from '@atlaskit/heading';
import Lozenge from './lozenge';
import SectionMessage from './section-message';
import type { PreviewView } from '../../src/settings/api';
import type { SimulationResult } from '../../src/simulate/simulate';
import { DiffView } from './diff-view';

export function OutcomeLozenge({ outcome }: { outcome: string }) {
  const appearance =
    outcome === 'allowed'
      ? 'success'
      : outcome === 'blocked'
        ? 'removed'
        : outcome === 'passthrough'
          ? 'moved'
          : 'default';
  return (
    <Lozenge appearance={appearance} isBold>
      {outcome}
    </Lozenge>
  );
}

/** Why there is no diff, for each outcome: never a blocked-run note for a run that is not blocked. */
function noDiffNote(result: SimulationResult, passthrough: boolean): string {
  if (passthrough) return 'No diff: with no policy saved yet, Pipeline Guard returns the pipeline unchanged.';
  if (result.outcome === 'blocked') return 'No diff: a blocked run returns an error instead of a configuration.';
  if (result.outcome === 'none')
    return 'No diff: no pipeline in this file runs for this target, so there is nothing to change.';
  if (result.target.trigger === 'definitions')
    return 'No diff: the Run-pipeline dialog gets the definitions back unchanged.';
  return 'No diff: the policy changes nothing in this pipeline.';
}

const NO_STEPS: Record<SimulationResult['outcome'], string> = {
  allowed: 'No steps would run.',
  blocked: 'No steps would run.',
  none: 'No steps: no pipeline in this file runs for this target.',
};

type Passthrough = PreviewView['passthrough'];
type Step = SimulationResult['steps'][number];

export function SimulationView({
  result,
  policySource,
  passthrough,
}: {
  result: SimulationResult;
  policySource: string;
  passthrough?: PreviewView['passthrough'];
}) {
  const blocking = result.violations.filter((v) => v.mode === 'enforce');
  // Pass-through says so itself; its "no policy" note is not a warning about the pipeline.
  const warnings = passthrough ? [] : result.violations.filter((v) => v.mode === 'warn');
  const blocked = result.outcome === 'blocked';
  return (
    <div className="stack" data-testid="preview-result">
      <ResultHead result={result} policySource={policySource} passthrough={passthrough} />
      <ViolationMessages blocking={blocking} warnings={warnings} />
      <StepsTable result={result} passthrough={passthrough} />
      {result.configChanges.length && !blocked ? <OtherChanges changes={result.configChanges} /> : null}
      <DiffSection result={result} passthrough={passthrough} />
      {'error' in result.response ? <DeveloperMessage message={result.response.error.message} /> : null}
    </div>
  );
}

function ResultHead({
  result,
  policySource,
  passthrough,
}: {
  result: SimulationResult;
  policySource: string;
  passthrough?: Passthrough;
}) {
  return (
    <div className="result-head" role="status">
      <span>Outcome:</span>{' '}
      {passthrough ? <OutcomeLozenge outcome="passthrough" /> : <OutcomeLozenge outcome={result.outcome} />}
      {passthrough ? <strong>no policy yet: passes through unchanged</strong> : null}
      <span className="hint">
        {' '}
        with {policySource};{' '}
        {result.target.selection.path ? `definition ${result.target.selection.path}` : 'no definition'}:{' '}
        {result.target.selection.reason}
      </span>
    </div>
  );
}

function ViolationMessages({
  blocking,
  warnings,
}: {
  blocking: SimulationResult['violations'];
  warnings: SimulationResult['violations'];
}) {
  return (
    <>
      {blocking.length > 0 ? (
        <SectionMessage
          appearance="error"
          title={`Blocked: ${blocking.length} violation${blocking.length === 1 ? '' : 's'}`}
        >
          <ViolationList violations={blocking} />
        </SectionMessage>
      ) : null}
      {warnings.length > 0 ? (
        <SectionMessage
          appearance="warning"
          title={`${warnings.length} warning${warnings.length === 1 ? '' : 's'} (the run goes ahead)`}
        >
          <ViolationList violations={warnings} />
        </SectionMessage>
      ) : null}
    </>
  );
}

const STEPS_HEAD = {
  cells: [
    { key: 'step', content: 'Step' },
    { key: 'env', content: 'Environment' },
    { key: 'runs', content: 'Runs on' },
    { key: 'oidc', content: 'OIDC role' },
    { key: 'changes', content: 'Changes' },
  ],
};

function StepsTable({ result, passthrough }: { result: SimulationResult; passthrough?: Passthrough }) {
  const steps = passthrough ? passthrough.steps : result.steps;
  const blocked = result.outcome === 'blocked';
  return (
    <DynamicTable
      caption="Steps"
      head={STEPS_HEAD}
      rows={steps.map((step, i) => ({
        key: `${step.path}-${i}`,
        cells: [
          { key: 'step', content: <StepName step={step} /> },
          { key: 'env', content: stepEnvironment(step, Boolean(passthrough)) },
          { key: 'runs', content: step.runsOn ? <code>{step.runsOn.join(', ')}</code> : 'Atlassian cloud' },
          { key: 'oidc', content: step.oidc ? 'yes' : 'no' },
          { key: 'changes', content: stepChanges(step, blocked) },
        ],
      }))}
      emptyView={<p>{passthrough && !result.target.selection.path ? NO_STEPS.none : NO_STEPS[result.outcome]}</p>}
    />
  );
}

function StepName({ step }: { step: Step }) {
  return (
    <span>
      {step.name ?? '(unnamed)'}
      <br />
      <code className="small">
        {step.path}
        {step.line ? ` · line ${step.line}` : ''}
      </code>
    </span>
  );
}

function stepEnvironment(step: Step, passthrough: boolean) {
  if (!step.environment) return passthrough ? 'none (no policy)' : '—';
  return (
    <span>
      {step.environment}
      {step.environmentReason ? <span className="hint step-reason"> · {step.environmentReason}</span> : null}
    </span>
  );
}

function stepChanges(step: Step, blocked: boolean) {
  if (blocked) return <span className="hint">none: the run is blocked, so nothing is changed</span>;
  if (!step.changes.length) return 'none';
  return (
    <ul className="plain">
      {step.changes.map((c, j) => (
        <li key={j}>{c}</li>
      ))}
    </ul>
  );
}

function SectionTitle({ children }: { children: string }) {
  return (
    <div className="section-title">
      <Heading size="small" as="h3">
        {children}
      </Heading>
    </div>
  );
}

function OtherChanges({ changes }: { changes: SimulationResult['configChanges'] }) {
  return (
    <>
      <SectionTitle>Other changes</SectionTitle>
      <ul>
        {changes.map((c, i) => (
          <li key={i}>{c}</li>
        ))}
      </ul>
    </>
  );
}

function DiffSection({ result, passthrough }: { result: SimulationResult; passthrough?: Passthrough }) {
  return (
    <>
      <SectionTitle>Diff</SectionTitle>
      {result.diff && !passthrough ? (
        <DiffView diff={result.diff} label="Diff of the pipeline configuration" />
      ) : (
        <p className="hint" data-testid="diff-note">
          {noDiffNote(result, Boolean(passthrough))}
        </p>
      )}
    </>
  );
}

function DeveloperMessage({ message }: { message: string }) {
  return (
    <>
      <SectionTitle>Message the developer sees</SectionTitle>
      <pre className="message" tabIndex={0} aria-label="The block message a developer sees">
        {message}
      </pre>
    </>
  );
}

function ViolationList({ violations }: { violations: SimulationResult['violations'] }) {
  return (
    <ul className="violations">
      {violations.map((v, i) => (
        <li key={i}>
          <strong>{v.rule}</strong>
          {v.step ? <> · step “{v.step}”</> : null}
          {v.path ? (
            <>
              {' '}
              · <code>{v.path}</code>
            </>
          ) : null}
          {v.line ? <> · line {v.line}</> : null}
          <div>{v.message}</div>
          <div className="fix">Fix: {v.fix}</div>
        </li>
      ))}
    </ul>
  );
}
