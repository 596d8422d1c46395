/**
 * Policy format v1: the one schema that the provider, the CLI and the settings page share.
 * `../shared/examples/policy.yaml` must always load through it unchanged. Objects are strict so a
 * typo such as `manualTriger` is an error rather than a silently ignored safety setting.
 */
import * as z from 'zod';
import { SHARED_CHECK, SHARED_CHECKS, type PolicyShapeForChecks, type SharedCheckName } from './checks';
import { CONFIGURABLE_RULE_IDS, MODES } from './rule-ids';
import { PROJECT_KEY_PATTERN } from './scope';

export const LABEL_PATTERN = /^[a-z0-9.]+$/;
export const ROLE_ARN_PATTERN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[A-Za-z0-9+=,.@_\/-]{1,512}$/;
export const REGION_PATTERN = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
export const AUDIENCE_PATTERN = /^[A-Za-z0-9:/._~@+=,-]{1,150}$/;
export const GCP_PROVIDER_PATTERN =
  /^projects\/\d{1,20}\/locations\/global\/workloadIdentityPools\/[a-z0-9-]{4,32}\/providers\/[a-z0-9-]{4,32}$/;
export const GCP_SERVICE_ACCOUNT_PATTERN =
  /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/;
export const VAULT_ADDRESS_PATTERN = /^https?:\/\/[A-Za-z0-9.-]{1,253}(?::\d{1,5})?(?:\/[A-Za-z0-9._~-]+)*\/?$/;
export const VAULT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const VAULT_MOUNT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}){0,3}$/;
const ENV_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const DEPLOYMENT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;
/** An image reference: registry/path:tag@digest, with no shell metacharacters. No `i` flag: JSON Schema drops flags. */
const IMAGE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\/:@-]{0,254}$/;
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

const mode = z.enum(MODES, { error: `must be one of ${MODES.join(', ')}` });

/**
 * Runs a check that JSON Schema cannot express through its plain function in checks.ts, and tags
 * the node with the check's name so that the provider's generated validator calls the same function.
 */
function sharedValueCheck<T extends z.ZodString>(schema: T, name: Exclude<SharedCheckName, 'policy'>): T {
  return schema
    .check((ctx) => {
      for (const { message } of SHARED_CHECKS[name](ctx.value))
        ctx.issues.push({ code: 'custom', message, input: ctx.value });
    })
    .meta({ [SHARED_CHECK]: name });
}

const refGlob = sharedValueCheck(z.string(), 'refGlob');

const nameGlob = sharedValueCheck(z.string(), 'nameGlob');

const regexSource = sharedValueCheck(
  z.string().min(1, 'empty regular expression').max(500, 'longer than 500 characters'),
  'regexSource',
);

const label = z
  .string()
  .max(50, 'a runner label has at most 50 characters')
  .regex(LABEL_PATTERN, 'not a runner label (lowercase letters, digits and dots only)');

const cidr = sharedValueCheck(z.string(), 'cidr');

const network = z.strictObject({
  cidrs: z.array(cidr).max(50).optional(),
  vpcEndpointIds: z
    .array(z.string().regex(/^vpce-[0-9a-f]{8,17}$/, 'not a VPC endpoint ID (vpce-…)'))
    .max(50)
    .optional(),
  vpcIds: z
    .array(z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'not a VPC ID (vpc-…)'))
    .max(50)
    .optional(),
});

const runner = z.strictObject({
  labels: z.array(label).min(1, 'an environment needs at least one runner label').max(10),
  extraLabels: z.array(label).max(10).default([]),
  network: network.optional(),
});

/**
 * A custom `aud` the cloud expects; steps then ask for it with `oidc: { audiences: [...] }` (Bitbucket: at most 150
 * characters).
 */
const audience = z
  .string()
  .regex(AUDIENCE_PATTERN, 'an audience is 1 to 150 characters without white space, quotes or shell metacharacters');

const awsOidc = z.strictObject({
  provider: z.literal('aws').optional(),
  roleArn: z.string().regex(ROLE_ARN_PATTERN, 'not an IAM role ARN'),
  region: z.string().regex(REGION_PATTERN, 'not an AWS region such as eu-west-1'),
  audience: audience.optional(),
});

const gcpOidc = z.strictObject({
  provider: z.literal('gcp'),
  workloadIdentityProvider: z
    .string()
    .regex(
      GCP_PROVIDER_PATTERN,
      'not a workload identity provider such as ' +
        'projects/123456789/locations/global/workloadIdentityPools/bitbucket/providers/acme',
    ),
  serviceAccount: z
    .string()
    .regex(
      GCP_SERVICE_ACCOUNT_PATTERN,
      'not a service account e-mail such as deployer@acme-prod.iam.gserviceaccount.com',
    ),
  audience: audience.optional(),
});

