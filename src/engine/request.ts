/**
 * The provider request as Bitbucket sends it (contract: shared/reference/dynamic-pipelines.md §4).
 * Unknown top-level fields are tolerated because Forge injects `context` and `contextToken`; they
 * are never copied into the response.
 */
import * as z from 'zod';
import { TRIGGERS } from './trigger';

export { isRunTrigger, TRIGGERS, type Trigger } from './trigger';

const uuidLike = z.string().min(1).max(200);

export const SelectorSchema = z.looseObject({
  type: z.enum(['default', 'branches', 'tags', 'pull-requests', 'custom', 'bookmarks']),
  pattern: z.string().max(1_000).optional(),
  imported_from: z.looseObject({ repo_uuid: z.string(), revision: z.string(), pipelineName: z.string() }).optional(),
});

const commit = z.looseObject({ hash: z.string().max(200) });

export const TargetSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('pipeline_commit_target'),
    commit: commit.optional(),
    selector: SelectorSchema.optional(),
  }),
  z.looseObject({
    type: z.literal('pipeline_ref_target'),
    commit: commit.optional(),
    ref_type: z.string().min(1).max(50),
    ref_name: z.string().min(1).max(1_000),
    selector: SelectorSchema.optional(),
  }),
  z.looseObject({
    type: z.literal('pipeline_pullrequest_target'),
    commit: commit.optional(),
    source: z.string().min(1).max(1_000),
    destination: z.string().min(1).max(1_000),
    destination_commit: commit.optional(),
    pullrequest: z.looseObject({ id: z.number().int() }).optional(),
    selector: SelectorSchema.optional(),
  }),
]);

// A custom check rather than z.record, which would copy the hostile object key by key (`__proto__` included).
// Its JSON Schema, for the provider's generated validator, says the same: a non-null, non-array object.
const plainObject = z
  .custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
    error: 'must be an object (the JSON form of bitbucket-pipelines.yml)',
  })
  .meta({ type: 'object' });

/** Where a variable comes from (contract §4.1). Only REPOSITORY and WORKSPACE values feed `${{NAME}}` templates. */
export const VARIABLE_SCOPES = ['PIPELINE', 'REPOSITORY', 'WORKSPACE', 'STEP', 'DEPLOYMENT'] as const;
export type VariableScope = (typeof VARIABLE_SCOPES)[number];

/** Bitbucket's variable names: letters, digits and underscores, not starting with a digit. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

export const RequestVariableSchema = z.looseObject({
  key: z.string().regex(VARIABLE_NAME),
  value: z.string().max(100_000),
  scope: z.enum(VARIABLE_SCOPES),
});

export const ProviderRequestSchema = z.looseObject({
  workspace: uuidLike,
  repository: uuidLike,
  creator: uuidLike.optional(),
  trigger: z.enum(TRIGGERS),
  target: TargetSchema,
  pipelines_configuration: plainObject,
  pipeline: z.string().max(200).optional(),
  build_number: z.number().int().optional(),
  created_on: z.string().max(100).optional(),
  trigger_context: z.looseObject({}).optional(),
  /**
   * "The Bitbucket Pipelines variables available before pipeline YAML parsing". An unexpected shape
   * here never blocks a run: request-check.ts sets the two fields aside and the run treats the
   * variables as unknown (src/engine/variables.ts).
   */
  variables: z.array(RequestVariableSchema).max(10_000).optional(),
  variables_truncated: z.boolean().optional(),
});

export type ProviderRequest = z.output<typeof ProviderRequestSchema>;
export type Selector = z.output<typeof SelectorSchema>;
export type RequestVariable = z.output<typeof RequestVariableSchema>;
export type PipelinesConfiguration = Record<string, unknown>;

export type ProviderResponse =
  { pipelines_configuration: PipelinesConfiguration } | { error: { key: string; message: string } };
