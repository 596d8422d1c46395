/**
 * Bitbucket's deployment events (`avi:bitbucket:completed:deployment`, platform-apis.md §2.1), kept
 * in the `deployment` entity for the bypass check. An event is stored even when it lacks what the
 * check needs: the gap is recorded in `missing` and shown, never read as a pass.
 */
import * as z from 'zod';
import { AUDIT_TTL_SECONDS, DEPLOYMENT_ENTITY, DEPLOYMENT_INDEX } from './entities';
import { MAX_ENTITY_PAGE, type EntityStore } from './entity-store';

export const DEPLOYMENT_EVENT = 'avi:bitbucket:completed:deployment';
const MAX_ID = 80;
const MAX_NAME = 200;

/** See DeploymentRecordSchema below, which checks stored records. */
export interface DeploymentRecord {
  readonly v: 1;
  /** Epoch ms of the event (its timestamp, else when it arrived). */
  readonly at: number;
  readonly deployment: string;
  readonly state?: string;
  readonly environmentUuid?: string;
  readonly environmentName?: string;
  /** Upper-cased, e.g. `PRODUCTION`. */
  readonly environmentType?: string;
  readonly repositoryUuid?: string;
  readonly repositorySlug?: string;
  /** Lower-cased pipeline UUID, as the decision record keeps it. */
  readonly pipeline?: string;
  /** What the check needs and the event did not carry, e.g. `pipeline.uuid`. */
  readonly missing: string[];
}

const objectAt = (value: unknown, key: string): Record<string, unknown> | undefined => {
  const child = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof child === 'object' && child !== null && !Array.isArray(child)
    ? (child as Record<string, unknown>)
    : undefined;
};
const stringAt = (value: Record<string, unknown> | undefined, key: string, max: number): string | undefined => {
  const text = value?.[key];
  return typeof text === 'string' && text.trim() !== '' ? text.trim().slice(0, max) : undefined;
};

/** The event as a record; never throws, whatever the payload holds. */
export function deploymentFromEvent(event: unknown, receivedAt: Date): DeploymentRecord {
  const deployment = objectAt(event, 'deployment');
  const environment = objectAt(event, 'environment');
  const repository = objectAt(event, 'repository');
  const pipeline = objectAt(event, 'pipeline');
  const timestamp =
    typeof event === 'object' && event !== null ? (event as Record<string, unknown>).timestamp : undefined;
  const eventTime =
    typeof timestamp === 'string' ? Date.parse(timestamp) : typeof timestamp === 'number' ? timestamp : NaN;
  const state = deployment
    ? (stringAt(deployment, 'status', 40) ??
      stringAt(objectAt(deployment, 'state'), 'name', 40) ??
      stringAt(deployment, 'state', 40))
    : undefined;
  const fields = {
    deployment: stringAt(deployment, 'uuid', MAX_ID),
    environmentUuid: stringAt(environment, 'uuid', MAX_ID),
    environmentName: stringAt(environment, 'name', MAX_NAME),
    environmentType: stringAt(environment, 'type', 40)?.toUpperCase(),
    repositoryUuid: stringAt(repository, 'uuid', MAX_ID),
    repositorySlug: stringAt(repository, 'slug', MAX_NAME),
    pipeline: stringAt(pipeline, 'uuid', MAX_ID)?.toLowerCase(),
  };
  const missing = [
    ['environment.type', fields.environmentType],
    ['environment.uuid', fields.environmentUuid],
    ['repository.uuid', fields.repositoryUuid],
    ['pipeline.uuid', fields.pipeline],
  ].flatMap(([name, value]) => (value === undefined ? [name as string] : []));
  const at = Number.isFinite(eventTime) && eventTime > 0 ? Math.trunc(eventTime) : receivedAt.getTime();
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return {
    v: 1,
    at,
    deployment: fields.deployment ?? `unknown-${at}`,
    ...(state ? { state } : {}),
    ...defined,
    missing,
  } as DeploymentRecord;
}

/** One key per deployment: Forge may deliver an event twice, and the second write lands on the first. */
const deploymentKey = (record: DeploymentRecord) =>
  record.deployment.replace(/[^a-zA-Z0-9:._-]/g, '').slice(0, 120) || `unknown-${record.at}`;

export async function recordDeployment(
  entities: EntityStore,
  event: unknown,
  receivedAt: Date,
): Promise<DeploymentRecord> {
  const record = deploymentFromEvent(event, receivedAt);
  await entities.set(DEPLOYMENT_ENTITY, deploymentKey(record), { ...record }, { ttlSeconds: AUDIT_TTL_SECONDS });
  return record;
}

/** Stored deployments are a boundary too: a record that fails this is counted as damaged, never judged. */
export const DeploymentRecordSchema = z.strictObject({
  v: z.literal(1),
  at: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  deployment: z.string().max(200),
  state: z.string().max(40).optional(),
  environmentUuid: z.string().max(MAX_ID).optional(),
  environmentName: z.string().max(MAX_NAME).optional(),
  environmentType: z.string().max(40).optional(),
  repositoryUuid: z.string().max(MAX_ID).optional(),
  repositorySlug: z.string().max(MAX_NAME).optional(),
  pipeline: z.string().max(MAX_ID).optional(),
  missing: z.array(z.string().max(40)).max(10),
});

export const isDeploymentRecord = (value: unknown): value is DeploymentRecord =>
  DeploymentRecordSchema.safeParse(value).success;

export interface DeploymentScan {
  readonly deployments: DeploymentRecord[];
  readonly nextCursor?: string;
  readonly damaged: number;
}

/** Deployments newest first in a time window, one storage page per call. */
export async function scanDeployments(
  entities: EntityStore,
  options: { from?: number; to?: number; cursor?: string; limit?: number },
): Promise<DeploymentScan> {
  const page = await entities.query(DEPLOYMENT_ENTITY, {
    index: DEPLOYMENT_INDEX.byTime,
    range: options.from !== undefined || options.to !== undefined ? { from: options.from, to: options.to } : undefined,
    sort: 'DESC',
    limit: options.limit ?? MAX_ENTITY_PAGE,
    cursor: options.cursor,
  });
  const deployments = page.results.map((result) => result.value).filter(isDeploymentRecord);
  return { deployments, nextCursor: page.nextCursor, damaged: page.results.length - deployments.length };
}
