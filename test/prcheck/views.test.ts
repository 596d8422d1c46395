import { createViewHandlers } from '../../src/prcheck/views';
import { PR_COMMIT, REPO, savePolicy, setup, WS } from './support';

const panelContext = {
  workspaceId: WS,
  accountId: 'acc-1',
  extension: { type: 'bitbucket:repoPullRequestOverviewPanel', repository: { uuid: REPO }, pullRequest: { id: 7 } },
};
const fileContext = {
  workspaceId: WS,
  accountId: 'acc-1',
  extension: {
    type: 'bitbucket:repoCodeFileViewer',
    repository: { uuid: REPO },
    file: { path: 'bitbucket-pipelines.yml' },
    commit: { hash: PR_COMMIT },
  },
};

async function handlersFor(source: string, destination: string, canRead = true) {
  const env = setup(source, destination);
  await savePolicy(env.kv);
  const asked: string[] = [];
  const handlers = createViewHandlers({
    kv: env.kv,
    bitbucket: env.stub.request,
    canRead: async (ws, repo) => (asked.push(`${ws} ${repo}`), canRead),
    log: () => undefined,
  });
  return { env, handlers, asked };
}

describe('pull-request views', () => {
  it('shows every run of the pull request of its own context, with steps, identity and the diff', async () => {
    const { handlers, asked } = await handlersFor('newly-blocks-main.yml', 'main.yml');
    const answer = await handlers.getPullRequestView(panelContext);
    if (!answer.ok) throw new Error(answer.error);
    expect(asked).toEqual([`${WS} ${REPO}`]);
    expect(answer.view.verdict).toBe('failed');
    expect(answer.view.runs.map((run) => [run.id, run.outcome, run.fails])).toEqual([
      ['push', 'blocked', true],
      ['custom:redeploy', 'allowed', false],
      ['pullrequest', 'none', false],
    ]);
    const redeploy = answer.view.runs[1];
    expect(redeploy.steps).toEqual([
      expect.objectContaining({
        name: 'PROD redeploy',
        environment: 'prod',
        runsOn: ['self.hosted', 'linux', 'prod'],
        identity: '-',
      }),
    ]);
    expect(redeploy.diff).toContain('+');
    expect(answer.view.runs[0].introduced[0].text).toContain('[deny-script] step "Install tools"');
  });

  it('answers only about its own context: a pull request id in the payload changes nothing', async () => {
    const { handlers } = await handlersFor('main.yml', 'main.yml');
    const getView = handlers.getPullRequestView as (
      context: unknown,
      payload: unknown,
    ) => ReturnType<typeof handlers.getPullRequestView>;
    const answer = await getView(panelContext, {
      pullRequest: { id: 99 },
      repository: { uuid: '{00000000-0000-4000-8000-000000000000}' },
    });
    expect(answer.ok && answer.view.pullRequest.id).toBe(7);
  });

  it('refuses a user Bitbucket does not let read the repository, before reading anything', async () => {
    const { handlers, env } = await handlersFor('main.yml', 'main.yml', false);
    expect(await handlers.getPullRequestView(panelContext)).toEqual({
      ok: false,
      error: expect.stringContaining('only to people who can read the repository'),
    });
    expect(await handlers.getFileView(fileContext, {})).toMatchObject({ ok: false });
    expect(env.stub.requests).toEqual([]);
  });

  it('refuses a context that is not a pull request page', async () => {
    const { handlers } = await handlersFor('main.yml', 'main.yml');
    expect(
      await handlers.getPullRequestView({
        workspaceId: WS,
        extension: { type: 'bitbucket:workspaceSettingsMenuPage' },
      }),
    ).toMatchObject({ ok: false });
  });

  it('shows the file at its commit for a chosen branch, tag or custom pipeline', async () => {
    const { handlers } = await handlersFor('newly-blocks-main.yml', 'main.yml');
    const first = await handlers.getFileView(fileContext, {});
    if (!first.ok) throw new Error(first.error);
    expect(first.view.choices).toEqual({ branches: ['main'], tags: [], custom: ['redeploy'] });
    expect(first.view.target).toEqual({ kind: 'branch', name: 'main' });
    expect(first.view.run).toMatchObject({
      outcome: 'blocked',
      introduced: [expect.objectContaining({ rule: 'deny-script', line: 15 })],
    });
    const custom = await handlers.getFileView(fileContext, {
      target: { kind: 'custom', name: 'redeploy', branch: 'feature/x' },
    });
    expect(custom.ok && custom.view.run).toMatchObject({
      outcome: 'blocked',
      introduced: [expect.objectContaining({ rule: 'branch-gate' })],
    });
  });

  it('refuses a target it cannot use', async () => {
    const { handlers } = await handlersFor('main.yml', 'main.yml');
    expect(await handlers.getFileView(fileContext, { target: { kind: 'branch', name: 'has space' } })).toMatchObject({
      ok: false,
    });
    expect(await handlers.getFileView(fileContext, { target: { kind: 'commit' } })).toMatchObject({ ok: false });
  });

  it('says so when Bitbucket cannot be read', async () => {
    const { handlers, env } = await handlersFor('main.yml', 'main.yml');
    env.stub.inject(() => ({ status: 502, text: '' }));
    expect(await handlers.getPullRequestView(panelContext)).toEqual({
      ok: false,
      error: expect.stringMatching(/could not read what it needs .*502/),
    });
  });
});