const vaultOidc = z.strictObject({
  provider: z.literal('vault'),
  address: z.string().regex(VAULT_ADDRESS_PATTERN, 'not a Vault address such as https://vault.example.com:8200'),
  role: z.string().regex(VAULT_NAME_PATTERN, 'a Vault role name is letters, digits, ".", "_" and "-" (at most 128)'),
  mount: z
    .string()
    .regex(
      VAULT_MOUNT_PATTERN,
      'a Vault auth mount path is letters, digits, ".", "_", "-" and "/" between names, such as jwt or bitbucket/prod',
    )
    .default('jwt'),
  audience: audience.optional(),
});

/** `provider` chooses the cloud; without it the identity is an AWS role, as before providers existed. */
const oidc = z.discriminatedUnion('provider', [awsOidc, gcpOidc, vaultOidc], {
  error:
    'oidc.provider must be aws, gcp or vault (absent means aws); ' +
    'Azure cannot federate with Bitbucket directly, see docs/cloud-trust.md#azure',
});

const match = z.strictObject({
  stepNamePrefix: z
    .string()
    .regex(PREFIX_PATTERN, 'a step-name prefix is one word of letters, digits, "-" or "_" (at most 32)')
    .optional(),
  deployments: z.array(z.string().regex(DEPLOYMENT_PATTERN, 'not a deployment environment name')).max(20).optional(),
});

const slugGlob = sharedValueCheck(z.string(), 'slugGlob');

/** Which repositories an environment serves; src/policy/scope.ts has the matching rules. */
const scope = z.strictObject({
  projects: z
    .array(
      z
        .string()
        .regex(
          PROJECT_KEY_PATTERN,
          'not a Bitbucket project key (letters, digits and "_", starting with a letter), e.g. PAY',
        ),
    )
    .max(100)
    .optional(),
  repositories: z.array(slugGlob).max(100).optional(),
  exclude: z.array(slugGlob).max(100).optional(),
});

const environment = z.strictObject({
  name: z
    .string()
    .regex(ENV_NAME_PATTERN, 'an environment name is lowercase letters, digits and "-", starting with a letter'),
  description: z.string().max(200).regex(NO_CONTROL, 'must not contain control characters').optional(),
  default: z.boolean().default(false),
  branches: z.array(refGlob).max(100).default([]),
  tags: z.array(refGlob).max(100).default([]),
  match: match.optional(),
  runner: runner.optional(),
  oidc: oidc.optional(),
  manualTrigger: z.boolean().default(false),
  scope: scope.optional(),
});

const scanStep = z.strictObject({
  name: z.string().min(1).max(100).regex(NO_CONTROL, 'must not contain control characters'),
  image: z.string().regex(IMAGE_PATTERN, 'not an image reference such as aquasec/trivy:0.58.1').optional(),
  script: z.array(z.string().min(1).max(10_000)).min(1, 'a scan step needs at least one script line').max(100),
  size: z.enum(['1x', '2x', '4x', '8x']).optional(),
  'max-time': z.number().int().min(1).max(120).optional(),
});

const ruleModes = z.partialRecord(
  z.enum(CONFIGURABLE_RULE_IDS, { error: `unknown rule id; known: ${CONFIGURABLE_RULE_IDS.join(', ')}` }),
  mode,
);

export const PolicySchema = z
  .strictObject({
    version: z.literal(1, { error: 'must be 1 (the only policy format version)' }),
    mode: mode.default('enforce'),
    environments: z.array(environment).min(1, 'at least one environment is required').max(20),
    securityScan: z.strictObject({ steps: z.array(scanStep).max(5) }).optional(),
    deny: z
      .strictObject({
        images: z.array(nameGlob).max(200).default([]),
        pipes: z.array(nameGlob).max(200).default([]),
        scripts: z.array(regexSource).max(200).default([]),
      })
      .default({ images: [], pipes: [], scripts: [] }),
    rules: ruleModes.default({}),
    /**
     * The pull-request merge check. `onFault: pass` lets a pull request merge when the check could not run
     * (Bitbucket, storage or the policy unreadable), with a note; the provider still enforces at run time.
     */
    pullRequests: z.strictObject({ onFault: z.enum(['fail', 'pass']).optional() }).optional(),
  })
  .superRefine((policy, ctx) => {
    for (const { path, message } of SHARED_CHECKS.policy(policy satisfies PolicyShapeForChecks))
      ctx.addIssue({ code: 'custom', path: [...path], message });
  })
  .meta({ [SHARED_CHECK]: 'policy' });

/** The policy as the engine uses it: defaults filled in. */
export type Policy = z.output<typeof PolicySchema>;
/** The policy as an admin writes it. */
export type PolicyInput = z.input<typeof PolicySchema>;
export type Environment = Policy['environments'][number];
export type EnvironmentScope = NonNullable<Environment['scope']>;
export type OidcIdentity = NonNullable<Environment['oidc']>;
export type OidcProvider = 'aws' | 'gcp' | 'vault';
export type ScanStep = NonNullable<Policy['securityScan']>['steps'][number];
