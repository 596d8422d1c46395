/**
 * Policy as code: where the policy comes from (the settings page, or a file in a Bitbucket
 * repository), every switch between the two with who made it and when, and the state of the
 * repository sync (the commit in force, the last failure). The provider never reads any of this:
 * a commit that passes becomes an ordinary revision in `policy:current` (policy-repo.ts).
 *
 *   policysource:current               { source, setAt, setBy }; absent: the page (every install before this)
 *   policysource:switch:<time>-<rand>   one record per switch, kept (the audit trail)
 *   policysource:status                 the sync state of the current repository source
 */
import * as z from 'zod';
import type { KeyValueStore } from './kv';
import { listAll } from './list-all';

export const DEFAULT_POLICY_BRANCH = 'main';
export const DEFAULT_POLICY_PATH = 'pipeline-guard.yaml';
export const DEFAULT_TESTS_PATH = 'pipeline-guard.tests.yaml';

const SOURCE_KEY = 'policysource:current';
const SWITCH_PREFIX = 'policysource:switch:';
const STATUS_KEY = 'policysource:status';
/** Switches listed on the page; every one stays stored. */
export const SWITCHES_SHOWN = 50;

/** A Bitbucket branch name: what git allows, minus what would change a REST path or a glob. */
export const BranchNameSchema = z
  .string()
  .trim()
  .min(1, 'the branch is required')
  .max(200)
  .regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits, `.`, `_`, `-` and `/` only')
  .refine((name) => !name.includes('..') && !name.startsWith('/') && !name.endsWith('/'), 'not a branch name');

/** A file path inside the repository: relative, no `..` segment, no empty segment. */
export const RepositoryPathSchema = z
  .string()
  .trim()
  .min(1, 'the path is required')
  .max(300)
  .regex(/^[A-Za-z0-9._ /-]+$/, 'letters, digits, spaces, `.`, `_`, `-` and `/` only')
  .refine(
    (path) => path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..'),
    'a relative path without `.` or `..` segments',
  );

const BRACED_UUID = /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;

export const RepositorySourceSchema = z.strictObject({
  kind: z.literal('repository'),
  /** The workspace's UUID from the Forge context of the admin who set it: the hourly job has no context. */
  workspace: z.string().regex(BRACED_UUID),
  repository: z.strictObject({ uuid: z.string().regex(BRACED_UUID), fullName: z.string().min(3).max(300) }),
  branch: BranchNameSchema,
  path: RepositoryPathSchema,
  testsPath: RepositoryPathSchema,
});

export const PolicySourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('page') }),
  RepositorySourceSchema,
]);

export type RepositorySource = z.output<typeof RepositorySourceSchema>;
export type PolicySource = z.output<typeof PolicySourceSchema>;

const SourceRecordSchema = z.strictObject({
  source: PolicySourceSchema,
  setAt: z.string().max(100),
  setBy: z.string().max(200),
});
export type SourceRecord = z.output<typeof SourceRecordSchema>;

export const SwitchRecordSchema = z.strictObject({
  at: z.string().max(100),
  by: z.string().max(200),
  from: PolicySourceSchema,
  to: PolicySourceSchema,
});
export type SwitchRecord = z.output<typeof SwitchRecordSchema>;

export const SYNC_FAILURE_KINDS = [
  'bitbucket',
  'missing-file',
  'invalid-policy',
  'invalid-tests',
  'tests-failed',
  'replay-blocks',
  'replay-error',
] as const;
export type SyncFailureKind = (typeof SYNC_FAILURE_KINDS)[number];

const CommitInfoSchema = z.strictObject({
  hash: z.string().regex(/^[0-9a-f]{7,64}$/),
  author: z.string().max(300).optional(),
  message: z.string().max(2_000).optional(),
  date: z.string().max(100).optional(),
});
export type CommitInfo = z.output<typeof CommitInfoSchema>;

