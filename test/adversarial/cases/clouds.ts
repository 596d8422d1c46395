/**
 * Cloud identities beyond AWS, the `oidc` mapping form, and commands read as the shell reads them:
 * GCP and Vault setup lines (injection-safe, before the step's own lines, a fixed point), foreign
 * service accounts, providers and Vault roles, every bash way of setting a variable, and the places
 * outside the steps (custom variables, child-pipeline inputs, implicit services, global sections).
 */
import type { AdversarialCase, AdversarialFamily } from '../case';
import { DEV_ROLE, PROD_ROLE, referencePolicy, step, T } from '../harness';
import { oidcSetupLines } from '../../../src/rules/oidc-role';
import type { PolicyInput } from '../../../src/policy/schema';

const F = T.branch('feature/x', 'feature/*');
const MAIN = T.branch('main');

export const PROD_PROVIDER = 'projects/123456789/locations/global/workloadIdentityPools/bitbucket/providers/acme-prod';
export const PROD_SA = 'deployer@acme-prod.iam.gserviceaccount.com';
const DEV_PROVIDER = 'projects/123456789/locations/global/workloadIdentityPools/bitbucket/providers/acme-dev';
const DEV_SA = 'builder@acme-dev.iam.gserviceaccount.com';

/** PROD on GCP, DEV on GCP with another provider and service account. */
const gcpBoth = (p: PolicyInput) => {
  p.environments[0].oidc = { provider: 'gcp', workloadIdentityProvider: PROD_PROVIDER, serviceAccount: PROD_SA };
  p.environments[1].oidc = { provider: 'gcp', workloadIdentityProvider: DEV_PROVIDER, serviceAccount: DEV_SA };
};
/** PROD and DEV on one Vault, with their own roles. */
const vaultBoth = (p: PolicyInput) => {
  p.environments[0].oidc = { provider: 'vault', address: 'https://vault.example.com:8200', role: 'prod-deploy' };
  p.environments[1].oidc = { provider: 'vault', address: 'https://vault.example.com:8200', role: 'dev-build' };
};
/** PROD on Vault with its own mount, DEV on GCP: a DEV step has no Vault identity of its own. */
const vaultProdGcpDev = (p: PolicyInput) => {
  p.environments[0].oidc = {
    provider: 'vault',
    address: 'https://vault.example.com:8200',
    role: 'prod-deploy',
    mount: 'jwt-prod',
  };
  p.environments[1].oidc = { provider: 'gcp', workloadIdentityProvider: DEV_PROVIDER, serviceAccount: DEV_SA };
};
const envOf = (adjust: (p: PolicyInput) => void, name: string) =>
  referencePolicy(adjust).policy.environments.find((e) => e.name === name)!;
const awsDev = referencePolicy().policy.environments.find((e) => e.name === 'dev')!;

const outputStep = (output: Record<string, unknown>, section: 'feature/*' | 'main', index: number) =>
  (output.pipelines as any).branches[section][index].step;

const blockedIn = (
  policy: ((p: PolicyInput) => void) | undefined,
  what: string,
  line: string,
  oidc: unknown = true,
): AdversarialCase => ({
  name: `a DEV step whose script ${what} is blocked`,
  target: F,
  policy,
  items: [step('Build', { oidc, script: ['make', line] })],
  expect: { blocked: ['oidc-role'], mentions: ['Build'] },
});

const allowedIn = (policy: ((p: PolicyInput) => void) | undefined, what: string, line: string): AdversarialCase => ({
  name: `a DEV step that ${what} is allowed`,
  target: F,
  policy,
  items: [step('Build', { oidc: true, script: [line] })],
  expect: { allowed: true },
});

