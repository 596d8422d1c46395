/**
 * What the settings page lists from Bitbucket: the workspace's projects, repositories and runners.
 * Pure: requests go through a port (`BitbucketGet`), so the Forge adapter (src/forge/bitbucket-get.ts)
 * and the local console's stand-in (dev/bitbucket-stub.ts) answer the same calls. Every answer is
 * validated before use, and pagination follows `next` only within the endpoint first asked.
 */
import * as z from 'zod';
import { identityOfAnswer, RepositoryAnswerSchema, type RepositoryAnswer } from '../policy/repository-schema';

/** One REST answer as the port hands it over: status and parsed JSON body (undefined when there was none). */
export interface RestAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** GET `path` (e.g. `/2.0/workspaces/{…}/projects?pagelen=100`) on api.bitbucket.org. */
export type BitbucketGet = (path: string) => Promise<RestAnswer>;

/** The host Bitbucket names in `next` links; any other host in a link is refused. */
export const BITBUCKET_API_HOST = 'api.bitbucket.org';
/** Bitbucket's largest page for these listings. */
export const PAGE_LENGTH = 100;
/** A workspace with more than this many pages (10 000 items at 100 a page) is listed in part, and says so. */
export const MAX_PAGES = 100;

export const ProjectSchema = z.looseObject({
  key: z.string().min(1).max(100),
  name: z.string().max(300),
  uuid: z.string().max(100).optional(),
});

/** Runner labels come as strings (OpenAPI) or as `{name}` objects (seen in the wild): both are read. */
const RunnerLabelSchema = z.union([
  z.string().min(1).max(100),
  z.looseObject({ name: z.string().min(1).max(100) }).transform((label) => label.name),
]);

export const RunnerSchema = z.looseObject({
  uuid: z.string().min(1).max(100),
  name: z.string().max(300),
  labels: z.array(RunnerLabelSchema).max(100).default([]),
  state: z.looseObject({ status: z.string().max(50), cordoned: z.boolean().optional() }).optional(),
});

const pageOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    values: z.array(item).max(1000),
    next: z.string().max(2000).optional(),
  });

export interface BitbucketProject {
  readonly key: string;
  readonly name: string;
}

export interface BitbucketRepository {
  readonly uuid: string;
  readonly slug: string;
  readonly fullName: string;
  readonly name: string;
  readonly projectKey?: string;
}

export type RunnerStatus = 'ONLINE' | 'OFFLINE' | 'UNREGISTERED' | 'DISABLED' | 'ENABLED' | 'UNHEALTHY' | 'UNKNOWN';
const KNOWN_STATUSES: readonly string[] = ['ONLINE', 'OFFLINE', 'UNREGISTERED', 'DISABLED', 'ENABLED', 'UNHEALTHY'];

export interface BitbucketRunner {
  readonly uuid: string;
  readonly name: string;
  /** Lower case, as runs-on compares them; duplicates removed. */
  readonly labels: string[];
  readonly status: RunnerStatus;
  readonly cordoned: boolean;
}

export interface Listing<T> {
  readonly items: T[];
  /** True when the listing stopped at MAX_PAGES before the last page. */
  readonly truncated: boolean;
}

/** A REST call failed or answered something unusable; the message is written for the admin at the page. */
export class BitbucketRestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A path segment taken from the Forge context: never a `/`, `?` or `..`, so it cannot change the endpoint. */
function segment(value: string): string {
  if (!/^[A-Za-z0-9{}_.-]{1,200}$/.test(value) || value.includes('..'))
    throw new BitbucketRestError(`"${value}" is not a Bitbucket workspace or repository id`);
  return value;
}

export const PATHS = {
  projects: (workspace: string) => `/2.0/workspaces/${segment(workspace)}/projects?pagelen=${PAGE_LENGTH}`,
  repositories: (workspace: string) => `/2.0/repositories/${segment(workspace)}?pagelen=${PAGE_LENGTH}`,
  runners: (workspace: string) =>
    `/2.0/workspaces/${segment(workspace)}/pipelines-config/runners?pagelen=${PAGE_LENGTH}`,
};

const WHAT: Record<keyof typeof PATHS, { noun: string; scope: string }> = {
  projects: { noun: 'the workspace’s projects', scope: 'read:project:bitbucket' },
  repositories: { noun: 'the workspace’s repositories', scope: 'read:repository:bitbucket' },
  runners: { noun: 'the workspace’s runners', scope: 'read:runner:bitbucket' },
};