export const SyncStatusSchema = z.strictObject({
  /** Which source this status is about (sourceKey); a switch starts a fresh status. */
  source: z.string().max(1_000),
  /** The commit whose policy is the active revision. */
  active: CommitInfoSchema.extend({ revision: z.number().int().min(1), loadedAt: z.string().max(100) }).optional(),
  /** The newest commit that failed; cleared when a newer commit loads. */
  failure: CommitInfoSchema.extend({
    at: z.string().max(100),
    kind: z.enum(SYNC_FAILURE_KINDS),
    message: z.string().max(4_000),
    details: z.array(z.string().max(1_000)).max(40),
    /** A Bitbucket or replay fault: the hourly job tries the same commit again. Otherwise only a new commit helps. */
    retryable: z.boolean(),
  }).optional(),
  lastCheck: z
    .strictObject({
      at: z.string().max(100),
      trigger: z.enum(['push', 'hourly', 'manual', 'switch']),
      outcome: z.enum(['loaded', 'unchanged', 'failed']),
      hash: z.string().max(64).optional(),
      /** Why the check failed when no commit could be read (the branch head). */
      message: z.string().max(1_000).optional(),
    })
    .optional(),
  /** What happened to the report on the commit (build status): Bitbucket may refuse it. */
  report: z
    .strictObject({
      hash: z.string().max(64),
      state: z.enum(['SUCCESSFUL', 'FAILED']),
      posted: z.boolean(),
      detail: z.string().max(500),
    })
    .optional(),
});
export type SyncStatus = z.output<typeof SyncStatusSchema>;

/** Identifies a repository source's settings, so that a status is never read as another source's. */
export const sourceKey = (source: RepositorySource): string =>
  `${source.repository.uuid.toLowerCase()}|${source.branch}|${source.path}|${source.testsPath}`;

export type StoredSource =
  | { readonly state: 'ok'; readonly record?: SourceRecord }
  /** The record fails validation: policy writes on the page stay refused until an admin sets the source again. */
  | { readonly state: 'damaged' };

export interface PolicySourceStore {
  current(): Promise<StoredSource>;
  /** Replaces the source and records the switch. */
  set(record: SourceRecord, from: PolicySource): Promise<void>;
  /** The newest switches first. */
  switches(): Promise<SwitchRecord[]>;
  status(source: RepositorySource): Promise<SyncStatus>;
  setStatus(status: SyncStatus): Promise<void>;
}

export function createPolicySourceStore(
  kv: KeyValueStore,
  newId: () => string = () => Math.random().toString(36).slice(2, 10),
): PolicySourceStore {
  return {
    async current() {
      const raw = await kv.get(SOURCE_KEY);
      if (raw === undefined || raw === null) return { state: 'ok' };
      const parsed = SourceRecordSchema.safeParse(raw);
      return parsed.success ? { state: 'ok', record: parsed.data } : { state: 'damaged' };
    },

    async set(record, from) {
      const entry: SwitchRecord = { at: record.setAt, by: record.setBy, from, to: record.source };
      // The switch first: a switch that happened is never missing from the trail, even if the second write fails.
      await kv.set(`${SWITCH_PREFIX}${record.setAt.replace(/[^0-9A-Za-z]/g, '')}-${newId()}`, entry);
      await kv.set(SOURCE_KEY, record);
    },

    async switches() {
      const { entries } = await listAll(kv, SWITCH_PREFIX);
      const records = entries.flatMap((entry) => {
        const parsed = SwitchRecordSchema.safeParse(entry.value);
        return parsed.success ? [parsed.data] : [];
      });
      return records.sort((a, b) => b.at.localeCompare(a.at)).slice(0, SWITCHES_SHOWN);
    },

    async status(source) {
      const parsed = SyncStatusSchema.safeParse(await kv.get(STATUS_KEY));
      const key = sourceKey(source);
      return parsed.success && parsed.data.source === key ? parsed.data : { source: key };
    },

    setStatus: (status) => kv.set(STATUS_KEY, status),
  };
}