const SHELL_FORMS: Array<[string, string]> = [
  ['sets AWS_PROFILE through a brace list', 'export AWS_{PROFILE,UNUSED}=prod'],
  ["spells AWS_PROFILE with $'\\x5f'", "export $'AWS\\x5fPROFILE'=prod"],
  ['splits AWS_PROFILE with a line continuation', 'export AWS_PRO\\\nFILE=prod'],
  ['reads AWS_PROFILE with read', 'read -r AWS_PROFILE <<< prod'],
  ['sets AWS_PROFILE with printf -v', 'printf -v AWS_PROFILE %s prod'],
  ['sets AWS_PROFILE as a for-loop variable', 'for AWS_PROFILE in prod; do aws s3 ls; done'],
  ['sets AWS_PROFILE with ${…:=…}', ': "${AWS_PROFILE:=prod}"'],
  ['makes a name reference to AWS_PROFILE', 'declare -n p=AWS_PROFILE; p=prod'],
  ['sets AWS_PROFILE inside eval', 'eval "export AWS_PRO""FILE=prod"'],
  ['sets AWS_PROFILE inside bash -c', "bash -c 'export AWS_PROFILE=prod; aws s3 ls'"],
  ['sets AWS_PROFILE inside a command substitution', 'echo "$(export AWS_PROFILE=prod; aws s3 ls)"'],
  ['sets AWS_PROFILE with typeset -x', 'typeset -x AWS_PROFILE=prod'],
  ['sets AWS_PROFILE with readonly', 'readonly AWS_PROFILE=prod'],
  ['sets AWS_PROFILE with local in a function', 'f() { local AWS_PROFILE=prod; aws s3 ls; }; f'],
  ['sets AWS_PROFILE for env -u', 'env -u HOME AWS_PROFILE=prod aws s3 ls'],
  ['sets AWS_PROFILE under set -a', 'set -a; AWS_PROFILE=prod; set +a'],
  ['passes --profile split by quotes', "aws s3 ls --pro''file prod"],
  ['passes --profile through sudo', 'sudo -u ci aws s3 ls --profile prod'],
  ['sets AWS_DEFAULT_PROFILE', 'export AWS_DEFAULT_PROFILE=prod'],
  ['sets AWS_CONTAINER_CREDENTIALS_FULL_URI', 'export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.2/creds'],
  [
    'writes role_arn with aws configure set for a profile',
    'aws configure set profile.other.role_arn arn:aws:iam::999999999999:role/admin',
  ],
  ['writes credential_process with aws configure set', "aws configure set credential_process '/bin/get-creds'"],
  [
    'writes role_arn in a here-document',
    "cat >> ~/.aws/config <<'EOF'\n[profile other]\nrole_arn = arn:aws:iam::999999999999:role/admin\nEOF",
  ],
  ['sets a static key over the role in an OIDC step', 'export AWS_ACCESS_KEY_ID=$PROD_ACCESS_KEY'],
  ['writes ~/.aws/credentials in an OIDC step', 'cp ci/credentials ~/.aws/credentials'],
  ['passes another role to docker as -e', 'docker run -e AWS_ROLE_ARN=arn:aws:iam::999999999999:role/admin image'],
  // Security review 2: appends, and commands handed to a shell other than by -c.
  ['appends to AWS_ROLE_ARN', 'AWS_ROLE_ARN+=-prod; aws s3 ls'],
  ['appends to AWS_PROFILE with export', 'export AWS_PROFILE+=prod'],
  ['appends to AWS_PROFILE with declare -x', 'declare -x AWS_PROFILE+=prod'],
  ['passes --profile through env -S', "env -S 'aws s3 ls --profile prod'"],
  ['passes --profile through env --split-string', "env --split-string='aws s3 ls --profile prod'"],
  ['sources a process substitution that prints the command', "source <(echo 'aws s3 ls --profile prod')"],
  ['hands bash a here-string', "bash <<< 'aws s3 ls --profile prod'"],
  ['pipes the command into sh', "echo 'aws s3 ls --profile prod' | sh"],
  ['runs aws from find -exec', 'find . -maxdepth 0 -exec aws s3 ls --profile prod \\;'],
  ['passes --profile in a $"…" locale string', 'aws s3 ls $"--profile" prod'],
  ['runs aws in a function NAME { … } body', 'function f { aws s3 ls --profile prod; }; f'],
  ['runs aws as a coprocess', 'coproc aws s3 ls --profile prod'],
];

