/** A simulator result as the page shows it: outcome, per-step table, violations and diff. */
import DynamicTable from '@atlaskit/dynamic-table';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import SectionMessage from '@atlaskit/section-message';
import type { SimulationResult } from '../../src/simulate/simulate';

export function OutcomeLozenge({ outcome }: { outcome: string }) {
  const appearance = outcome === 'allowed' ? 'success' : outcome === 'blocked' ? 'removed' : outcome === 'passthrough' ? 'moved' : 'default';
  return (
    <Lozenge appearance={appearance} isBold>
      {outcome}
    </Lozenge>
  );
}

function DiffView({ diff }: { diff: string }) {
  return (
    <pre className="diff" aria-label="Diff of the pipeline configuration">
      {diff.split('\n').map((line, i) => (
        <span key={i} className={line.startsWith('+') && !line.startsWith('+++') ? 'diff-add' : line.startsWith('-') && !line.startsWith('---') ? 'diff-del' : line.startsWith('@@') ? 'diff-hunk' : undefined}>
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

export function SimulationView({ result, policySource }: { result: SimulationResult; policySource: string }) {
  const blocking = result.violations.filter((v) => v.mode === 'enforce');
  const warnings = result.violations.filter((v) => v.mode === 'warn');
  return (
    <div className="stack" data-testid="preview-result">
      <div className="result-head" role="status">
        <span>Outcome:</span> <OutcomeLozenge outcome={result.outcome} />
        <span className="hint">
          {' '}
          with {policySource}; {result.target.selection.path ? `definition ${result.target.selection.path}` : 'no definition'}: {result.target.selection.reason}
        </span>
      </div>
      {blocking.length > 0 ? (
        <SectionMessage appearance="error" title={`Blocked: ${blocking.length} violation${blocking.length === 1 ? '' : 's'}`}>
          <ViolationList violations={blocking} />
        </SectionMessage>
      ) : null}
      {warnings.length > 0 ? (
        <SectionMessage appearance="warning" title={`${warnings.length} warning${warnings.length === 1 ? '' : 's'} (the run goes ahead)`}>
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
        rows={result.steps.map((step, i) => ({
          key: `${step.path}-${i}`,
          cells: [
            { key: 'step', content: <span>{step.name ?? '(unnamed)'}<br /><code className="small">{step.path}{step.line ? ` · line ${step.line}` : ''}</code></span> },
            { key: 'env', content: <span title={step.environmentReason}>{step.environment ?? '—'}</span> },
            { key: 'runs', content: step.runsOn ? <code>{step.runsOn.join(', ')}</code> : 'Atlassian cloud' },
            { key: 'oidc', content: step.oidc ? 'yes' : 'no' },
            { key: 'changes', content: step.changes.length ? <ul className="plain">{step.changes.map((c, j) => <li key={j}>{c}</li>)}</ul> : 'none' },
          ],
        }))}
        emptyView={<p>No steps would run.</p>}
      />
      {result.configChanges.length ? (
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
      {result.diff ? <DiffView diff={result.diff} /> : <p className="hint">No diff: a blocked run returns an error instead of a configuration.</p>}
      {'error' in result.response ? (
        <>
          <div className="section-title">
            <Heading size="small" as="h3">
              Message the developer sees
            </Heading>
          </div>
          <pre className="message">{result.response.error.message}</pre>
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
          {v.path ? <> · <code>{v.path}</code></> : null}
          {v.line ? <> · line {v.line}</> : null}
          <div>{v.message}</div>
          <div className="fix">Fix: {v.fix}</div>
        </li>
      ))}
    </ul>
  );
}
