import { GATE_STEP_NAME } from '../../src/engine/injected-steps';
import { manualTrigger } from '../../src/rules/manual-trigger';
import { branchRun, compiled, customRun, outputOf, run, step } from '../support/requests';

const itemsOf = (result: ReturnType<typeof run>, section = 'branches', key = 'main') =>
  (outputOf(result).pipelines as any)[section][key] as any[];

describe(`manual-trigger: ${manualTrigger.description}`, () => {
  it('makes a PROD step wait for a person', () => {
    const items = itemsOf(run(branchRun('main', [step('build'), step('PROD deploy', { trigger: 'automatic' })])));
    expect(items[2].step.trigger).toBe('manual');
    expect(items[1].step).not.toHaveProperty('trigger');
  });

  it('sets the trigger on a stage, not on the steps inside it', () => {
    const items = itemsOf(
      run(branchRun('main', [step('build'), { stage: { deployment: 'production', steps: [step('a'), step('b')] } }])),
    );
    expect(items[2].stage.trigger).toBe('manual');
    expect(items[2].stage.steps.map((s: any) => s.step.trigger)).toEqual([undefined, undefined]);
  });

  it('sets the trigger on a PROD step inside a parallel group', () => {
    const items = itemsOf(run(branchRun('main', [step('build'), { parallel: [step('PROD eu'), step('lint')] }])));
    expect(items[2].parallel.map((s: any) => s.step.trigger)).toEqual(['manual', undefined]);
  });

  it('keeps the first step automatic: the scan step goes before a PROD first step', () => {
    const items = itemsOf(run(branchRun('main', [step('PROD deploy')])));
    expect(items[0].step.name).toBe('Security scan');
    expect(items[0].step).not.toHaveProperty('trigger');
    expect(items[1].step.trigger).toBe('manual');
  });

  it('puts an automatic gate step first when the policy has no scan steps', () => {
    const policy = compiled((p) => {
      delete p.securityScan;
    });
    const items = itemsOf(
      run(
        customRun('main', 'release', [
          { variables: [{ name: 'V' }] },
          { stage: { deployment: 'production', steps: [step('apply')] } },
        ]),
        policy,
      ),
      'custom',
      'release',
    );
    expect(items[0]).toEqual({ variables: [{ name: 'V' }] });
    expect(items[1].step.name).toBe(GATE_STEP_NAME);
    expect(items[1].step).not.toHaveProperty('trigger');
    expect(items[2].stage.trigger).toBe('manual');
  });

  it('adds the gate only once across passes', () => {
    const policy = compiled((p) => {
      delete p.securityScan;
    });
    const request = branchRun('main', [step('PROD deploy')]);
    const once = outputOf(run(request, policy));
    const twice = outputOf(run({ ...request, pipelines_configuration: once }, policy));
    expect(twice).toEqual(once);
  });

  it('does nothing when off', () => {
    const policy = compiled((p) => {
      p.rules = { 'manual-trigger': 'off' };
    });
    expect(itemsOf(run(branchRun('main', [step('build'), step('PROD deploy')]), policy))[2].step).not.toHaveProperty(
      'trigger',
    );
  });

  it('puts the gate before a PROD first step that was already manual', () => {
    const policy = compiled((p) => {
      delete p.securityScan;
    });
    const items = itemsOf(run(branchRun('main', [step('PROD deploy', { trigger: 'manual' })]), policy));
    expect(items.map((i: any) => i.step.name)).toEqual([GATE_STEP_NAME, 'PROD deploy']);
  });

  it('in warn mode records the step that would wait instead of changing it', () => {
    const policy = compiled((p) => {
      p.rules = { 'manual-trigger': 'warn' };
    });
    const result = run(branchRun('main', [step('build'), step('PROD deploy')]), policy);
    expect(itemsOf(result)[2].step).not.toHaveProperty('trigger');
    expect(result.report.findings).toEqual([
      expect.objectContaining({ rule: 'manual-trigger', mode: 'warn', path: 'pipelines.branches.main[1]' }),
    ]);
  });
});
