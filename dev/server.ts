/**
 * The local console: the settings page served on 127.0.0.1 with a Forge-like CSP, an HTTP stand-in
 * for @forge/bridge routed to the same resolver handlers, a JSON-file store that survives a
 * restart, and a "simulate a Bitbucket run" route through the real provider function.
 *
 *   npm start                       # http://127.0.0.1:4319/
 *   PORT=5000 npm start
 *   PIPELINE_GUARD_ROLE=member npm start   # see the page as a non-admin (read-only)
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { createProvider } from '../src/provider/handler';
import { createCachedRepositoryLookup } from '../src/provider/repository-lookup';
import { createHandlers, type SettingsHandlers } from '../src/settings/handlers';
import { simulate, SimulationInputError } from '../src/simulate/simulate';
import { createDecisionWriter } from '../src/storage/decision-store';
import { recordDeployment } from '../src/storage/deployments';
import { ENTITY_DEFINITIONS } from '../src/storage/entities';
import { createMemoryEntities, type MemoryEntitySnapshot } from '../src/storage/memory-entities';
import { runRollup } from '../src/storage/rollup';
import { POLICY_KEY } from '../src/storage/keys';
import { createMemoryKv, type MemoryKvSnapshot } from '../src/storage/memory-kv';
import { createKvSampleSink } from '../src/storage/sample-store';
import { PreviewTargetSchema } from '../src/storage/policy-tests';
import { RequestVariableSchema } from '../src/engine/request';
import { createBitbucketStub, STUB_HTTP_PREFIX } from './bitbucket-stub';
import { ensureBuild, ensurePullRequestBuild, PREVIEW_DIR, PULL_REQUEST_BUILD_DIRS, ROOT } from './build-ui';
import { createPullRequestConsole } from './pullrequest-console';
import { createPolicyRepoStub } from './policy-repo-stub';
import { createPolicyPushTrigger } from '../src/forge/triggers';
import { createPolicySync } from '../src/settings/policy-sync';
import { createSampleReplay } from '../src/settings/sample-replay';
import { createPolicySourceStore } from '../src/storage/policy-source';
import { consoleUserFetch } from './users-stub';
import { seedDecisions } from './seed';

/** What Forge injects for Custom UI (forge-platform.md §8), so a CSP violation shows up here first. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; " +
  "form-action 'self'; object-src 'none'; base-uri 'self'";

const CONSOLE_IDENTITY = { workspaceId: '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}', accountId: 'console-admin' };
const MAX_BODY = 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const SimulatedRunSchema = z.strictObject({
  yaml: z.string().max(64 * 1024),
  target: PreviewTargetSchema,
  repository: z.string().trim().min(1).max(200),
  variables: z.array(RequestVariableSchema).max(500).optional(),
});

export interface ConsoleOptions {
  readonly port?: number;
  readonly storeDir?: string;
  readonly role?: 'admin' | 'member';
  readonly log?: (message: string) => void;
  /** The built page to serve; the e2e smoke test of the Forge build points it at static/settings/build. */
  readonly pageDir?: string;
}

export interface RunningConsole {
  readonly url: string;
  close(): Promise<void>;
}

/** Stores with writes not yet saved; a console started in this process saves them first, so it reads them. */
const unsaved = new Set<() => void>();

/**
 * The KVS stand-in in store.json. Writes are saved at most every 200 ms, or four times as long as the
 * last save took: with tens of thousands of run samples, a save takes a good part of a second, and
 * saving that often would spend most of a replay rewriting the file.
 */
export function openStore(dir: string) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'store.json');
  const initial = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MemoryKvSnapshot) : {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSaveMs = 0;
  const save = () => {
    const started = performance.now();
    timer = undefined;
    unsaved.delete(flush);
    // Write-then-rename, so a crash mid-write never leaves a half-written store.
    writeFileSync(`${file}.tmp`, JSON.stringify(kv.snapshot(), null, 2));
    renameSync(`${file}.tmp`, file);
    lastSaveMs = performance.now() - started;
  };
  const kv = createMemoryKv({
    initial,
    onWrite: () => {
      timer ??= setTimeout(save, Math.max(200, 4 * lastSaveMs));
      unsaved.add(flush);
    },
  });
  function flush() {
    if (timer === undefined) return;
    clearTimeout(timer);
    save();
  }
  return Object.assign(kv, { flush });
}

/**
 * The custom entities (decision log, deployments) in entities.json beside store.json. Writes are
 * saved at most every 200 ms, so that seeding thousands of records does not rewrite the file each time.
 */