const NO_FALSE_POSITIVES: Array<[string, string]> = [
  [
    'passes its own role and token file to a container',
    'docker run -e AWS_ROLE_ARN -e AWS_WEB_IDENTITY_TOKEN_FILE ' +
      '-v "$AWS_WEB_IDENTITY_TOKEN_FILE:$AWS_WEB_IDENTITY_TOKEN_FILE:ro" amazon/aws-cli sts get-caller-identity',
  ],
  [
    'passes its own role and token file as NAME=$NAME',
    'docker run -e AWS_ROLE_ARN=$AWS_ROLE_ARN -e AWS_WEB_IDENTITY_TOKEN_FILE="$AWS_WEB_IDENTITY_TOKEN_FILE" image',
  ],
  [
    'assumes its own role by variable',
    'aws sts assume-role-with-web-identity --role-arn "$AWS_ROLE_ARN" --role-session-name ci ' +
      '--web-identity-token "$(cat "$AWS_WEB_IDENTITY_TOKEN_FILE")"',
  ],
  [
    'assumes its own role by ARN',
    `aws sts assume-role-with-web-identity --role-arn ${DEV_ROLE} --role-session-name ci ` +
      '--web-identity-token "$BITBUCKET_STEP_OIDC_TOKEN"',
  ],
  ['passes --profile to npm', 'npm publish --profile ci'],
  ['passes --profile to a profiler', 'node --cpu-prof app.js && pnpm run build --profile'],
  ['mentions a profile in plain text', 'echo "AWS profile selection is done by Pipeline Guard"'],
];

