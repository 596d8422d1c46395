/**
 * The setup lines of each provider, run by bash itself against stand-ins for gcloud and vault that
 * record their arguments and standard input: the lines are valid shell, hand the tools exactly the
 * policy's values, keep the token off command lines and fail the step when the login fails.
 */
import { execFileSync, spawnSync } from 'child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { CLEARED, oidcSetupLines } from '../../src/rules/oidc-setup';
import { validatePolicy } from '../../src/policy/load';
import type { Environment, PolicyInput } from '../../src/policy/schema';
import { referencePolicyInput } from '../support/requests';

const TOKEN = 'header.payload.signature';
const GCP_PROD = {
  provider: 'gcp',
  workloadIdentityProvider: 'projects/123456789/locations/global/workloadIdentityPools/bitbucket/providers/acme-prod',
  serviceAccount: 'deployer@acme-prod.iam.gserviceaccount.com',
} as const;

function environment(oidc: NonNullable<PolicyInput['environments'][number]['oidc']>): Environment {
  const input = referencePolicyInput();
  input.environments[0].oidc = oidc;
  const result = validatePolicy(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.policy.environments[0];
}

function runSetup(lines: readonly string[], vaultExit = 0) {
  const bin = mkdtempSync(path.join(tmpdir(), 'pg-setup-'));
  const log = path.join(bin, 'calls.log');
  const stub = (name: string, body: string) => {
    writeFileSync(
      path.join(bin, name),
      `#!/bin/bash\nprintf '%s' "${name}" >> '${log}'; ` +
        `for a in "$@"; do printf ' <%s>' "$a" >> '${log}'; done; echo >> '${log}'\n${body}\n`,
    );
    chmodSync(path.join(bin, name), 0o755);
  };
  stub('gcloud', 'exit 0');
  stub('vault', `printf 'stdin <%s>\\n' "$(cat)" >> '${log}'; echo s.vaulttoken; exit ${vaultExit}`);
  const script = [
    ...lines,
    'printf "GAC=%s\\nVAULT_ADDR=%s\\nVAULT_TOKEN=%s\\n" ' +
      '"$GOOGLE_APPLICATION_CREDENTIALS" "$VAULT_ADDR" "$VAULT_TOKEN"',
  ].join('\n');
  // Bitbucket runs each script line and stops at the first that fails: bash -e over the lines does the same.
  const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', script], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      BITBUCKET_STEP_OIDC_TOKEN: TOKEN,
      GOOGLE_APPLICATION_CREDENTIALS: '/stale/key.json',
      VAULT_TOKEN: 'stale',
    },
  });
  let calls = '';
  try {
    calls = readFileSync(log, 'utf8');
  } catch {}
  return { status: result.status, stdout: result.stdout, calls };
}

