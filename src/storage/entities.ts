/**
 * The custom entities Pipeline Guard stores, as manifest.yml declares them (a test keeps the two the
 * same). Every index ends in the time, so every listing is newest first and takes a date range.
 */
import type { EntityDefinition } from './entity-store';

export const DECISION_ENTITY = 'decision';
export const DEPLOYMENT_ENTITY = 'deployment';

/** Decisions and deployments are kept this long; Forge deletes them up to 48 h later. */
export const AUDIT_TTL_DAYS = 90;
export const AUDIT_TTL_SECONDS = AUDIT_TTL_DAYS * 24 * 60 * 60;

export const DECISION_INDEX = {
  byTime: 'by-time',
  byRepository: 'by-repository-time',
  byProject: 'by-project-time',
  byOutcome: 'by-outcome-time',
  byPipeline: 'by-pipeline-time',
} as const;

export const DEPLOYMENT_INDEX = {
  byTime: 'by-time',
} as const;

export const DECISION_ENTITY_DEFINITION: EntityDefinition = {
  name: DECISION_ENTITY,
  attributes: {
    v: { type: 'integer' },
    at: { type: 'integer' },
    repository: { type: 'string' },
    repositoryKey: { type: 'string' },
    repositoryUuid: { type: 'string' },
    project: { type: 'string' },
    repositoryStaleAsOf: { type: 'integer' },
    ref: { type: 'string' },
    trigger: { type: 'string' },
    pipeline: { type: 'string' },
    buildNumber: { type: 'integer' },
    creator: { type: 'string' },
    outcome: { type: 'string' },
    rules: { type: 'any' },
    grants: { type: 'any' },
    environments: { type: 'any' },
    message: { type: 'string' },
    policyRevision: { type: 'integer' },
    sample: { type: 'string' },
  },
  indexes: [
    { name: DECISION_INDEX.byTime, range: ['at'] },
    { name: DECISION_INDEX.byRepository, partition: ['repositoryKey'], range: ['at'] },
    { name: DECISION_INDEX.byProject, partition: ['project'], range: ['at'] },
    { name: DECISION_INDEX.byOutcome, partition: ['outcome'], range: ['at'] },
    { name: DECISION_INDEX.byPipeline, partition: ['pipeline'], range: ['at'] },
  ],
};

export const DEPLOYMENT_ENTITY_DEFINITION: EntityDefinition = {
  name: DEPLOYMENT_ENTITY,
  attributes: {
    v: { type: 'integer' },
    at: { type: 'integer' },
    deployment: { type: 'string' },
    state: { type: 'string' },
    environmentUuid: { type: 'string' },
    environmentName: { type: 'string' },
    environmentType: { type: 'string' },
    repositoryUuid: { type: 'string' },
    repositorySlug: { type: 'string' },
    pipeline: { type: 'string' },
    missing: { type: 'any' },
  },
  // Time only: the bypass check must also see events that lack an environment type, which an index
  // partitioned by type would leave out.
  indexes: [{ name: DEPLOYMENT_INDEX.byTime, range: ['at'] }],
};

export const ENTITY_DEFINITIONS: readonly EntityDefinition[] = [
  DECISION_ENTITY_DEFINITION,
  DEPLOYMENT_ENTITY_DEFINITION,
];