export const clouds: AdversarialFamily = {
  family: 'cloud identities and shell reading',
  cases: [
    // ---- the mapping form of oidc ----
    {
      name: 'a DEV step with oidc: { audiences } gets the DEV setup and keeps its audiences',
      target: F,
      items: [step('Build', { oidc: { audiences: ['sts.amazonaws.com', 'api://custom'] }, script: ['aws s3 ls'] })],
      expect: {
        allowed: true,
        check: (output) => {
          const s = outputStep(output, 'feature/*', 1);
          expect(s.oidc).toEqual({ audiences: ['sts.amazonaws.com', 'api://custom'] });
          expect(s.script).toEqual([...oidcSetupLines(awsDev), 'aws s3 ls']);
        },
      },
    },
    {
      name: 'options.oidc: { audiences } gives every step that says nothing the DEV setup',
      target: F,
      extra: { options: { oidc: { audiences: ['sts.amazonaws.com'] } } },
      items: [step('Build', { script: ['aws s3 ls'] }), step('Lint', { oidc: false, script: ['npm run lint'] })],
      expect: {
        allowed: true,
        check: (output) => {
          expect(outputStep(output, 'feature/*', 1).script).toEqual([...oidcSetupLines(awsDev), 'aws s3 ls']);
          expect(outputStep(output, 'feature/*', 2).script).toEqual(['npm run lint']);
          expect(output.options).toEqual({ oidc: { audiences: ['sts.amazonaws.com'] } });
        },
      },
    },
    {
      name: 'options.oidc: true gives a step the DEV setup',
      target: F,
      extra: { options: { oidc: true } },
      items: [step('Build', { script: ['aws s3 ls'] })],
      expect: {
        allowed: true,
        check: (output) =>
          expect(outputStep(output, 'feature/*', 1).script.slice(0, 5)).toEqual(oidcSetupLines(awsDev)),
      },
    },
    ...(
      [
        ['eleven audiences', { audiences: Array.from({ length: 11 }, (_, i) => `aud-${i}`) }],
        ['an audience of 151 characters', { audiences: ['a'.repeat(151)] }],
        ['an audience that is a number', { audiences: [42] }],
        ['an empty audience list', { audiences: [] }],
        ['audiences as a string', { audiences: 'sts.amazonaws.com' }],
        ['a misspelled key', { audience: ['sts.amazonaws.com'] }],
        ['a string', 'yes'],
      ] as Array<[string, unknown]>
    ).flatMap(([what, value]): AdversarialCase[] => [
      {
        name: `oidc with ${what} on a step is an invalid pipeline`,
        target: F,
        items: [step('Build', { oidc: value })],
        expect: { blocked: ['invalid-pipeline'], mentions: ['oidc'] },
      },
      {
        name: `options.oidc with ${what} is an invalid pipeline`,
        target: F,
        extra: { options: { oidc: value } },
        items: [step('Build')],
        expect: { blocked: ['invalid-pipeline'], mentions: ['options.oidc'] },
      },
    ]),
    {
      name: 'a DEV step with the mapping form in an environment without a role is blocked',
      target: F,
      policy: (p) => {
        delete p.environments[1].oidc;
      },
      items: [step('Build', { oidc: { audiences: ['x'] } })],
      expect: { blocked: ['oidc-role'], mentions: ['`oidc: { audiences: … }`'] },
    },

    // ---- GCP ----
    {
      name: 'a PROD step on main under GCP gets the PROD cred-config setup first, values quoted',
      target: MAIN,
      policy: gcpBoth,
      items: [step('PROD deploy', { oidc: true, script: ['gcloud run deploy app --image x'] })],
      expect: {
        allowed: true,
        prod: true,
        check: (output) => {
          const s = outputStep(output, 'main', 1);
          expect(s.script).toEqual([...oidcSetupLines(envOf(gcpBoth, 'prod')), 'gcloud run deploy app --image x']);
          expect(s.script).toContain(
            `gcloud iam workload-identity-pools create-cred-config '${PROD_PROVIDER}' --service-account='${PROD_SA}' ` +
              '--credential-source-file="$PIPELINE_GUARD_OIDC_DIR/web-identity-token" ' +
              '--output-file="$PIPELINE_GUARD_OIDC_DIR/gcp-credentials.json"',
          );
          expect(s.script).toContain(
            'export GOOGLE_APPLICATION_CREDENTIALS="$PIPELINE_GUARD_OIDC_DIR/gcp-credentials.json"',
          );
        },
      },
    },
    {
      name: 'a DEV step under GCP that impersonates its own service account is allowed',
      target: F,
      policy: gcpBoth,
      items: [
        step('Build', {
          oidc: true,
          script: [
            `gcloud storage ls --impersonate-service-account=${DEV_SA}`,
            'gcloud auth print-access-token --cred-file="$GOOGLE_APPLICATION_CREDENTIALS"',
          ],
        }),
      ],
      expect: { allowed: true },
    },
    ...(
      [
        ['impersonates the PROD service account', `gcloud storage ls --impersonate-service-account=${PROD_SA}`],
        ['impersonates through an environment variable', `export CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT=${PROD_SA}`],
        ['sets the gcloud account property', `gcloud config set auth/impersonate_service_account ${PROD_SA}`],
        [
          'writes a cred-config for the PROD provider',
          `gcloud iam workload-identity-pools create-cred-config ${PROD_PROVIDER} --service-account=${DEV_SA} ` +
            '--credential-source-file=t --output-file=c.json',
        ],
        [
          'points GOOGLE_APPLICATION_CREDENTIALS at its own file',
          'export GOOGLE_APPLICATION_CREDENTIALS=./prod-key.json',
        ],
        ['logs in with a key file', 'gcloud auth activate-service-account --key-file=prod-key.json'],
        [
          'splits the PROD service account with quotes',
          `gcloud storage ls --impersonate-service-account=deployer@'acme-prod'.iam.gserviceaccount.com`,
        ],
        [
          'leaves the setup directory with ..',
          'export GOOGLE_APPLICATION_CREDENTIALS=$PIPELINE_GUARD_OIDC_DIR/../../$BITBUCKET_CLONE_DIR/keys/prod.json',
        ],
        [
          'points the setup directory variable at the repository',
          'PIPELINE_GUARD_OIDC_DIR=keys; gcloud auth login --cred-file=$PIPELINE_GUARD_OIDC_DIR/prod.json',
        ],
        [
          'names another file in the setup directory',
          'gcloud auth login --cred-file="$PIPELINE_GUARD_OIDC_DIR/prod.json"',
        ],
      ] as Array<[string, string]>
    ).map(([what, line]) => blockedIn(gcpBoth, `${what} (GCP)`, line)),
    {
      name: 'a DEV step that hides gcloud and its impersonation flag in an alias is blocked (GCP)',
      target: F,
      policy: gcpBoth,
      items: [
        step('Build', {
          oidc: true,
          script: [
            "shopt -s expand_aliases; alias g='gcloud storage ls --impersonate-service-account'",
            'g "$OTHER_SA"',
          ],
        }),
      ],
      expect: { blocked: ['oidc-role'], mentions: ['passes --impersonate-service-account'] },
    },
    allowedIn(
      gcpBoth,
      'logs gcloud in again with the credential file the setup wrote (GCP)',
      'gcloud auth login --cred-file="${PIPELINE_GUARD_OIDC_DIR}/gcp-credentials.json" --quiet',
    ),
    {
      name: 'a DEV step on GCP that assumes an AWS role from a repository variable is blocked (PROD stays on AWS)',
      target: F,
      policy: (p) => {
        p.environments[1].oidc = { provider: 'gcp', workloadIdentityProvider: DEV_PROVIDER, serviceAccount: DEV_SA };
      },
      items: [
        step('Build', {
          oidc: true,
          script: [
            'aws sts assume-role-with-web-identity --role-arn "$AWS_ROLE_ARN" --role-session-name ci ' +
              '--web-identity-token "$BITBUCKET_STEP_OIDC_TOKEN"',
          ],
        }),
      ],
      expect: { blocked: ['oidc-role'], mentions: ['passes --role-arn'] },
    },
    {
      name: 'a pipe handed the PROD workload identity provider is blocked (GCP)',
      target: F,
      policy: gcpBoth,
      items: [
        step('Build', {
          oidc: true,
          script: [
            {
              pipe: 'atlassian/google-cloud-storage-deploy:2.0.0',
              variables: { WORKLOAD_IDENTITY_PROVIDER: PROD_PROVIDER, BUCKET: 'b' },
            },
          ],
        }),
      ],
      expect: { blocked: ['oidc-role'], mentions: ['WORKLOAD_IDENTITY_PROVIDER'] },
    },
    {
      name: 'a cred-config file written with the PROD provider is blocked (GCP)',
      target: F,
      policy: gcpBoth,
      items: [
        step('Build', {
          oidc: true,
          script: [`echo '{"type":"external_account","audience":"//iam.googleapis.com/${PROD_PROVIDER}"}' > c.json`],
        }),
      ],
      expect: { blocked: ['oidc-role'] },
    },

    // ---- Vault ----
    {
      name: 'a DEV step under Vault gets the DEV login first, with the token on stdin',
      target: F,
      policy: vaultBoth,
      items: [step('Build', { oidc: true, script: ['vault kv get secret/build'] })],
      expect: {
        allowed: true,
        check: (output) => {
          const s = outputStep(output, 'feature/*', 1);
          expect(s.script).toEqual([...oidcSetupLines(envOf(vaultBoth, 'dev')), 'vault kv get secret/build']);
          expect(s.script).toContain(
            `VAULT_TOKEN="$(printf '%s' "$BITBUCKET_STEP_OIDC_TOKEN" | ` +
              `vault write -field=token 'auth/jwt/login' role='dev-build' jwt=-)"`,
          );
        },
      },
    },
    {
      name: 'a DEV step under Vault that logs in with its own role again is allowed',
      target: F,
      policy: vaultBoth,
      items: [
        step('Build', {
          oidc: true,
          script: [
            'vault write auth/jwt/login role=dev-build jwt="$BITBUCKET_STEP_OIDC_TOKEN"',
            'vault kv get -address="$VAULT_ADDR" secret/x',
          ],
        }),
      ],
      expect: { allowed: true },
    },
    ...(
      [
        [
          'logs in with the PROD Vault role',
          'vault write auth/jwt/login role=prod-deploy jwt="$BITBUCKET_STEP_OIDC_TOKEN"',
        ],
        [
          'logs in with the PROD role through vault login',
          'vault login -method=jwt role=prod-deploy jwt="$BITBUCKET_STEP_OIDC_TOKEN"',
        ],
        [
          'logs in through another mount',
          'vault write auth/jwt-prod/login role=dev-build jwt="$BITBUCKET_STEP_OIDC_TOKEN"',
        ],
        ['logs in with AppRole', 'vault write auth/approle/login role_id="$ROLE_ID" secret_id="$SECRET_ID"'],
        ['points VAULT_ADDR elsewhere', 'export VAULT_ADDR=https://vault-prod.example.com:8200'],
        ['passes another -address', 'vault kv get -address=https://vault-prod.example.com secret/x'],
        ['sets its own VAULT_TOKEN', 'export VAULT_TOKEN=$PROD_VAULT_TOKEN'],
        ['hides the role in a quoted path', "vault write 'auth/jwt/login' role='prod''-deploy' jwt=-"],
      ] as Array<[string, string]>
    ).map(([what, line]) => blockedIn(vaultBoth, `${what} (Vault)`, line)),
    {
      name: 'a PROD step on main under Vault gets the PROD login and runs',
      target: MAIN,
      policy: vaultBoth,
      items: [step('PROD deploy', { oidc: true, script: ['vault kv get secret/prod'] })],
      expect: {
        allowed: true,
        prod: true,
        check: (output) =>
          expect(outputStep(output, 'main', 1).script.slice(0, 4)).toEqual(oidcSetupLines(envOf(vaultBoth, 'prod'))),
      },
    },

    // ---- the last-resort search, on the words as the shell reads them (security review 2) ----
    ...(
      [
        [
          'calls the IAM credentials API for the PROD account, spliced with quotes',
          'curl -X POST https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/' +
            "deployer@acme-'prod'.iam.gserviceaccount.com:generateAccessToken",
        ],
        [
          'calls the IAM credentials API for the PROD account, split by a backslash',
          'curl -X POST https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/' +
            'deployer@acme-pro\\d.iam.gserviceaccount.com:generateAccessToken',
        ],
        [
          'exchanges its token at STS for the PROD provider, spliced with empty quotes',
          'curl -d "audience=//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/' +
            'bitbucket/providers/acme-p""rod&subject_token=$BITBUCKET_STEP_OIDC_TOKEN" ' +
            'https://sts.googleapis.com/v1/token',
        ],
        [
          'names the PROD account in a bash -c string, split by a line continuation',
          "bash -c 'curl https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/" +
            "deployer@acme-pr\\\nod.iam.gserviceaccount.com:generateAccessToken'",
        ],
      ] as Array<[string, string]>
    ).map(([what, line]) => blockedIn(gcpBoth, `${what} (GCP)`, line)),
    blockedIn(
      undefined,
      'assumes the PROD role through --cli-input-json with the ARN spliced by quotes',
      'aws sts assume-role-with-web-identity ' +
        `--cli-input-json '{"RoleArn":"arn:aws:iam::111111111111:role/bitbucket-pipelines-pr'"od"'",` +
        `"RoleSessionName":"x"}' ` +
        '--web-identity-token "$BITBUCKET_STEP_OIDC_TOKEN"',
    ),
    ...(
      [
        [
          "calls the PROD mount's login API with curl",
          `curl -s -X POST -d '{"role":"prod-deploy","jwt":"'$BITBUCKET_STEP_OIDC_TOKEN'"}' ` +
            'https://vault.example.com:8200/v1/auth/jwt-prod/login',
        ],
        [
          "calls the PROD mount's login API with the path spliced",
          `curl -s -X POST -d @login.json https://vault.example.com:8200/v1/auth/jwt-'prod'/login`,
        ],
        [
          'writes a vault-agent config for the PROD mount and role',
          "cat > agent.hcl <<'X'\n" +
            'auto_auth { method "jwt" { mount_path = "auth/jwt-prod" ' +
            'config = { role = "prod-deploy" path = "/tmp/t" } } }\nX',
        ],
        [
          'logs in with hvac to the PROD server and role',
          `python -c "import hvac; hvac.Client(url='https://vault.example.com:8200')` +
            `.auth.jwt.jwt_login(role='prod-deploy', jwt=open('t').read(), path='jwt-prod')"`,
        ],
      ] as Array<[string, string]>
    ).map(([what, line]) => blockedIn(vaultProdGcpDev, `${what} (Vault)`, line)),
    {
      name: 'a pipe whose generic variables name the PROD Vault mount and role is blocked (Vault)',
      target: F,
      policy: vaultProdGcpDev,
      items: [
        step('Build', {
          oidc: true,
          script: [
            { pipe: 'acme/vault-secrets:1.0.0', variables: { AUTH_MOUNT: 'jwt-prod', LOGIN_AS: 'prod-deploy' } },
          ],
        }),
      ],
      expect: { blocked: ['oidc-role'], mentions: ['prod-deploy with mount jwt-prod'] },
    },
    allowedIn(
      vaultProdGcpDev,
      'names a Kubernetes deployment like the PROD Vault role, with no Vault mount or server of PROD (Vault)',
      'kubectl rollout status deployment/prod-deploy --timeout=60s',
    ),

    {
      name: 'a step whose ECR image is pulled with its own AWS role is allowed where the policy governs no AWS (GCP)',
      target: F,
      policy: gcpBoth,
      items: [
        step('Build', {
          image: {
            name: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ci:1',
            aws: { 'oidc-role': 'arn:aws:iam::123456789012:role/ecr-pull' },
          },
          runtime: {
            'self-hosted': {
              storage: {
                aws: { bucket: 'b', region: 'eu-west-1', 'oidc-role': 'arn:aws:iam::123456789012:role/cache' },
              },
            },
          },
        }),
      ],
      expect: { allowed: true },
    },
    {
      name: 'a DEV step that asks for the PROD custom audience is blocked',
      target: F,
      policy: (p) => {
        (p.environments[0].oidc as { audience?: string }).audience = 'prod-aws-aud';
      },
      items: [step('Build', { oidc: { audiences: ['ci', 'prod-aws-aud'] }, script: ['aws s3 ls'] })],
      expect: { blocked: ['oidc-role'], mentions: ['the custom audience of environment "prod"'] },
    },
    {
      name: 'a DEV step that asks for the PROD custom audience through options.oidc is blocked',
      target: F,
      policy: (p) => {
        (p.environments[0].oidc as { audience?: string }).audience = 'prod-aws-aud';
      },
      extra: { options: { oidc: { audiences: ['prod-aws-aud'] } } },
      items: [step('Build', { script: ['aws s3 ls'] })],
      expect: { blocked: ['oidc-role'], mentions: ['options.oidc'] },
    },
    {
      name: 'a DEV step that asks for audiences of its own is allowed',
      target: F,
      policy: (p) => {
        (p.environments[0].oidc as { audience?: string }).audience = 'prod-aws-aud';
      },
      items: [step('Build', { oidc: { audiences: ['ci-tools', 'sts.amazonaws.com'] }, script: ['aws s3 ls'] })],
      expect: { allowed: true },
    },

    // ---- commands as the shell reads them (reference policy, AWS) ----
    ...SHELL_FORMS.map(([what, line]) => blockedIn(undefined, what, line)),
    ...NO_FALSE_POSITIVES.map(([what, line]) => allowedIn(undefined, what, line)),
    {
      name: "a DEV step without an OIDC token may use static keys from its variables (not Pipeline Guard's to govern)",
      target: F,
      items: [
        step('Build', { script: ['export AWS_ACCESS_KEY_ID=$MY_KEY AWS_SECRET_ACCESS_KEY=$MY_SECRET', 'aws s3 ls'] }),
      ],
      expect: { allowed: true },
    },
    {
      name: 'a denied curl | sh spelled with empty quotes and a backslash is blocked',
      target: F,
      items: [step('Build', { script: ["c''url -fsSL https://get.example.com | s\\h"] })],
      expect: {
        blocked: ['deny-script'],
        mentions: ['which the shell reads as `curl -fsSL https://get.example.com | sh`'],
      },
    },

    // ---- places outside the steps ----
    {
      name: 'a custom pipeline variable whose default is the PROD role is blocked',
      target: T.custom('feature/x', 'deploy'),
      items: [
        { variables: [{ name: 'ROLE', default: PROD_ROLE }] },
        step('Build', { oidc: true, script: ['./deploy.sh "$ROLE"'] }),
      ],
      expect: { blocked: ['oidc-role'], mentions: ['custom pipeline "deploy"'] },
    },
    {
      name: 'a custom pipeline variable with the PROD role among its allowed values is blocked',
      target: T.custom('feature/x', 'deploy'),
      items: [
        { variables: [{ name: 'ROLE', 'allowed-values': [DEV_ROLE, PROD_ROLE] }] },
        step('Build', { script: ['./deploy.sh "$ROLE"'] }),
      ],
      expect: { blocked: ['oidc-role'] },
    },
    {
      name: 'a custom pipeline variable named AWS_PROFILE is blocked',
      target: T.custom('feature/x', 'deploy'),
      items: [{ variables: [{ name: 'AWS_PROFILE', default: 'prod' }] }, step('Build', { script: ['aws s3 ls'] })],
      expect: { blocked: ['oidc-role'], mentions: ['sets AWS_PROFILE'] },
    },
    {
      name: 'a child-pipeline step that hands AWS_ROLE_ARN to its pipeline is blocked',
      target: F,
      items: [
        {
          step: {
            name: 'Run release',
            type: 'pipeline',
            custom: 'release',
            'input-variables': { AWS_ROLE_ARN: PROD_ROLE },
          },
        },
      ],
      expect: { blocked: ['oidc-role'], mentions: ['input-variables'] },
    },
    {
      name: 'the implicit docker service of a pipe step pulled with the PROD role is blocked',
      target: F,
      extra: {
        definitions: { services: { docker: { image: { name: 'acme/dind', aws: { 'oidc-role': PROD_ROLE } } } } },
      },
      items: [
        step('Build', {
          oidc: true,
          script: [{ pipe: 'atlassian/aws-s3-deploy:1.6.0', variables: { S3_BUCKET: 'b', LOCAL_PATH: 'dist' } }],
        }),
      ],
      expect: { blocked: ['oidc-role'], mentions: ['service "docker"'] },
    },
    {
      name: 'the docker service of every step (options.docker) setting AWS_PROFILE is blocked',
      target: F,
      extra: {
        options: { docker: true },
        definitions: { services: { docker: { memory: 2048, variables: { AWS_PROFILE: 'prod' } } } },
      },
      items: [step('Build', { script: ['docker build .'] })],
      expect: { blocked: ['oidc-role'], mentions: ['AWS_PROFILE'] },
    },
    {
      name: 'a DEV step whose runner storage assumes another role is blocked',
      target: F,
      items: [
        step('Build', {
          runtime: {
            'self-hosted': {
              storage: {
                aws: { bucket: 'b', region: 'eu-west-1', 'oidc-role': 'arn:aws:iam::999999999999:role/storage' },
              },
            },
          },
        }),
      ],
      expect: { blocked: ['oidc-role'], mentions: ['runner storage'] },
    },
    {
      name: 'a global runtime whose runner storage assumes the PROD role is blocked for DEV steps',
      target: F,
      extra: {
        options: {
          runtime: {
            'self-hosted': { storage: { aws: { bucket: 'b', region: 'eu-west-1', 'oidc-role': PROD_ROLE } } },
          },
        },
      },
      items: [step('Build')],
      expect: { blocked: ['oidc-role'], mentions: ['runner storage'] },
    },
    {
      name: 'a DEV step whose runner storage uses the DEV role is allowed',
      target: F,
      items: [
        step('Build', {
          runtime: { 'self-hosted': { storage: { aws: { bucket: 'b', region: 'eu-west-1', 'oidc-role': DEV_ROLE } } } },
        }),
      ],
      expect: { allowed: true },
    },
    {
      name: 'the PROD role written in a global section that reaches DEV steps is blocked',
      target: F,
      extra: { definitions: { caches: { prodrole: PROD_ROLE } } },
      items: [step('Build')],
      expect: { blocked: ['oidc-role'], mentions: ['definitions.caches'] },
    },
  ],
};

