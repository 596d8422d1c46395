import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createBitbucketStub } from '../../dev/bitbucket-stub';
import type { BitbucketGet } from '../../src/settings/bitbucket-rest';
import { createHandlers } from '../../src/settings/handlers';
import { createMemoryKv } from '../../src/storage/memory-kv';
import { referencePolicyInput } from '../support/requests';
import { failed, ok } from '../support/results';

const WORKSPACE = '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}';
const ADMIN = { workspaceId: WORKSPACE, accountId: 'admin-1' };
const MEMBER = { ...ADMIN, accountId: 'member-1' };

function setup(options: { bitbucket?: BitbucketGet } = {}) {
  const stub = createBitbucketStub();
  const asked: string[] = [];
  const bitbucket: BitbucketGet =
    options.bitbucket ??
    (async (path) => {
      asked.push(path);
      return stub.get(path);
    });
  const refreshRepository = jest.fn(async (_workspace: string, uuid: string) => ({
    uuid,
    slug: 'website',
    fullName: 'acme/website',
    projectKey: 'WEB',
  }));
  const handlers = createHandlers({
    kv: createMemoryKv(),
    adminCheck: async ({ accountId }) => accountId === 'admin-1',
    bitbucket,
    refreshRepository,
  });
  return { handlers, asked, refreshRepository };
}

describe('scope pickers: Bitbucket listings through the resolver', () => {
  it('lists every project and repository of the context workspace, following pages', async () => {
    const { handlers, asked } = setup();
    const projects = ok(await handlers.bitbucketProjects(MEMBER, {}));
    expect(projects.projects.map((p) => p.key)).toEqual(['PAY', 'SRCH', 'WEB']);
    const repositories = ok(await handlers.bitbucketRepositories(MEMBER, {}));
    expect(repositories.repositories).toHaveLength(8);
    expect(repositories.truncated).toBe(false);
    // The stand-in answers 5 to a page, so the 8 repositories took two requests.
    expect(asked.filter((p) => p.startsWith(`/2.0/repositories/${WORKSPACE}`))).toHaveLength(2);
    expect(asked.every((p) => p.includes(WORKSPACE))).toBe(true);
  });

  it('takes the workspace from the Forge context, never from the payload', async () => {
    const { handlers, asked } = setup();
    expect(failed(await handlers.bitbucketProjects(MEMBER, { workspace: 'other' })).code).toBe('invalid-request');
    expect(
      failed(await handlers.bitbucketRepositories({ accountId: 'member-1' }, { workspaceId: WORKSPACE })).code,
    ).toBe('identity');
    ok(await handlers.bitbucketProjects(MEMBER, {}));
    expect(asked).toEqual([`/2.0/workspaces/${WORKSPACE}/projects?pagelen=100`]);
  });

  it('turns a Bitbucket refusal into a message, not a crash', async () => {
    const { handlers } = setup({ bitbucket: async () => ({ status: 403, body: { type: 'error' } }) });
    const error = failed(await handlers.bitbucketRepositories(MEMBER, {}));
    expect(error.code).toBe('bitbucket');
    expect(error.message).toMatch(/refused to list the workspace’s repositories \(HTTP 403\)/);
  });

  it('lets an unexpected fault through to the resolver rather than disguise it', async () => {
    const { handlers } = setup({
      bitbucket: async () => {
        throw new TypeError('boom');
      },
    });
    await expect(handlers.bitbucketProjects(MEMBER, {})).rejects.toThrow('boom');
  });
});

describe('runner inventory through the resolver', () => {
  it('with no policy saved lists the runners and serves no environment', async () => {
    const { handlers } = setup();
    const view = ok(await handlers.runnerInventory(ADMIN, {}));
    expect(view.policySource).toMatch(/no policy saved/);
    expect(view.inventory.runners).toHaveLength(6);
    expect(view.inventory.environments).toEqual([]);
  });

  it('for the reference policy: no runner carries prod’s labels; dev has two runners', async () => {
    const { handlers } = setup();
    const view = ok(await handlers.runnerInventory(ADMIN, { policy: referencePolicyInput() }));
    expect(view.policySource).toBe('the unsaved policy in the editor');
    const [prod, dev] = view.inventory.environments;
    expect(prod).toMatchObject({ name: 'prod', servedBy: [], matchingUnavailable: [] });
    expect(dev.servedBy).toEqual(['legacy-web', 'shared-dev']);
    expect(view.inventory.warnings.map((w) => w.kind)).toEqual(['unserved-environment']);
  });

  it(
    'for the saved multi-team policy: ' + 'an offline-only environment and a runner shared by two environments',
    async () => {
      const { handlers } = setup();
      ok(
        await handlers.savePolicy(ADMIN, {
          expectedRevision: 0,
          policyText: readFileSync(path.resolve(__dirname, '../../examples/policy-multi-team.yaml'), 'utf8'),
        }),
      );
      const view = ok(await handlers.runnerInventory(ADMIN, {}));
      expect(view.policySource).toBe('saved revision 1');
      expect(Object.fromEntries(view.inventory.environments.map((e) => [e.name, e.servedBy]))).toEqual({
        'prod-payments': ['payments-prod-1'],
        'prod-search': [],
        'prod-web': ['legacy-web'],
        'dev-payments': ['payments-dev-1'],
        'dev-search': ['search-dev-1'],
        dev: ['legacy-web', 'shared-dev'],
      });
      expect(view.inventory.warnings.map((w) => `${w.kind}:${w.environment ?? w.runner}`)).toEqual([
        'unserved-environment:prod-search',
        'shared-runner:legacy-web',
      ]);
      expect(view.inventory.warnings[0].message).toContain('search-prod-1 (offline)');
    },
  );

  it('refuses an invalid draft with the policy problems', async () => {
    const { handlers } = setup();
    expect(failed(await handlers.runnerInventory(ADMIN, { policy: { version: 1 } })).code).toBe('invalid-policy');
  });
});