function openEntities(dir: string) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'entities.json');
  const initial = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MemoryEntitySnapshot) : {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    timer = undefined;
    writeFileSync(`${file}.tmp`, JSON.stringify(entities.snapshot()));
    renameSync(`${file}.tmp`, file);
  };
  const entities = createMemoryEntities(ENTITY_DEFINITIONS, {
    initial,
    // Forge's entity queries are eventually consistent; PIPELINE_GUARD_QUERY_LAG_MS=2000 shows the page with that lag.
    queryLagMs: Number(process.env.PIPELINE_GUARD_QUERY_LAG_MS ?? 0) || 0,
    onChange: () => {
      timer ??= setTimeout(save, 200);
    },
  });
  const flush = () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    save();
  };
  return { entities, flush };
}

const PolicyPushSchema = z.strictObject({
  policyText: z
    .string()
    .max(256 * 1024)
    .optional(),
  testsText: z
    .string()
    .max(512 * 1024)
    .optional(),
  message: z.string().trim().min(1).max(2_000).optional(),
  author: z.string().trim().min(1).max(300).optional(),
  /** Another branch than the source's, to see a push that must be ignored. */
  branch: z
    .string()
    .regex(/^[A-Za-z0-9._/-]{1,200}$/)
    .optional(),
  /** false: the event is lost, and only the hourly check (`/__dev/policy-catch-up`) loads the commit. */
  deliver: z.boolean().optional(),
});

const ReplaySchema = z.strictObject({
  fixture: z
    .string()
    .regex(/^[a-z0-9-]{1,60}$/)
    .optional(),
  events: z.array(z.unknown()).max(1_000).optional(),
});
const SeedSchema = z.strictObject({
  count: z.number().int().min(1).max(20_000),
  now: z.number().int().min(0).optional(),
});