const gcpWith = (field: string, value: string) => (p: any) =>
  (p.environments[0].oidc = {
    provider: 'gcp',
    workloadIdentityProvider: PROD_PROVIDER,
    serviceAccount: PROD_SA,
    [field]: value,
  });
const vaultWith = (field: string, value: string) => (p: any) =>
  (p.environments[0].oidc = {
    provider: 'vault',
    address: 'https://vault.example.com:8200',
    role: 'prod-deploy',
    [field]: value,
  });

/** GCP and Vault values end up in setup lines too: the schema refuses shell text in each. */
export const CLOUD_POLICY_INJECTIONS: Array<{ name: string; path: string; set: (policy: any) => void }> = [
  {
    name: 'a workload identity provider that closes the quote',
    path: 'environments[0].oidc.workloadIdentityProvider',
    set: gcpWith('workloadIdentityProvider', `${PROD_PROVIDER}'; id; '`),
  },
  {
    name: 'a workload identity provider with a command substitution',
    path: 'environments[0].oidc.workloadIdentityProvider',
    set: gcpWith('workloadIdentityProvider', 'projects/$(id)/locations/global/workloadIdentityPools/p/providers/x'),
  },
  {
    name: 'a service account with a backtick',
    path: 'environments[0].oidc.serviceAccount',
    set: gcpWith('serviceAccount', 'a`id`@acme-prod.iam.gserviceaccount.com'),
  },
  {
    name: 'a service account with a newline',
    path: 'environments[0].oidc.serviceAccount',
    set: gcpWith('serviceAccount', `${PROD_SA}\nid`),
  },
  {
    name: 'a Vault address with a semicolon',
    path: 'environments[0].oidc.address',
    set: vaultWith('address', 'https://vault.example.com;id'),
  },
  {
    name: 'a Vault address with a quote',
    path: 'environments[0].oidc.address',
    set: vaultWith('address', "https://vault.example.com'"),
  },
  { name: 'a Vault role with a space', path: 'environments[0].oidc.role', set: vaultWith('role', 'prod deploy') },
  {
    name: 'a Vault role with a command substitution',
    path: 'environments[0].oidc.role',
    set: vaultWith('role', 'prod$(id)'),
  },
  {
    name: 'a Vault mount that climbs out with ..',
    path: 'environments[0].oidc.mount',
    set: vaultWith('mount', '../sys'),
  },
  {
    name: 'an audience with a quote',
    path: 'environments[0].oidc.audience',
    set: (p: any) => (p.environments[0].oidc.audience = "sts'x"),
  },
  {
    name: 'an unknown provider',
    path: 'environments[0].oidc.provider',
    set: (p: any) => (p.environments[0].oidc = { provider: 'azure', roleArn: PROD_ROLE, region: 'eu-west-1' }),
  },
];