function statusError(what: keyof typeof PATHS, status: number): BitbucketRestError {
  const { noun, scope } = WHAT[what];
  if (status === 401 || status === 403)
    return new BitbucketRestError(
      `Bitbucket refused to list ${noun} (HTTP ${status}). ` +
        `You may lack access to them in Bitbucket, or the app has not been granted ${scope} yet ` +
        "(ask an admin to approve the app's new permissions).",
      status,
    );
  if (status === 404) return new BitbucketRestError(`Bitbucket does not know ${noun} (HTTP 404).`, status);
  if (status === 429)
    return new BitbucketRestError(
      `Bitbucket is rate-limiting requests for ${noun} (HTTP 429). Try again in a minute.`,
      status,
    );
  return new BitbucketRestError(`Bitbucket answered HTTP ${status} for ${noun}. Try again in a minute.`, status);
}

function shapeError(what: keyof typeof PATHS, error: z.ZodError): BitbucketRestError {
  const first = error.issues[0];
  return new BitbucketRestError(
    `Bitbucket's answer for ${WHAT[what].noun} has an unexpected shape ` +
      `(${first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'unknown'}), ` +
      'so Pipeline Guard does not use it.',
  );
}

/**
 * The path and query of a `next` link, when it stays on the API host and the endpoint first asked.
 * A link elsewhere would make the app call, as the user, whatever an answer named.
 */
export function nextPath(next: string, firstPath: string): string | undefined {
  let url: URL;
  try {
    url = new URL(next);
  } catch {
    return undefined;
  }
  const expected = new URL(firstPath, `https://${BITBUCKET_API_HOST}`);
  if (
    url.protocol !== 'https:' ||
    url.host !== BITBUCKET_API_HOST ||
    url.pathname !== expected.pathname ||
    url.username ||
    url.password
  )
    return undefined;
  // URL encodes the braces of `{uuid}` ids; the first request sent them as they are, and so do these.
  return `${url.pathname}${url.search}`.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}

async function listAll<T extends z.ZodType>(
  get: BitbucketGet,
  what: 'projects' | 'repositories' | 'runners',
  firstPath: string,
  item: T,
): Promise<Listing<z.output<T>>> {
  const schema = pageOf(item);
  const items: z.output<T>[] = [];
  const seen = new Set<string>();
  let path: string | undefined = firstPath;
  for (let page = 0; path; page++) {
    if (page === MAX_PAGES) return { items, truncated: true };
    // A server that links a page to itself again would otherwise loop until MAX_PAGES.
    if (seen.has(path))
      throw new BitbucketRestError(`Bitbucket's pages of ${WHAT[what].noun} link back to a page already read.`);
    seen.add(path);
    const answer = await get(path);
    if (answer.status !== 200) throw statusError(what, answer.status);
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) throw shapeError(what, parsed.error);
    items.push(...(parsed.data.values as z.output<T>[]));
    if (parsed.data.next === undefined) break;
    path = nextPath(parsed.data.next, firstPath);
    if (!path)
      throw new BitbucketRestError(
        `Bitbucket's answer for ${WHAT[what].noun} links its next page outside ` +
          `${BITBUCKET_API_HOST}${new URL(firstPath, 'https://x').pathname}, so Pipeline Guard does not follow it.`,
      );
  }
  return { items, truncated: false };
}

function toRepository(raw: RepositoryAnswer): BitbucketRepository {
  const identity = identityOfAnswer(raw);
  return { ...identity, name: raw.name ?? identity.slug };
}

function toRunner(raw: z.output<typeof RunnerSchema>): BitbucketRunner {
  const status = raw.state?.status?.toUpperCase() ?? 'UNKNOWN';
  return {
    uuid: raw.uuid,
    name: raw.name,
    labels: [...new Set(raw.labels.map((label) => label.trim().toLowerCase()).filter(Boolean))],
    status: (KNOWN_STATUSES.includes(status) ? status : 'UNKNOWN') as RunnerStatus,
    cordoned: raw.state?.cordoned === true,
  };
}

const byText =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

/** The listings the settings page shows, for the workspace of the Forge context. */
export function createBitbucketListings(get: BitbucketGet, workspace: string) {
  return {
    async projects(): Promise<Listing<BitbucketProject>> {
      const listing = await listAll(get, 'projects', PATHS.projects(workspace), ProjectSchema);
      return {
        items: listing.items.map((p) => ({ key: p.key, name: p.name })).sort(byText((p) => p.key)),
        truncated: listing.truncated,
      };
    },
    async repositories(): Promise<Listing<BitbucketRepository>> {
      const listing = await listAll(get, 'repositories', PATHS.repositories(workspace), RepositoryAnswerSchema);
      return { items: listing.items.map(toRepository).sort(byText((r) => r.slug)), truncated: listing.truncated };
    },
    async runners(): Promise<Listing<BitbucketRunner>> {
      const listing = await listAll(get, 'runners', PATHS.runners(workspace), RunnerSchema);
      return { items: listing.items.map(toRunner).sort(byText((r) => r.name)), truncated: listing.truncated };
    },
  };
}

export type BitbucketListings = ReturnType<typeof createBitbucketListings>;