async function readBody(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body over 1 MiB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

export async function startConsole(options: ConsoleOptions = {}): Promise<RunningConsole> {
  const log = options.log ?? ((message: string) => console.log(message));
  const pageDir = options.pageDir ?? PREVIEW_DIR;
  if (!options.pageDir) ensureBuild('http', log);
  ensurePullRequestBuild('http', log);
  for (const flush of [...unsaved]) flush();
  const kv = openStore(options.storeDir ?? path.join(ROOT, '.pipeline-guard'));
  const { entities, flush: flushEntities } = openEntities(options.storeDir ?? path.join(ROOT, '.pipeline-guard'));
  const decisions = createDecisionWriter(entities);
  const role = options.role ?? 'admin';
  // The console's clock, which `/__dev/clock` can move forward: grants expire against it without waiting hours.
  let clockOffsetMs = 0;
  const now = () => new Date(Date.now() + clockOffsetMs);
  const identity = role === 'admin' ? CONSOLE_IDENTITY : { ...CONSOLE_IDENTITY, accountId: 'console-member' };
  const bitbucket = createBitbucketStub();
  const repositories = createCachedRepositoryLookup({
    kv,
    fetch: bitbucket.fetchRepository,
    now: () => now().getTime(),
    log,
  });
  // Policy as code: every fixture repository can hold a policy file; commits live in memory until the console stops.
  const policyRepos = createPolicyRepoStub({
    workspace: bitbucket.workspace.uuid,
    repositories: bitbucket.repositoryUuids,
  });
  const replayDraftNow = createSampleReplay(kv, now);
  const policySync = createPolicySync({ kv, request: policyRepos.request, replay: replayDraftNow, now, log });
  const policyPush = createPolicyPushTrigger(policySync, log);
  const handlers: SettingsHandlers = createHandlers({
    kv,
    entities,
    now,
    adminCheck: async () => role === 'admin',
    fetchUser: consoleUserFetch,
    bitbucket: bitbucket.get,
    refreshRepository: repositories.refresh,
    bitbucketAsApp: policyRepos.request,
    replay: replayDraftNow,
    log,
  });
  // The settings handlers run replays on an in-process stand-in for Forge's async events queue.
  const provider = createProvider({
    store: { read: () => kv.get(POLICY_KEY) },
    decisions,
    samples: createKvSampleSink(kv),
    now,
    repositories,
    log: (message) => log(message),
  });
  // Run samples in bulk, for a replay long enough to watch and cancel: runs through the real provider
  // (samples kept as a real run's), each its own repository and file, without filling the decision log.
  const sampleProvider = createProvider({
    store: { read: () => kv.get(POLICY_KEY) },
    decisions: { append: async () => undefined },
    samples: createKvSampleSink(kv),
    now,
    log: (message) => log(message),
  });
  const seedSamples = async (count: number) => {
    for (let n = 0; n < count; n++) {
      const yamlText = `pipelines:\n  default:\n    - step:\n        name: Build ${n}\n        script: [npm test]\n`;
      const { request } = simulate({ yamlText, policy: undefined, target: { kind: 'branch', name: 'main' } });
      const repository = `{5eed5a00-0000-4000-8000-${String(n).padStart(12, '0')}}`;
      await sampleProvider({
        ...request,
        workspace: identity.workspaceId,
        repository,
        created_on: now().toISOString(),
      });
    }
    return { seeded: count };
  };
  const pullRequests = createPullRequestConsole(kv, repositories, log);
  // The context Forge would forward from the page, plus the module it came from.
  const forgeContext = {
    ...identity,
    moduleKey: 'pipeline-guard-settings',
    extension: { type: 'bitbucket:workspaceSettingsMenuPage' },
  };

  /** A commit on the policy source's branch (or another), with the push event delivered as Forge would. */
  const pushPolicyCommit = async (body: unknown): Promise<[number, unknown]> => {
    const input = PolicyPushSchema.safeParse(body);
    if (!input.success) {
      return [400, { error: input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }];
    }
    const found = await createPolicySourceStore(kv).current();
    const source = found.state === 'ok' ? found.record?.source : undefined;
    if (source?.kind !== 'repository') {
      return [400, { error: 'set a repository as the policy source first (Policy source tab)' }];
    }
    const files: Record<string, string> = {};
    if (input.data.policyText !== undefined) files[source.path] = input.data.policyText;
    if (input.data.testsText !== undefined) files[source.testsPath] = input.data.testsText;
    const { hash, event } = policyRepos.push({
      repository: source.repository.uuid,
      branch: input.data.branch ?? source.branch,
      files,
      message: input.data.message,
      author: input.data.author,
      date: now().toISOString(),
    });
    if (input.data.deliver !== false) await policyPush(event);
    return [200, { hash, delivered: input.data.deliver !== false }];
  };

  const send = (response: http.ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  };

  const serveFile = (pathname: string, response: http.ServerResponse) => {
    // /pullrequest/ is the pull-request panel (?view=file: the file viewer), a page of its own.
    const pr = pathname === '/pullrequest' || pathname.startsWith('/pullrequest/');
    const dir = pr ? PULL_REQUEST_BUILD_DIRS.http : pageDir;
    const rest = pr ? pathname.slice('/pullrequest'.length) || '/' : pathname;
    const relative = rest === '/' ? 'index.html' : decodeURIComponent(rest).replace(/^\/+/, '');
    const file = path.resolve(dir, relative);
    if (!file.startsWith(dir + path.sep) || !existsSync(file) || !statSync(file).isFile())
      return send(response, 404, { error: 'not found' });
    response.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(response);
  };

  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    try {
      if (request.method === 'GET' && url.pathname === '/healthz') return send(response, 200, { ok: true });
      if (request.method === 'GET' && url.pathname.startsWith(`${STUB_HTTP_PREFIX}/`)) {
        const answer = await bitbucket.get(`${url.pathname.slice(STUB_HTTP_PREFIX.length)}${url.search}`);
        return send(response, answer.status, answer.body);
      }
      if (request.method === 'GET' && url.pathname === '/__dev/pr/reports')
        return send(response, 200, { reports: pullRequests.stub.reports, calls: pullRequests.stub.requests.length });
      if (request.method === 'GET' || request.method === 'HEAD') return serveFile(url.pathname, response);
      if (request.method !== 'POST') return send(response, 405, { error: 'method not allowed' });
      // Another web page in the same browser may POST here too. JSON requests from another origin
      // need a CORS preflight, which this server never grants; a foreign Host means DNS rebinding.
      const port = (server.address() as AddressInfo).port;
      const sameOrigin = [`127.0.0.1:${port}`, `localhost:${port}`];
      if (
        !sameOrigin.includes(request.headers.host ?? '') ||
        (request.headers.origin !== undefined &&
          !sameOrigin.some((host) => request.headers.origin === `http://${host}`))
      )
        return send(response, 403, { error: 'the console only answers pages it served itself' });
      if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
        return send(response, 415, { error: 'send JSON (content-type: application/json)' });
      const body = await readBody(request);
      if (url.pathname === '/__dev/context') return send(response, 200, identity);
      const invoke = /^\/__dev\/invoke\/([A-Za-z]+)$/.exec(url.pathname);
      if (invoke) {
        const key = invoke[1] as keyof SettingsHandlers;
        if (!Object.prototype.hasOwnProperty.call(handlers, key))
          return send(response, 404, { error: `Resolver has no definition for '${invoke[1]}'` });
        // A new context object per call, as Forge gives: what is learnt about the caller lasts one call.
        return send(response, 200, await handlers[key]({ ...forgeContext }, body));
      }
      const prInvoke = /^\/__dev\/pr\/invoke\/(panel|file)\/([A-Za-z]+)$/.exec(url.pathname);
      if (prInvoke) {
        const answer = pullRequests.invoke(prInvoke[1] as 'panel' | 'file', prInvoke[2], body);
        return answer
          ? send(response, 200, await answer)
          : send(response, 404, { error: `Resolver has no definition for '${prInvoke[2]}'` });
      }
      if (url.pathname === '/__dev/pr/check') {
        const trigger = (body as { trigger?: unknown }).trigger === 'on-merge' ? 'on-merge' : 'on-code-pushed';
        return send(response, 200, await pullRequests.runCheck(trigger));
      }
      if (url.pathname === '/__dev/clock') {
        const advanceMs = (body as { advanceMs?: unknown }).advanceMs;
        if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0)
          return send(response, 400, {
            error: 'send { advanceMs } with a number of milliseconds to move the clock forward',
          });
        clockOffsetMs += advanceMs;
        return send(response, 200, { now: now().toISOString() });
      }
      if (url.pathname === '/__dev/simulate-run') {
        const run = SimulatedRunSchema.safeParse(body);
        if (!run.success)
          return send(response, 400, {
            error: run.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          });
        let built;
        try {
          // Only the request is taken from the simulator; the decision is the provider's own.
          built = simulate({
            yamlText: run.data.yaml,
            policy: undefined,
            target: run.data.target,
            variables: run.data.variables,
          }).request;
        } catch (error) {
          if (error instanceof SimulationInputError) return send(response, 400, { error: error.message });
          throw error;
        }
        // Each simulated run is its own pipeline, as in Bitbucket, so a deployment event can name it.
        const providerRequest = {
          ...built,
          workspace: identity.workspaceId,
          repository: run.data.repository,
          pipeline: `{${randomUUID()}}`,
          created_on: now().toISOString(),
        };
        return send(response, 200, { request: providerRequest, response: await provider(providerRequest) });
      }
      // Stand-ins for what Forge runs without a page: the hourly rollup, deployment events, and a
      // workspace's history for the browser tests and the listing benchmark.
      if (url.pathname === '/__dev/rollup') return send(response, 200, await runRollup(entities, kv, new Date()));
      if (url.pathname === '/__dev/policy-push') return send(response, ...(await pushPolicyCommit(body)));
      if (url.pathname === '/__dev/policy-catch-up') return send(response, 200, await policySync.catchUp('hourly'));
      if (url.pathname === '/__dev/replay-deployments') {
        const replay = ReplaySchema.safeParse(body);
        if (!replay.success || (replay.data.fixture === undefined) === (replay.data.events === undefined))
          return send(response, 400, {
            error: 'send { fixture: "<name in fixtures/deployments>" } or { events: [...] }',
          });
        const events =
          replay.data.events ??
          (
            JSON.parse(
              readFileSync(path.join(ROOT, 'fixtures/deployments', `${replay.data.fixture}.json`), 'utf8'),
            ) as { events: unknown[] }
          ).events;
        for (const event of events) await recordDeployment(entities, event, new Date());
        return send(response, 200, { recorded: events.length });
      }
      if (url.pathname === '/__dev/seed-decisions') {
        const seed = SeedSchema.safeParse(body);
        if (!seed.success) return send(response, 400, { error: 'send { count: 1..20000 }' });
        await seedDecisions(entities, seed.data.count, seed.data.now ?? Date.now());
        return send(response, 200, { seeded: seed.data.count });
      }
      if (url.pathname === '/__dev/seed-samples') {
        const seed = SeedSchema.safeParse(body);
        if (!seed.success) return send(response, 400, { error: 'send { count: 1..20000 }' });
        return send(response, 200, await seedSamples(seed.data.count));
      }
      return send(response, 404, { error: 'not found' });
    } catch (error) {
      return send(response, 400, { error: (error as Error).message });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4319, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        flushEntities();
        kv.flush();
        server.close(() => resolve());
      }),
  };
}

if (require.main === module) {
  const port = process.env.PORT ? Number(process.env.PORT) : 4319;
  const role = process.env.PIPELINE_GUARD_ROLE === 'member' ? 'member' : 'admin';
  startConsole({ port, role }).then(
    (running) =>
      console.log(
        `Pipeline Guard console (${role}): ${running.url}  (store: .pipeline-guard/store.json, Ctrl+C to stop)\n` +
          `  pull request #1 panel: ${running.url}pullrequest/   file viewer: ${running.url}pullrequest/?view=file\n` +
          `  merge check: curl -X POST -H 'content-type: application/json' -d '{"trigger":"on-code-pushed"}' ` +
          `${running.url}__dev/pr/check`,
      ),
    (error: Error) => {
      console.error(`The console could not start: ${error.message}`);
      process.exit(1);
    },
  );
}
