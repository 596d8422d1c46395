/**
 * The policy tests run against the draft while the Save dialog is open, so a failing test shows
 * before the admin gives a reason rather than as a refusal after it.
 */
import { useEffect, useState } from 'react';
import type { PolicyTestOutcome } from '../../src/settings/api';
import type { Call } from './api';

type Run =
  { state: 'running' } | { state: 'done'; outcomes: PolicyTestOutcome[] } | { state: 'error'; message: string };

export function usePolicyTestRun(call: Call, policyText: string | undefined, policy?: unknown): Run {
  const [run, setRun] = useState<Run>({ state: 'running' });
  useEffect(() => {
    let live = true;
    const payload = policyText !== undefined ? { policyText } : { policy };
    void call<{ outcomes: PolicyTestOutcome[] }>('runPolicyTests', payload).then((result) => {
      if (!live) return;
      setRun(
        result.ok ? { state: 'done', outcomes: result.outcomes } : { state: 'error', message: result.error.message },
      );
    });
    return () => {
      live = false;
    };
  }, [call, policyText, policy]);
  return run;
}

export function PolicyTestsCheck({ run }: { run: Run }) {
  if (run.state === 'running')
    return (
      <p className="hint" role="status" data-testid="dialog-tests">
        Running the policy tests against this policy…
      </p>
    );
  if (run.state === 'error')
    return (
      <p className="hint" role="status" data-testid="dialog-tests">
        The policy tests could not run: {run.message}
      </p>
    );
  const failed = run.outcomes.filter((outcome) => !outcome.passed);
  if (failed.length === 0)
    return (
      <p className="hint" role="status" data-testid="dialog-tests">
        {run.outcomes.length ? `All ${run.outcomes.length} policy tests pass.` : 'There are no policy tests yet.'}
      </p>
    );
  return (
    <section className="notice notice-error" aria-label="Policy tests fail" data-testid="dialog-tests">
      <h3 className="notice-title">
        {failed.length === 1 ? 'A policy test fails' : `${failed.length} policy tests fail`} with this policy; it cannot
        be saved as it is
      </h3>
      <ul className="notice-body">
        {failed.map((outcome) => (
          <li key={outcome.id}>
            “{outcome.name}” expects {outcome.expect}, got {outcome.actual}
            {outcome.detail ? ` (${outcome.detail})` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
