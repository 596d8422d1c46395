import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { describeUse, readerContextOf, AWS_CONFIG_KEYS, CREDENTIAL_VARIABLES, credentialUsesIn, referencedVariable } from '../../src/engine/credentials';

const summary = (text: string) => credentialUsesIn(text).map((u) => `${u.provider}:${u.field}:${u.value}`);

describe('credentialUsesIn', () => {
  it.each(Object.entries(CREDENTIAL_VARIABLES))('recognises %s in every bash form that sets it', (name, spec) => {
    const forms = [
      `${name}=v cmd`,
      `export ${name}=v`,
      `declare -x ${name}=v`,
      `typeset ${name}=v`,
      `readonly ${name}=v`,
      `f() { local ${name}=v; }`,
      `env ${name}=v cmd`,
      `docker run -e ${name}=v image`,
      `: \${${name}:=v}`,
      `printf -v ${name} %s v`,
      `read ${name}`,
      `for ${name} in v; do :; done`,
      `eval "export ${name}=v"`,
      `sh -c 'export ${name}=v'`,
      `export "${name.slice(0, 3)}""${name.slice(3)}=v"`,
    ];
    for (const form of forms) {
      const uses = credentialUsesIn(form);
      expect([form, uses.some((u) => u.variable === name && u.provider === spec.provider && u.field === spec.field)]).toEqual([form, true]);
    }
  });

  it.each(Object.entries(AWS_CONFIG_KEYS))('recognises the AWS config key %s written by aws configure set and into a file', (key, field) => {
    expect(summary(`aws configure set ${key} v`)).toContain(`aws:${field}:v`);
    expect(summary(`aws configure set profile.p.${key} v --profile x`)).toContain(`aws:${field}:v`);
    expect(summary(`printf '[profile p]\\n${key} = v\\n' >> ~/.aws/config`)).toContain(`aws:${field}:v`);
    expect(summary(`cat > ~/.aws/config <<EOF\n[p]\n${key}=v\nEOF`)).toContain(`aws:${field}:v`);
  });

  it('reads gcloud and vault commands', () => {
    expect(summary('gcloud config set account a@b.iam.gserviceaccount.com')).toEqual(['gcp:serviceAccount:a@b.iam.gserviceaccount.com']);
    expect(summary('gcloud auth activate-service-account a@b.iam.gserviceaccount.com --key-file k.json')).toEqual(['gcp:secret:k.json', 'gcp:serviceAccount:a@b.iam.gserviceaccount.com']);
    expect(summary('vault login -method=jwt -path=bb role=r jwt=-')).toEqual(['vault:vaultLogin:auth/bb/role/r']);
    expect(summary('vault login s.token')).toEqual(['vault:secret:s.token']);
    expect(summary('vault kv get -address=https://x -namespace=ns secret/a')).toEqual(['vault:vaultAddress:https://x', 'vault:vaultNamespace:ns']);
  });

  it('leaves ordinary commands alone', () => {
    for (const text of ['npm publish --profile ci', 'echo "$AWS_REGION"', 'aws s3 ls', 'gcloud run deploy app', 'vault kv get secret/x', 'cat ~/.aws/config', 'make profile=prod'])
      expect([text, summary(text)]).toEqual([text, []]);
  });

  it('keeps the value of an assignment word whole, and passes variables through', () => {
    expect(summary('export VAULT_TOKEN=$(vault write -field=token auth/x/login role=r)')[0]).toBe('vault:secret:$(vault write -field=token auth/x/login role=r)');
    expect(referencedVariable('${AWS_ROLE_ARN}')).toBe('AWS_ROLE_ARN');
    expect(referencedVariable('$AWS_ROLE_ARN-x')).toBeUndefined();
  });
});

describe('credentialUsesIn on files the step writes', () => {
  it('reads assignments in a here-document meant to be sourced', () => {
    expect(credentialUsesIn("cat > env.sh <<'EOF'\nexport AWS_PROFILE=prod\nEOF").map((u) => `${u.variable}=${u.value}`)).toEqual(['AWS_PROFILE=prod']);
  });
});

