/** A simulator result as the page shows it: outcome, per-step table, violations and diff. */
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
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
  const steps = passthrough ? passthrough.steps : result.steps;
  const blocked = result.outcome === 'blocked';
  return (
    <div className="stack" data-testid="preview-result">
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
      <DynamicTable
        caption="Steps"
        head={{
          cells: [
            { key: 'step', content: 'Step' },
            { key: 'env', content: 'Environment' },
            { key: 'runs', content: 'Runs on' },
            { key: 'oidc', content: 'OIDC role' },
            { key: 'changes', content: 'Changes' },
          ],
        }}
        rows={steps.map((step, i) => ({
          key: `${step.path}-${i}`,
          cells: [
            {
              key: 'step',
              content: (
                <span>
                  {step.name ?? '(unnamed)'}
                  <br />
                  <code className="small">
                    {step.path}
                    {step.line ? ` · line ${step.line}` : ''}
                  </code>
                </span>
              ),
            },
            {
              key: 'env',
              content: step.environment ? (
                <span>
                  {step.environment}
                  {step.environmentReason ? (
                    <span className="hint step-reason"> · {step.environmentReason}</span>
                  ) : null}
                </span>
              ) : passthrough ? (
                'none (no policy)'
              ) : (
                '—'
              ),
            },
            { key: 'runs', content: step.runsOn ? <code>{step.runsOn.join(', ')}</code> : 'Atlassian cloud' },
            { key: 'oidc', content: step.oidc ? 'yes' : 'no' },
            {
              key: 'changes',
              content: blocked ? (
                <span className="hint">none: the run is blocked, so nothing is changed</span>
              ) : step.changes.length ? (
                <ul className="plain">
                  {step.changes.map((c, j) => (
                    <li key={j}>{c}</li>
                  ))}
                </ul>
              ) : (
                'none'
              ),
            },
          ],
        }))}
        emptyView={<p>{passthrough && !result.target.selection.path ? NO_STEPS.none : NO_STEPS[result.outcome]}</p>}
      />
      {result.configChanges.length && !blocked ? (
        <>
          <div className="section-title">
            <Heading size="small" as="h3">
              Other changes
            </Heading>
          </div>
          <ul>
            {result.configChanges.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ul>
        </>
      ) : null}
      <div className="section-title">
        <Heading size="small" as="h3">
          Diff
        </Heading>
      </div>
      {result.diff && !passthrough ? (
        <DiffView diff={result.diff} label="Diff of the pipeline configuration" />
      ) : (
        <p className="hint" data-testid="diff-note">
          {noDiffNote(result, Boolean(passthrough))}
        </p>
      )}
      {'error' in result.response ? (
        <>
          <div className="section-title">
            <Heading size="small" as="h3">
              Message the developer sees
            </Heading>
          </div>
          <pre className="message" tabIndex={0} aria-label="The block message a developer sees">
            {result.response.error.message}
          </pre>
        </>
      ) : null}
    </div>
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
