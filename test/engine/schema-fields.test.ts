/**
 * Every field of the published Bitbucket Pipelines schema is either inspected by a named check or
 * listed as harmless with a reason. A field Bitbucket adds later fails here until someone decides
 * whether a step, its runner or its services can be handed a cloud identity, a runner label, an
 * image or a pipe through it. Fields are named by the schema component that declares them, so one
 * entry covers every place the component is used (step, stage, options, definitions, services).
 */
import { readFileSync } from 'fs';
import { SCHEMA_PATH } from '../adversarial/harness';
import { schemaPropertyPaths } from './schema-paths';

type Classification = { readonly inspected: string } | { readonly harmless: string };

const walk = 'src/engine/walk.ts (shape, unresolved imports and unwalkable constructs are invalid-pipeline)';
const lastResort =
  "oidc-role's last-resort scan: " +
  "another environment's identity anywhere in the step, the definition or the global sections";
const noIdentity = 'plain data with no image, pipe, runner label or identity';

const FIELDS: Record<string, Classification> = {
  // ---- the file ----
  'pipelines_configuration.pipelines': { inspected: walk },
  'pipelines_configuration.pipelines.default': { inspected: walk },
  'pipelines_configuration.pipelines.branches': { inspected: walk },
  'pipelines_configuration.pipelines.branches.*': { inspected: walk },
  'pipelines_configuration.pipelines.tags': { inspected: walk },
  'pipelines_configuration.pipelines.tags.*': { inspected: walk },
  'pipelines_configuration.pipelines.custom': { inspected: walk },
  'pipelines_configuration.pipelines.custom.*': { inspected: walk },
  'pipelines_configuration.pipelines.pull-requests': { inspected: walk },
  'pipelines_configuration.pipelines.pull-requests.*': { inspected: walk },
  'pull_requests_pipeline.destinations': { inspected: walk },
  'pull_requests_pipeline.destinations.*': { inspected: walk },
  'pipelines_configuration.image': {
    inspected: 'oidc-role (image.aws.oidc-role for every step without its own image), deny-image',
  },
  'pipelines_configuration.clone': { inspected: lastResort },
  'pipelines_configuration.labels': {
    inspected: 'engine/labels.ts keeps the decision record; the 10 KB limit is invalid-pipeline',
  },
  'pipelines_configuration.options': { inspected: lastResort },
  'pipelines_configuration.options.docker': {
    inspected: 'oidc-role: every step gets the docker service, judged with the step',
  },
  'pipelines_configuration.options.runs-on': { inspected: 'runner-labels (a global runs-on cannot widen a step)' },
  'pipelines_configuration.options.runtime': {
    inspected: 'oidc-role (runtime.self-hosted.storage.aws.oidc-role for every step without its own runtime)',
  },
  'pipelines_configuration.options.max-time': { harmless: 'a time limit' },
  'pipelines_configuration.options.size': { harmless: 'a step size' },
  'pipelines_configuration.definitions': { inspected: lastResort },
  'pipelines_configuration.definitions.caches': { inspected: lastResort },
  'pipelines_configuration.definitions.caches.*': { inspected: lastResort },
  'pipelines_configuration.definitions.services': {
    inspected: 'oidc-role: services judged with each step that uses them (named or the implicit docker)',
  },
  'pipelines_configuration.definitions.services.*': {
    inspected: 'oidc-role: services judged with each step that uses them (named or the implicit docker)',
  },
  'pipelines_configuration.definitions.pipelines': {
    inspected: `${lastResort}; shared pipelines are resolved by Bitbucket before the provider sees them`,
  },
  'pipelines_configuration.definitions.pipelines.*': {
    inspected: `${lastResort}; shared pipelines are resolved by Bitbucket before the provider sees them`,
  },
  'pipelines_configuration.definitions.imports': { inspected: `${walk}; ${lastResort}` },
  'pipelines_configuration.export': { harmless: 'marks the file as shareable; nothing runs from it' },
  'pipelines_configuration.triggers': { inspected: lastResort },
  'pipelines_configuration.triggers.*': { inspected: lastResort },
  'trigger_configuration.condition': {
    harmless: 'decides whether a pipeline starts; the started pipeline is checked as any run',
  },
  'trigger_configuration.pipelines': { harmless: 'names pipelines to start; each run is checked when it starts' },
  'import_source_pipeline.import': { inspected: walk },

  // ---- pipeline items ----
  'step_item.step': { inspected: walk },
  'parallel_item.parallel': { inspected: walk },
  'parallel_expanded.steps': { inspected: walk },
  'parallel_expanded.fail-fast': { harmless: 'stops sibling steps on failure' },
  'stage_item.stage': { inspected: walk },
  'stage.steps': { inspected: walk },
  'stage.steps[].step': { inspected: walk },
  'stage.steps[].step.condition': { harmless: 'a changeset condition' },
  'stage.name': { inspected: `${lastResort}; names are matched by branch-gate only on steps` },
  'stage.deployment': { inspected: 'branch-gate (a stage deployment puts every step of the stage in its environment)' },
  'stage.environment': { inspected: 'branch-gate (same as deployment)' },
  'stage.trigger': { inspected: 'manual-trigger' },
  'stage.condition': { harmless: 'a changeset condition' },
  'variables_item.variables': {
    inspected: 'oidc-role (custom variables: credential names, identities in defaults and allowed values)',
  },
  'variables_item.variables[].name': { inspected: 'oidc-role (a name that chooses credentials is refused)' },
  'variables_item.variables[].default': { inspected: "oidc-role (another environment's identity is refused)" },
  'variables_item.variables[].allowed-values': { inspected: "oidc-role (another environment's identity is refused)" },
  'variables_item.variables[].description': { inspected: lastResort },

  // ---- a step ----
  'step_base.name': { inspected: 'branch-gate (stepNamePrefix)' },
  'step_base.deployment': { inspected: 'branch-gate (deployments)' },
  'step_base.environment': { inspected: 'branch-gate (deployments)' },
  'step_base.trigger': { inspected: 'manual-trigger' },
  'step_base.runs-on': { inspected: 'runner-labels' },
  'step_base.oidc': { inspected: 'oidc-role (true or { audiences }; walk refuses malformed values)' },
  'step_base.image': { inspected: 'oidc-role (image.aws.oidc-role), deny-image' },
  'step_base.script': { inspected: 'oidc-role (shell words), deny-script, deny-pipe' },
  'step_base.after-script': { inspected: 'oidc-role (shell words), deny-script, deny-pipe' },
  'step_base.services': { inspected: 'oidc-role (each service image and variables)' },
  'step_base.runtime': { inspected: 'oidc-role (runtime.self-hosted.storage.aws.oidc-role)' },
  'step_base.type': { inspected: 'walk marks child-pipeline steps; oidc-role checks their input-variables' },
  'step_base.custom': {
    inspected: 'child pipelines: the started custom pipeline is checked when it runs (trigger parent_step)',
  },
  'step_base.input-variables': { inspected: 'oidc-role (credential names and identities handed to a child pipeline)' },
  'step_base.input-variables.*': {
    inspected: 'oidc-role (credential names and identities handed to a child pipeline)',
  },
  'step_base.clone': { inspected: lastResort },
  'step_base.caches': {
    inspected:
      'oidc-role: a step with an identity may not cache ~/.config/gcloud, ~/.aws or ~/.vault-token ' +
      '(or a directory above them); names are also read by the last-resort scan',
  },
  'step_base.artifacts': { harmless: 'file globs inside the clone; the token file lives outside it' },
  'step_base.size': { harmless: 'a step size' },
  'step_base.max-time': { harmless: 'a time limit' },
  'step_base.fail-fast': { harmless: 'stops sibling steps on failure' },
  'step_base.concurrency-group': { harmless: 'serialises runs; no identity' },
  'step.condition': { harmless: 'a changeset condition' },
  'condition.changesets': { harmless: noIdentity },
  'condition.changesets.includePaths': { harmless: noIdentity },
  'condition.changesets.excludePaths': { harmless: noIdentity },

  // ---- images, pipes, services ----
  'image_base.name': { inspected: 'deny-image' },
  'image_base.run-as-user': { harmless: 'a user id inside the container' },
  'image_basic_auth.username': {
    harmless: 'registry credentials from Bitbucket variables; they pull an image, not a cloud identity',
  },
  'image_basic_auth.password': {
    harmless: 'registry credentials from Bitbucket variables; they pull an image, not a cloud identity',
  },
  'image_aws_auth.aws': { inspected: 'oidc-role' },
  'image_aws_auth.aws.oidc-role': { inspected: "oidc-role (must be the environment's role)" },
  'image_aws_auth.aws.access-key': { harmless: 'static ECR pull keys from Bitbucket variables (documented limit)' },
  'image_aws_auth.aws.secret-key': { harmless: 'static ECR pull keys from Bitbucket variables (documented limit)' },
  'pipe.pipe': { inspected: 'deny-pipe' },
  'pipe.variables': { inspected: 'oidc-role (credential and role-like variables)' },
  'pipe.variables.*': { inspected: 'oidc-role (credential and role-like variables)' },
  'service.image': { inspected: 'oidc-role (image.aws.oidc-role of each service a step gets)' },
  'service.variables': { inspected: 'oidc-role (credential and role-like variables of each service a step gets)' },
  'service.variables.*': { inspected: 'oidc-role (credential and role-like variables of each service a step gets)' },
  'service.memory': { harmless: 'a memory limit' },
  'service.type': { harmless: 'marks the docker service' },

  // ---- runner runtime and storage ----
  'runtime.cloud': { harmless: 'Atlassian cloud runner options' },
  'cloud.arch': { harmless: 'the cloud runner architecture' },
  'cloud.atlassian-ip-ranges': { harmless: 'egress addresses of cloud runners' },
  'cloud.instance-type': { harmless: 'a cloud runner size' },
  'cloud.version': { harmless: 'a cloud runtime version' },
  'runtime.self-hosted': { inspected: 'oidc-role' },
  'self-hosted.cpu': { harmless: 'a resource limit' },
  'self-hosted.memory': { harmless: 'a resource limit' },
  'self-hosted.volumes': {
    harmless: "host paths on the environment's own runner (runner-labels keeps the step there)",
  },
  'self-hosted.storage': { inspected: 'oidc-role' },
  'self-hosted.storage.aws': { inspected: 'oidc-role' },
  'self-hosted.storage.gcp': { inspected: lastResort },
  'storage_aws_auth.oidc-role': { inspected: "oidc-role (must be the environment's role)" },
  'storage_aws_auth.access-key': { harmless: 'static storage keys from Bitbucket variables (documented limit)' },
  'storage_aws_auth.secret-key': { harmless: 'static storage keys from Bitbucket variables (documented limit)' },
  'storage_aws_auth.bucket': { harmless: 'a bucket name' },
  'storage_aws_auth.region': { harmless: 'a region' },
  'storage_gcp_auth.bucket': { harmless: 'a bucket name' },
  'storage_gcp_auth.key-file': {
    harmless:
      'a static key file from Bitbucket variables (documented limit); ' +
      "another environment's identity in it is caught by the last resort",
  },

  // ---- artifacts and caches ----
  'artifacts_expanded.download': { harmless: 'which artifacts to download' },
  'artifacts_expanded.paths': { harmless: 'file globs inside the clone' },
  'artifacts_expanded.upload': { harmless: 'file globs inside the clone' },
  'artifacts_upload.capture-on': { harmless: noIdentity },
  'artifacts_upload.depth': { harmless: noIdentity },
  'artifacts_upload.ignore-paths': { harmless: noIdentity },
  'artifacts_upload.name': { harmless: noIdentity },
  'artifacts_upload.paths': { harmless: 'file globs inside the clone' },
  'artifacts_upload.type': { harmless: noIdentity },
  'cache_expanded.key': { harmless: noIdentity },
  'cache_expanded.key.files': { harmless: noIdentity },
  'cache_expanded.path': { harmless: 'a directory to cache' },
  'clone.depth': { harmless: noIdentity },
  'clone.enabled': { harmless: noIdentity },
  'clone.lfs': { harmless: noIdentity },
  'clone.skip-ssl-verify': { harmless: 'TLS to Bitbucket, not to a cloud' },
};

const paths = schemaPropertyPaths(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));

describe('every field of the published pipelines schema is classified', () => {
  it('enumerates the schema (a parse that finds nothing would pass every check below)', () => {
    expect(paths.length).toBeGreaterThan(1_000);
    expect(paths.map((p) => p.path)).toContain('pipelines.branches.*[].step.oidc');
    expect(paths.map((p) => p.path)).toContain('definitions.services.*.image.aws.oidc-role');
  });

  it('has no property path that is neither inspected nor listed as harmless with a reason', () => {
    const unclassified = paths.filter((p) => !(p.field in FIELDS));
    expect(unclassified.map((p) => `${p.field} (e.g. ${p.path})`)).toEqual([]);
  });

  it('gives every classification a reason and names no field the schema lacks', () => {
    const fields = new Set(paths.map((p) => p.field));
    expect(Object.keys(FIELDS).filter((field) => !fields.has(field))).toEqual([]);
    for (const [field, classification] of Object.entries(FIELDS))
      expect([field, Object.values(classification)[0].length > 5]).toEqual([field, true]);
  });
});
