import { walkConfiguration } from '../../src/engine/walk';
import { branchRun, errorOf, run, step } from '../support/requests';

const walk = (config: unknown) => walkConfiguration(config as Record<string, unknown>, () => undefined);

describe('walking every construct', () => {
  it('finds steps in every section, parallel form, stage and pull-request destination', () => {
    const result = walk({
      pipelines: {
        default: [step('a')],
        branches: { main: [{ parallel: [step('b')] }, { parallel: { 'fail-fast': true, steps: [step('c')] } }] },
        tags: { 'v*.*': [{ stage: { name: 's', steps: [step('d')] } }] },
        'pull-requests': { '**': [step('e')], 'feature/*': { destinations: { main: [step('f')] } } },
        custom: { release: [{ variables: [{ name: 'V' }] }, step('g')] },
        bookmarks: { legacy: [step('h')] },
        unknown: { ignored: 'not a section' },
      },
    });
    expect(result.problems).toEqual([]);
    expect(result.steps.map((s) => [s.name, s.path])).toEqual([
      ['a', 'pipelines.default[0]'],
      ['b', 'pipelines.branches.main[0].parallel[0]'],
      ['c', 'pipelines.branches.main[1].parallel.steps[0]'],
      ['d', 'pipelines.tags["v*.*"][0].stage.steps[0]'],
      ['e', 'pipelines.pull-requests.**[0]'],
      ['f', 'pipelines.pull-requests.feature/*.destinations.main[0]'],
      ['g', 'pipelines.custom.release[1]'],
      ['h', 'pipelines.bookmarks.legacy[0]'],
    ]);
    expect(result.definitions).toHaveLength(7);
  });

  it('handles a missing or null `pipelines` without a problem', () => {
    expect(walk({}).problems).toEqual([]);
    expect(walk({ pipelines: null }).problems).toEqual([]);
  });

  it.each([
    [{ pipelines: [] }, 'pipelines', 'not a mapping of sections'],
    [{ pipelines: { default: 'echo hi' } }, 'pipelines.default', 'not a list of steps'],
    [{ pipelines: { default: [{ step: 'not a mapping' }] } }, 'pipelines.default[0].step', '`step` is a string'],
    [{ pipelines: { default: [{ steps: [] }] } }, 'pipelines.default[0]', 'has the key(s) `steps`'],
    [
      { pipelines: { default: [{ step: { script: [] }, parallel: [] }] } },
      'pipelines.default[0]',
      'has the key(s) `step`, `parallel`',
    ],
    [{ pipelines: { default: [{ parallel: 'x' }] } }, 'pipelines.default[0].parallel', 'must be a list of steps'],
    [
      { pipelines: { default: [{ parallel: [{ parallel: [] }] }] } },
      'pipelines.default[0].parallel[0]',
      'expected a `- step:` item',
    ],
    [
      { pipelines: { default: [{ stage: { steps: 'x' } }] } },
      'pipelines.default[0].stage',
      'must be a mapping with a `steps:` list',
    ],
    [
      { pipelines: { default: [{ variables: [] }] } },
      'pipelines.default[0]',
      '`variables` may only be the first item of a custom pipeline',
    ],
    [
      { pipelines: { default: [{ step: { script: 'echo' } }] } },
      'pipelines.default[0].step.script',
      'not a list of commands',
    ],
    [
      { pipelines: { default: [{ step: { script: [42] } }] } },
      'pipelines.default[0].step.script[0]',
      'a `script` item is a number',
    ],
    [
      { pipelines: { default: [{ step: { script: [], 'runs-on': { a: 1 } } }] } },
      'pipelines.default[0].step.runs-on',
      'expected a label or a list of labels',
    ],
    [
      { pipelines: { default: [{ step: { script: [], oidc: 'true' } }] } },
      'pipelines.default[0].step.oidc',
      'expected true or false',
    ],
    [
      { pipelines: { branches: { main: { import: 'shared:main:build' } } } },
      'pipelines.branches.main',
      'unresolved import',
    ],
  ])('reports what it cannot walk (%#)', (config, path, message) => {
    const problem = walk(config).problems[0];
    expect(problem).toBeDefined();
    expect(
      problem.segments && problem.segments.length
        ? require('../../src/primitives/path').formatPath(problem.segments)
        : 'pipelines',
    ).toBe(path);
    expect(problem.message).toContain(message);
  });

  it('blocks a run whose definition it cannot walk, so nothing hides in it', () => {
    const request = branchRun('main', [{ step: { name: 'PROD', script: [] } }]);
    (request as any).pipelines_configuration.pipelines.branches.main.push({ stepz: { name: 'PROD deploy' } });
    expect(errorOf(run(request)).key).toBe('pipeline-guard.invalid-pipeline');
  });

  it('keeps keys it does not know, at every level', () => {
    const config = {
      futureKey: { a: 1 },
      pipelines: {
        default: [{ step: { name: 'x', script: [], 'output-variables': ['A'], 'concurrency-group': 'g' } }],
      },
    };
    const result = walk(config);
    expect(result.steps[0].step).toEqual(config.pipelines.default[0].step);
  });
});