describe('refresh repository cache', () => {
  const uuid = '{2fc883c6-3dee-4e73-a354-ccee4bd77938}';

  it('an admin refreshes one repository of the context workspace', async () => {
    const { handlers, refreshRepository } = setup();
    const view = ok(await handlers.refreshRepository(ADMIN, { repositoryUuid: uuid }));
    expect(view.repository.fullName).toBe('acme/website');
    expect(refreshRepository).toHaveBeenCalledWith(WORKSPACE, uuid);
  });

  it('a member is refused, and nothing is refreshed', async () => {
    const { handlers, refreshRepository } = setup();
    expect(failed(await handlers.refreshRepository(MEMBER, { repositoryUuid: uuid })).code).toBe('forbidden');
    expect(refreshRepository).not.toHaveBeenCalled();
  });

  it.each(['website', '{not-a-uuid}', `${uuid}/../x`])('refuses %j as a repository UUID', async (repositoryUuid) => {
    const { handlers, refreshRepository } = setup();
    expect(failed(await handlers.refreshRepository(ADMIN, { repositoryUuid })).code).toBe('invalid-request');
    expect(refreshRepository).not.toHaveBeenCalled();
  });

  it('says so when Bitbucket cannot be reached, and keeps the cached entry', async () => {
    const { handlers, refreshRepository } = setup();
    refreshRepository.mockRejectedValueOnce(new Error('Bitbucket answered HTTP 404'));
    const error = failed(await handlers.refreshRepository(ADMIN, { repositoryUuid: uuid }));
    expect(error.code).toBe('bitbucket');
    expect(error.message).toMatch(
      /could not be read again from Bitbucket: Bitbucket answered HTTP 404\. The cached entry is unchanged/,
    );
  });
});

describe('preview for a repository', () => {
  const MULTI_TEAM = readFileSync(path.resolve(__dirname, '../../examples/policy-multi-team.yaml'), 'utf8');
  const PROD_PIPELINE =
    'pipelines:\n  branches:\n    main:\n      - step:\n          name: PROD deploy\n' +
    '          deployment: production\n          script: [./deploy.sh]\n';
  const preview = async (repository?: object) => {
    const { handlers } = setup();
    return ok(
      await handlers.preview(MEMBER, {
        yaml: PROD_PIPELINE,
        target: { kind: 'branch', name: 'main' },
        policyText: MULTI_TEAM,
        ...(repository ? { repository } : {}),
      }),
    ).result;
  };

  it('runs the PROD step of a payments repository as prod-payments, on its runners', async () => {
    const result = await preview({
      uuid: '{a1b2c3d4-0001-4a00-8000-00000000a001}',
      slug: 'payments-api',
      fullName: 'acme/payments-api',
      projectKey: 'PAY',
    });
    expect(result.outcome).toBe('allowed');
    expect(result.steps.map((s) => [s.name, s.environment])).toContainEqual(['PROD deploy', 'prod-payments']);
    expect(result.steps.find((s) => s.name === 'PROD deploy')?.runsOn).toEqual([
      'self.hosted',
      'linux',
      'prod.payments',
    ]);
  });

  it('blocks the same step for the excluded sandbox, naming the repository', async () => {
    const result = await preview({
      uuid: '{a1b2c3d4-0003-4a00-8000-00000000a003}',
      slug: 'payments-sandbox',
      fullName: 'acme/payments-sandbox',
      projectKey: 'PAY',
    });
    expect(result.outcome).toBe('blocked');
    expect(result.violations.map((v) => v.rule)).toContain('repository-scope');
    expect(result.violations.find((v) => v.rule === 'repository-scope')?.message).toContain('acme/payments-sandbox');
  });

  it('without a repository previews a run for a repository no scope includes', async () => {
    const result = await preview();
    expect(result.outcome).toBe('blocked');
    expect(result.violations.map((v) => v.rule)).toContain('repository-scope');
  });
});

describe('preview payload: repository', () => {
  const PIPELINE = 'pipelines:\n  default:\n    - step:\n        name: Build\n        script: [npm test]\n';
  it.each([
    ['a slug instead of an identity', 'website'],
    [
      'a UUID without braces',
      { uuid: '2fc883c6-3dee-4e73-a354-ccee4bd77938', slug: 'website', fullName: 'acme/website' },
    ],
    [
      'a full name with a path',
      { uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}', slug: 'website', fullName: 'acme/website/../x' },
    ],
    [
      'an unknown field',
      { uuid: '{2fc883c6-3dee-4e73-a354-ccee4bd77938}', slug: 'website', fullName: 'acme/website', workspace: 'x' },
    ],
  ])('refuses %s', async (_name, repository) => {
    const { handlers } = setup();
    expect(
      failed(await handlers.preview(MEMBER, { yaml: PIPELINE, target: { kind: 'branch', name: 'main' }, repository }))
        .code,
    ).toBe('invalid-request');
  });
});