describe('credentialUsesIn on command forms that run a command indirectly', () => {
  // Each line is run by bash with a stand-in `gcloud` that records its arguments: the reader must find what bash runs.
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-forms-'));
  writeFileSync(path.join(dir, 'gcloud'), '#!/bin/sh\nprintf "%s\\n" "$*" >> "$OUT"\n', { mode: 0o755 });
  const bashRuns = (line: string): string => {
    const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
    writeFileSync(out, '');
    execFileSync('bash', ['--noprofile', '--norc', '-c', `${line}\nwait`], { cwd: dir, encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, OUT: out, OTHER_SA: 'other@x.iam.gserviceaccount.com' } });
    return readFileSync(out, 'utf8');
  };
  it.each([
    ['$"…" locale string', 'gcloud storage ls $"--impersonate-service-account=$OTHER_SA"'],
    ['function NAME { … }', 'function f { gcloud storage ls --impersonate-service-account=$OTHER_SA; }; f'],
    ['function NAME () { … }', 'function f () { gcloud storage ls --impersonate-service-account=$OTHER_SA; }; f'],
    ['coproc', 'coproc gcloud storage ls --impersonate-service-account=$OTHER_SA'],
    ['coproc NAME { … }', 'coproc G { gcloud storage ls --impersonate-service-account=$OTHER_SA; }'],
    ['env -S', "env -S 'gcloud storage ls --impersonate-service-account=${OTHER_SA}'"],
    ['env --split-string', "env --split-string='gcloud storage ls --impersonate-service-account=${OTHER_SA}'"],
    ['source <(echo …)', "source <(echo 'gcloud storage ls --impersonate-service-account=$OTHER_SA')"],
    ['bash <<<', "bash <<< 'gcloud storage ls --impersonate-service-account=$OTHER_SA'"],
    ['bash <<EOF', "bash <<'EOF'\ngcloud storage ls --impersonate-service-account=$OTHER_SA\nEOF"],
    ['echo … | sh', "echo 'gcloud storage ls --impersonate-service-account=$OTHER_SA' | sh"],
    ['printf … | bash', "printf '%s\\n' 'gcloud storage ls --impersonate-service-account=$OTHER_SA' | bash"],
    ['find -exec', 'find . -maxdepth 0 -exec gcloud storage ls --impersonate-service-account=$OTHER_SA \\;'],
  ])('%s: bash runs gcloud with the flag and the reader sees it', (_, line) => {
    expect(bashRuns(line)).toContain('--impersonate-service-account=other@x.iam.gserviceaccount.com');
    expect(summary(line).filter((use) => /^gcp:serviceAccount:\$\{?OTHER_SA\}?$/.test(use))).toHaveLength(1);
  });

  it('reads a command named by an alias defined on an earlier line as what it stands for', () => {
    const lines = ["shopt -s expand_aliases; alias g='gcloud storage ls --impersonate-service-account'", 'g "$OTHER_SA"'];
    expect(bashRuns(lines.join('\n'))).toContain('--impersonate-service-account other@x.iam.gserviceaccount.com');
    const aliases = readerContextOf(lines);
    expect(summary(lines[1])).toEqual([]);
    expect(credentialUsesIn(lines[1], aliases).map((u) => `${u.provider}:${u.field}:${u.value}`)).toEqual(['gcp:serviceAccount:$OTHER_SA']);
    expect(credentialUsesIn('X=1 g prod@x.iam.gserviceaccount.com', aliases).map((u) => u.value)).toEqual(['prod@x.iam.gserviceaccount.com']);
    expect(credentialUsesIn('make g', aliases)).toEqual([]);
  });

  it('reads NAME+=value as an append, never as the variable passed through', () => {
    expect(credentialUsesIn('AWS_ROLE_ARN+=-prod').map((u) => [u.what, u.value])).toEqual([['appends to AWS_ROLE_ARN', '${AWS_ROLE_ARN}-prod']]);
    expect(summary('export CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT+="$OTHER_SA"')).toEqual(['gcp:serviceAccount:${CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT}$OTHER_SA']);
    expect(summary('declare -x AWS_PROFILE+=x')).toEqual(['aws:profile:${AWS_PROFILE}x']);
    expect(referencedVariable(credentialUsesIn('AWS_ROLE_ARN+=')[0].value)).toBe('AWS_ROLE_ARN');
  });

  it('reads an assignment to the setup directory variable as a credential use', () => {
    expect(summary('PIPELINE_GUARD_OIDC_DIR=keys; gcloud auth login --cred-file=$PIPELINE_GUARD_OIDC_DIR/prod.json')).toEqual(['gcp:tokenFile:keys', 'gcp:secret:$PIPELINE_GUARD_OIDC_DIR/prod.json']);
  });
});

describe('describeUse: how a message names a use and its value', () => {
  it.each([
    ['AWS_ROLE_ARN+=-prod', 'appends to AWS_ROLE_ARN, making it "${AWS_ROLE_ARN}-prod"'],
    ['export AWS_ROLE_ARN=arn:aws:iam::111111111111:role/prod', 'sets AWS_ROLE_ARN to "arn:aws:iam::111111111111:role/prod"'],
    ['cp ci/credentials ~/.aws/credentials', 'writes ~/.aws/credentials'],
    ['gcloud auth login --cred-file=keys/prod.json', 'logs gcloud in with keys/prod.json'],
    ["echo 'role_arn = arn:x' >> ~/.aws/config", 'writes role_arn as "arn:x"'],
    ['vault login -method=jwt role=prod', 'logs in to Vault (-method=jwt), using "auth/jwt/role/prod"'],
  ])('%s', (command, words) => {
    expect(credentialUsesIn(command).map((use) => describeUse(use, use.value))[0]).toBe(words);
  });
});