describe('setup lines, run by bash', () => {
  it(
    'GCP: writes the token to a private file, builds the cred-config, ' +
      'logs in and exports GOOGLE_APPLICATION_CREDENTIALS',
    () => {
      const env = environment(GCP_PROD);
      const { status, stdout, calls } = runSetup(oidcSetupLines(env));
      expect(status).toBe(0);
      const [create, login] = calls.trim().split('\n');
      expect(create).toMatch(
        new RegExp(
          /^gcloud <iam> <workload-identity-pools> <create-cred-config> /.source +
            /<projects\/123456789\/locations\/global\/workloadIdentityPools\/bitbucket\/providers\/acme-prod> /.source +
            /<--service-account=deployer@acme-prod\.iam\.gserviceaccount\.com> /.source +
            /<--credential-source-file=\/.+\/web-identity-token> <--output-file=\/.+\/gcp-credentials\.json>$/.source,
        ),
      );
      expect(login).toMatch(/^gcloud <auth> <login> <--cred-file=\/.+\/gcp-credentials\.json> <--quiet>$/);
      expect(calls).not.toContain(TOKEN);
      const tokenFile = /--credential-source-file=([^>]+)>/.exec(create)![1];
      expect(readFileSync(tokenFile, 'utf8')).toBe(TOKEN);
      expect(execFileSync('stat', ['-c', '%a', tokenFile], { encoding: 'utf8' }).trim()).toBe('600');
      expect(stdout).toMatch(/^GAC=\/.+\/gcp-credentials\.json$/m);
    },
  );

  it(
    'GCP: gcloud logs in to a private config directory, ' +
      'never ~/.config/gcloud (which a cache could carry to other steps)',
    () => {
      const env = environment(GCP_PROD);
      const bin = mkdtempSync(path.join(tmpdir(), 'pg-setup-'));
      writeFileSync(
        path.join(bin, 'gcloud'),
        `#!/bin/bash\nprintf '%s <%s>\\n' "$2" "$CLOUDSDK_CONFIG" >> '${bin}/config.log'\n`,
        { mode: 0o755 },
      );
      const result = spawnSync(
        'bash',
        [
          '--noprofile',
          '--norc',
          '-e',
          '-c',
          [...oidcSetupLines(env), 'printf "GAC=%s\\n" "$GOOGLE_APPLICATION_CREDENTIALS"'].join('\n'),
        ],
        {
          encoding: 'utf8',
          env: {
            PATH: `${bin}:/usr/bin:/bin`,
            HOME: bin,
            BITBUCKET_STEP_OIDC_TOKEN: TOKEN,
            CLOUDSDK_CONFIG: '/home/u/.config/gcloud',
          },
        },
      );
      expect(result.status).toBe(0);
      const directory = path.dirname(/^GAC=(.+)$/m.exec(result.stdout)![1]);
      expect(readFileSync(path.join(bin, 'config.log'), 'utf8')).toBe(
        `workload-identity-pools <${directory}/gcloud>\nlogin <${directory}/gcloud>\n`,
      );
    },
  );

  /** Each cloud's login, and the switch that would turn off its certificate check, which must be cleared too. */
  const CLEARING: Array<[string, string, Parameters<typeof environment>[0], readonly string[]]> = [
    ['GCP', 'gcloud', GCP_PROD, [...CLEARED.gcp, 'CLOUDSDK_AUTH_DISABLE_SSL_VALIDATION']],
    [
      'Vault',
      'vault',
      { provider: 'vault', address: 'https://vault.example.com:8200', role: 'prod-deploy', mount: 'jwt' },
      [...CLEARED.vault, 'VAULT_SKIP_VERIFY'],
    ],
  ];

  it.each(CLEARING)('%s: the login sees none of the variables the setup clears', (_cloud, tool, oidc, cleared) => {
    const bin = mkdtempSync(path.join(tmpdir(), 'pg-setup-'));
    writeFileSync(path.join(bin, tool), `#!/bin/bash\nenv >> '${bin}/env.log'\necho s.token\n`, { mode: 0o755 });
    const hostile = Object.fromEntries(cleared.map((name) => [name, `hostile-${name}`]));
    const script = oidcSetupLines(environment(oidc)).join('\n');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', script], {
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: bin, BITBUCKET_STEP_OIDC_TOKEN: TOKEN, ...hostile },
    });
    expect(result.status).toBe(0);
    const seen = readFileSync(path.join(bin, 'env.log'), 'utf8');
    expect(seen).toContain('BITBUCKET_STEP_OIDC_TOKEN=');
    expect(seen).not.toContain('hostile-');
  });

  it('Vault: logs in with the token on stdin, exports VAULT_ADDR and VAULT_TOKEN', () => {
    const env = environment({
      provider: 'vault',
      address: 'https://vault.example.com:8200',
      role: 'prod-deploy',
      mount: 'bitbucket/prod',
    });
    const { status, stdout, calls } = runSetup(oidcSetupLines(env));
    expect(status).toBe(0);
    expect(calls.trim().split('\n')).toEqual([
      'vault <write> <-field=token> <auth/bitbucket/prod/login> <role=prod-deploy> <jwt=->',
      `stdin <${TOKEN}>`,
    ]);
    expect(stdout).toContain('VAULT_ADDR=https://vault.example.com:8200\nVAULT_TOKEN=s.vaulttoken\n');
  });

  it('Vault: a failed login fails the step instead of running on with no token', () => {
    const env = environment({ provider: 'vault', address: 'https://vault.example.com:8200', role: 'prod-deploy' });
    expect(runSetup(oidcSetupLines(env), 2).status).not.toBe(0);
  });

  it('AWS: the lines are unchanged and still valid shell', () => {
    const env = environment({
      roleArn: 'arn:aws:iam::111111111111:role/bitbucket-pipelines-prod',
      region: 'eu-west-1',
    });
    expect(oidcSetupLines(env)[2]).toBe(
      "export AWS_ROLE_ARN='arn:aws:iam::111111111111:role/bitbucket-pipelines-prod'",
    );
    expect(runSetup(oidcSetupLines(env)).status).toBe(0);
  });
});
