import { AWS_CONFIG_KEYS, CREDENTIAL_VARIABLES, credentialUsesIn, referencedVariable } from '../../src/engine/credentials';

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
