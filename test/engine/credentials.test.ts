import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import {
  describeUse,
  readerContextOf,
  AWS_CONFIG_KEYS,
  CREDENTIAL_VARIABLES,
  credentialUsesIn,
  referencedVariable,
} from '../../src/engine/credentials';

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
      expect([
        form,
        uses.some((u) => u.variable === name && u.provider === spec.provider && u.field === spec.field),
      ]).toEqual([form, true]);
    }
  });

  it.each(Object.entries(AWS_CONFIG_KEYS))(
    'recognises the AWS config key %s written by aws configure set and into a file',
    (key, field) => {
      expect(summary(`aws configure set ${key} v`)).toContain(`aws:${field}:v`);
      expect(summary(`aws configure set profile.p.${key} v --profile x`)).toContain(`aws:${field}:v`);
      expect(summary(`printf '[profile p]\\n${key} = v\\n' >> ~/.aws/config`)).toContain(`aws:${field}:v`);
      expect(summary(`cat > ~/.aws/config <<EOF\n[p]\n${key}=v\nEOF`)).toContain(`aws:${field}:v`);
    },
  );

  it('reads gcloud and vault commands', () => {
    expect(summary('gcloud config set account a@b.iam.gserviceaccount.com')).toEqual([
      'gcp:serviceAccount:a@b.iam.gserviceaccount.com',
    ]);
    expect(summary('gcloud auth activate-service-account a@b.iam.gserviceaccount.com --key-file k.json')).toEqual([
      'gcp:secret:k.json',
      'gcp:serviceAccount:a@b.iam.gserviceaccount.com',
    ]);
    expect(summary('vault login -method=jwt -path=bb role=r jwt=-')).toEqual(['vault:vaultLogin:auth/bb/role/r']);
    expect(summary('vault login s.token')).toEqual(['vault:secret:s.token']);
    expect(summary('vault kv get -address=https://x -namespace=ns secret/a')).toEqual([
      'vault:vaultAddress:https://x',
      'vault:vaultNamespace:ns',
    ]);
  });

  it('leaves ordinary commands alone', () => {
    for (const text of [
      'npm publish --profile ci',
      'echo "$AWS_REGION"',
      'aws s3 ls',
      'gcloud run deploy app',
      'vault kv get secret/x',
      'cat ~/.aws/config',
      'make profile=prod',
    ])
      expect([text, summary(text)]).toEqual([text, []]);
  });

  it('keeps the value of an assignment word whole, and passes variables through', () => {
    expect(summary('export VAULT_TOKEN=$(vault write -field=token auth/x/login role=r)')[0]).toBe(
      'vault:secret:$(vault write -field=token auth/x/login role=r)',
    );
    expect(referencedVariable('${AWS_ROLE_ARN}')).toBe('AWS_ROLE_ARN');
    expect(referencedVariable('$AWS_ROLE_ARN-x')).toBeUndefined();
  });
});

describe('credentialUsesIn on files the step writes', () => {
  it('reads assignments in a here-document meant to be sourced', () => {
    expect(
      credentialUsesIn("cat > env.sh <<'EOF'\nexport AWS_PROFILE=prod\nEOF").map((u) => `${u.variable}=${u.value}`),
    ).toEqual(['AWS_PROFILE=prod']);
  });
});

describe('credentialUsesIn on command forms that run a command indirectly', () => {
  // Each line is run by bash with a stand-in `gcloud` that records its arguments: the reader must find what bash runs.
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-forms-'));
  writeFileSync(path.join(dir, 'gcloud'), '#!/bin/sh\nprintf "%s\\n" "$*" >> "$OUT"\n', { mode: 0o755 });
  const bashRuns = (line: string): string => {
    const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
    writeFileSync(out, '');
    execFileSync('bash', ['--noprofile', '--norc', '-c', `${line}\nwait`], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        OUT: out,
        OTHER_SA: 'other@x.iam.gserviceaccount.com',
      },
    });
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
    const lines = [
      "shopt -s expand_aliases; alias g='gcloud storage ls --impersonate-service-account'",
      'g "$OTHER_SA"',
    ];
    expect(bashRuns(lines.join('\n'))).toContain('--impersonate-service-account other@x.iam.gserviceaccount.com');
    const aliases = readerContextOf(lines);
    expect(summary(lines[1])).toEqual([]);
    expect(credentialUsesIn(lines[1], aliases).map((u) => `${u.provider}:${u.field}:${u.value}`)).toEqual([
      'gcp:serviceAccount:$OTHER_SA',
    ]);
    expect(credentialUsesIn('X=1 g prod@x.iam.gserviceaccount.com', aliases).map((u) => u.value)).toEqual([
      'prod@x.iam.gserviceaccount.com',
    ]);
    expect(credentialUsesIn('make g', aliases)).toEqual([]);
  });

  it('reads NAME+=value as an append, never as the variable passed through', () => {
    expect(credentialUsesIn('AWS_ROLE_ARN+=-prod').map((u) => [u.what, u.value])).toEqual([
      ['appends to AWS_ROLE_ARN', '${AWS_ROLE_ARN}-prod'],
    ]);
    expect(summary('export CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT+="$OTHER_SA"')).toEqual([
      'gcp:serviceAccount:${CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT}$OTHER_SA',
    ]);
    expect(summary('declare -x AWS_PROFILE+=x')).toEqual(['aws:profile:${AWS_PROFILE}x']);
    expect(referencedVariable(credentialUsesIn('AWS_ROLE_ARN+=')[0].value)).toBe('AWS_ROLE_ARN');
  });

  it('reads an assignment to the setup directory variable as a credential use', () => {
    expect(
      summary('PIPELINE_GUARD_OIDC_DIR=keys; gcloud auth login --cred-file=$PIPELINE_GUARD_OIDC_DIR/prod.json'),
    ).toEqual(['gcp:tokenFile:keys', 'gcp:secret:$PIPELINE_GUARD_OIDC_DIR/prod.json']);
  });
});

describe('describeUse: how a message names a use and its value', () => {
  it.each([
    ['AWS_ROLE_ARN+=-prod', 'appends to AWS_ROLE_ARN, making it "${AWS_ROLE_ARN}-prod"'],
    [
      'export AWS_ROLE_ARN=arn:aws:iam::111111111111:role/prod',
      'sets AWS_ROLE_ARN to "arn:aws:iam::111111111111:role/prod"',
    ],
    ['cp ci/credentials ~/.aws/credentials', 'writes ~/.aws/credentials'],
    ['gcloud auth login --cred-file=keys/prod.json', 'logs gcloud in with keys/prod.json'],
    ["echo 'role_arn = arn:x' >> ~/.aws/config", 'writes role_arn as "arn:x"'],
    ['vault login -method=jwt role=prod', 'logs in to Vault (-method=jwt), using "auth/jwt/role/prod"'],
  ])('%s', (command, words) => {
    expect(credentialUsesIn(command).map((use) => describeUse(use, use.value))[0]).toBe(words);
  });
});

/**
 * Generated per class: every credential variable, config key, credential file and identity flag, in each
 * spelling bash accepts. Where a spelling's effect can be observed offline, bash itself runs it first (a
 * stand-in tool records its arguments, a home directory in a temporary folder shows what was written), so
 * a spelling the test lists is one that really works.
 */
describe('credentialUsesIn, generated per class', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-classes-'));
  const bash = (script: string, env: Record<string, string> = {}, input = '') =>
    execFileSync('bash', ['--noprofile', '--norc', '-c', script], {
      cwd: dir,
      encoding: 'utf8',
      input,
      env: { PATH: `${dir}/bin:${process.env.PATH ?? '/usr/bin:/bin'}`, ...env },
    });
  const usesOf = (lines: readonly string[]) => {
    const context = readerContextOf(lines);
    return lines.flatMap((line) => credentialUsesIn(line, context));
  };

  describe('variables: every bash form that sets one, as bash runs it', () => {
    const forms = (name: string): string[][] => [
      [`export ${name}=v`],
      [`declare -gx ${name}=v`],
      [`typeset -x ${name}=v`],
      [`printf -v ${name} %s v`],
      [`printf -v${name} %s v`],
      [`read -r ${name} <<< v`],
      [`read -r${name.startsWith('A') ? 'a' : ''} ${name} <<< v`],
      [`: \${${name}:=v}`],
      [`eval "${name}=v"`],
      [`declare -n r=${name}; r=v`],
      ['declare -n r', `r=${name}`, 'r=v'],
      // The option as bash reads it after quote removal and expansion.
      ["declare -'n' r", `r=${name}`, 'r=v'],
      ['declare -\\n r', `r=${name}`, 'r=v'],
      ['declare -${E}n r', `r=${name}`, 'r=v'],
      ['O=-n', 'declare $O r', `r=${name}`, 'r=v'],
      [`A="${name}=v"`, 'export $A'],
      [`export ${name.slice(0, 4)}''${name.slice(4)}=v`],
      [`${name.slice(0, 4)}\\\n${name.slice(4)}=v`],
    ];
    it.each(Object.keys(CREDENTIAL_VARIABLES))('%s', (name) => {
      const cases = forms(name);
      const script = cases.map((lines) => `( ${lines.join('\n')}\nprintf '%s\\n' "\${${name}-unset}" )`).join('\n');
      expect(bash(script).trim().split('\n')).toEqual(cases.map(() => 'v'));
      for (const lines of cases)
        expect([lines, usesOf(lines).some((use) => use.variable === name)]).toEqual([lines, true]);
    });
  });

  const KEYS: Array<[string, string]> = [
    ...Object.entries(AWS_CONFIG_KEYS).map(([key, field]): [string, string] => [key, `aws:${field}`]),
    ['impersonate_service_account', 'gcp:serviceAccount'],
    ['gs_impersonate_service_account', 'gcp:serviceAccount'],
    ['gs_service_key_file', 'gcp:secret'],
  ];
  describe('config keys: quoted or not, in every config syntax, behind a word boundary', () => {
    it.each(KEYS)('%s', (key, kind) => {
      const spellings = [
        `printf '[profile p]\\n${key} = v\\n' >> ~/.aws/config`,
        `echo "${key}=v" >> ~/.aws/config`,
        `cat > provider.tf <<'EOF'\nprovider "x" {\n  assume_role {\n    ${key} = "v"\n  }\n}\nEOF`,
        `cat > c.json <<EOF\n{"${key}": "v"}\nEOF`,
        `python3 -c "open('c','w').write('[default]\\n${key} = v\\n')"`,
        `python3 -c "c['p'] = {'${key}': 'v'}"`,
        `echo "${key}: 'v'" > config.yaml`,
        `terraform apply -var="${key}=v"`,
      ];
      for (const text of spellings)
        expect([text, summary(text)]).toEqual([text, expect.arrayContaining([`${kind}:v`])]);
      for (const other of [`lambda_${key}`, `iam.${key}`, `deploy-${key}`, `x${key}`])
        for (const text of [
          `terraform apply -var="${other}=v"`,
          `helm upgrade --set ${other}=v app`,
          `cdk deploy -c ${other}=v`,
          `echo '${other} = "v"' >> vars.tfvars`,
        ])
          expect([text, summary(text)]).toEqual([text, []]);
    });

    it("reads an ARN built from a Terraform variable as the value it is, never as the environment's own", () => {
      expect(summary('cat > p.tf <<EOF\nrole_arn = "arn:aws:iam::${var.account}:role/deploy"\nEOF')).toEqual([
        'aws:roleArn:arn:aws:iam::${var.account}:role/deploy',
      ]);
    });
  });

  describe('credential files and directories: the target of any command that writes a path', () => {
    const TARGETS: Array<[string, string, string]> = [
      ['~/.aws', 'aws', '.aws'],
      ['~/.aws/', 'aws', '.aws'],
      ['$HOME/.aws/credentials', 'aws', '.aws/credentials'],
      ['${HOME}/.aws/config', 'aws', '.aws/config'],
      ['~/.config/gcloud', 'gcp', '.config/gcloud'],
      [
        '$HOME/.config/gcloud/application_default_credentials.json',
        'gcp',
        '.config/gcloud/application_default_credentials.json',
      ],
      ['~/.vault-token', 'vault', '.vault-token'],
    ];
    // Writers bash can run here, each leaving something at the target.
    const LOCAL_WRITERS: Array<(target: string) => string> = [
      (t) => `cp -r src ${t}`,
      (t) => `cp src/token ${t}`,
      (t) => `mv moved ${t}`,
      (t) => `install -D src/token ${t}`,
      (t) => `ln -s "$PWD/src/token" ${t}`,
      (t) => `echo x | tee ${t}`,
      (t) => `echo x > ${t}`,
      (t) => `echo x >> ${t}`,
      (t) => `dd if=src/token of=${t} status=none`,
    ];
    const DIRECTORY_WRITERS: Array<(target: string) => string> = [
      (t) => `mkdir -p ${t} && tar -xf bundle.tar -C ${t}`,
      (t) => `unzip -qo bundle.zip -d ${t}`,
    ];
    // Writers that need the network: the reader must know them all the same.
    const REMOTE_WRITERS: Array<(target: string) => string> = [
      (t) => `curl -fsSLo ${t} https://x.example/c`,
      (t) => `curl --output ${t} https://x.example/c`,
      (t) => `curl -o${t} https://x.example/c`,
      (t) => `wget -qO ${t} https://x.example/c`,
      (t) => `wget --output-document=${t} https://x.example/c`,
      (t) => `aws s3 cp s3://bucket/c ${t}`,
      (t) => `aws --region eu-west-1 s3 sync s3://bucket/c ${t}`,
      (t) => `gsutil -m cp gs://bucket/c ${t}`,
      (t) => `gcloud storage cp gs://bucket/c ${t}`,
      (t) => `rsync -a host:c ${t}`,
      (t) => `scp host:c ${t}`,
      (t) => `git clone https://x.example/c.git ${t}`,
      (t) => `openssl enc -d -in c.enc -out ${t}`,
      (t) => `gpg -o ${t} -d c.gpg`,
      (t) => `sops -d --output ${t} c.enc`,
      (t) => `docker cp ctr:/c ${t}`,
      (t) => `cp -t ${t} c`,
    ];
    const setUp =
      'rm -rf home src moved bundle.tar bundle.zip && mkdir -p home src/.aws src/gcloud && ' +
      'echo t > src/token && echo t > moved && ' +
      'tar -cf bundle.tar -C src token && (cd src && zip -q ../bundle.zip token)';

    it.each(TARGETS)('%s', (target, provider, relative) => {
      const home = path.join(dir, 'home');
      for (const writer of [...LOCAL_WRITERS, ...(/\.aws\/?$|gcloud$/.test(target) ? DIRECTORY_WRITERS : [])]) {
        const line = writer(target);
        // A directory cannot be the file of a redirection, `tee` or `dd`.
        if (target.endsWith('/') && /tee|>|dd /.test(line)) continue;
        const parent = target.endsWith('/') ? relative : path.dirname(relative);
        bash(`${setUp} && mkdir -p "home/${parent}" && ${line}`, { HOME: home });
        expect([line, bash(`test -e "$HOME/${relative}" && echo written`, { HOME: home }).trim()]).toEqual([
          line,
          'written',
        ]);
        expect([line, credentialUsesIn(line).some((use) => use.written && use.provider === provider)]).toEqual([
          line,
          true,
        ]);
      }
      for (const line of REMOTE_WRITERS.map((writer) => writer(target)))
        expect([line, credentialUsesIn(line).some((use) => use.written && use.provider === provider)]).toEqual([
          line,
          true,
        ]);
    });

    it('reads the variables that name a credential file as its path, for commands that write', () => {
      for (const [variable, provider] of [
        ['AWS_CONFIG_FILE', 'aws'],
        ['AWS_SHARED_CREDENTIALS_FILE', 'aws'],
        ['GOOGLE_APPLICATION_CREDENTIALS', 'gcp'],
        ['CLOUDSDK_CONFIG', 'gcp'],
      ])
        for (const line of [
          `curl -o "$${variable}" https://x.example/c`,
          `cp key.json \${${variable}}`,
          `echo x > $${variable}`,
        ])
          expect([line, credentialUsesIn(line).map((use) => `${use.provider}:${use.written}`)]).toEqual([
            line,
            [`${provider}:true`],
          ]);
      // Reading them is no write.
      for (const line of [
        'cp "$GOOGLE_APPLICATION_CREDENTIALS" key.json',
        'deploy --key "$GOOGLE_APPLICATION_CREDENTIALS"',
        'docker run -v "$GOOGLE_APPLICATION_CREDENTIALS:/c.json" img',
        'cat ~/.aws/config',
        'ls -la ~/.aws',
        'chmod 600 ~/.aws/credentials',
        'rm -rf ~/.aws',
        'sam build --build-dir .aws-sam/build',
      ])
        expect([line, credentialUsesIn(line)]).toEqual([line, []]);
    });
  });

  describe('identity flags: every spelling the tool accepts, wherever it stands, from word splitting or xargs', () => {
    const FLAGS: Array<{ tool: string; sub: string; flag: string; value: string; kind: string }> = [
      {
        tool: 'aws',
        sub: 'sts assume-role',
        flag: '--role-arn',
        value: 'arn:aws:iam::111111111111:role/other',
        kind: 'aws:roleArn',
      },
      { tool: 'aws', sub: 's3 ls', flag: '--profile', value: 'other', kind: 'aws:profile' },
      {
        tool: 'gcloud',
        sub: 'storage ls',
        flag: '--impersonate-service-account',
        value: 'o@x.iam.gserviceaccount.com',
        kind: 'gcp:serviceAccount',
      },
      {
        tool: 'gcloud',
        sub: 'storage ls',
        flag: '--account',
        value: 'o@x.iam.gserviceaccount.com',
        kind: 'gcp:serviceAccount',
      },
      {
        tool: 'bq',
        sub: 'ls',
        flag: '--impersonate_service_account',
        value: 'o@x.iam.gserviceaccount.com',
        kind: 'gcp:serviceAccount',
      },
      {
        tool: 'vault',
        sub: 'kv get secret/x',
        flag: '-address',
        value: 'https://other.example:8200',
        kind: 'vault:vaultAddress',
      },
      { tool: 'vault', sub: 'kv get secret/x', flag: '--namespace', value: 'other', kind: 'vault:vaultNamespace' },
    ];
    const spellings = ({ tool, sub, flag, value }: (typeof FLAGS)[number]): string[][] => [
      [`${tool} ${sub} ${flag} ${value}`],
      [`${tool} ${sub} ${flag}=${value}`],
      [`${tool} ${flag} ${value} ${sub}`],
      [`${tool} --debug ${flag}=${value} ${sub}`],
      [`OPTS="${flag} ${value}"`, `${tool} ${sub} $OPTS`],
      [`OPTS="${flag} ${value}"`, `${tool} ${sub} \${OPTS}`],
      [`echo ${value} | xargs ${tool} ${sub} ${flag}`],
      [`echo ${flag} ${value} | xargs ${tool} ${sub}`],
      [`sudo -u ci ${tool} ${sub} '${flag}' "${value}"`],
    ];
    for (const tool of ['aws', 'gcloud', 'bq', 'vault', 'gsutil', 'java', 'mvn'])
      writeFileSync(path.join(dir, tool), '#!/bin/sh\nprintf "%s\\n" "$*" >> "$OUT"\n', { mode: 0o755 });
    const runs = (lines: readonly string[]) => {
      const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
      writeFileSync(out, '');
      bash(`sudo() { while [ "$1" != "\${1#-}" ]; do shift 2; done; "$@"; }\nexport -f sudo\n${lines.join('\n')}`, {
        OUT: out,
        PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      });
      return readFileSync(out, 'utf8');
    };

    it.each(FLAGS.map((spec) => [`${spec.tool} ${spec.flag}`, spec] as const))('%s', (_, spec) => {
      for (const lines of spellings(spec)) {
        expect([lines, runs(lines)]).toEqual([lines, expect.stringContaining(spec.value)]);
        expect([lines, usesOf(lines).map((use) => `${use.provider}:${use.field}:${use.value}`)]).toEqual([
          lines,
          expect.arrayContaining([`${spec.kind}:${spec.value}`]),
        ]);
      }
    });

    it('gsutil -i: alone, glued and in a cluster of one-letter options', () => {
      for (const line of [
        'gsutil -i o@x.iam.gserviceaccount.com ls',
        'gsutil -io@x.iam.gserviceaccount.com ls',
        'gsutil -mi o@x.iam.gserviceaccount.com ls',
        'gsutil -m -i o@x.iam.gserviceaccount.com ls',
      ]) {
        expect(runs([line])).toContain('o@x.iam.gserviceaccount.com');
        expect([line, summary(line)]).toEqual([line, ['gcp:serviceAccount:o@x.iam.gserviceaccount.com']]);
      }
    });

    it.each([
      ['java -Daws.roleArn=arn:x -jar app.jar', 'aws:roleArn:arn:x'],
      ['JAVA_TOOL_OPTIONS="-Xmx1g -Daws.roleArn=arn:x" java -jar app.jar', 'aws:roleArn:arn:x'],
      ['export _JAVA_OPTIONS=-Daws.webIdentityTokenFile=/tmp/t', 'aws:tokenFile:/tmp/t'],
      ['export MAVEN_OPTS="-Daws.profile=other"', 'aws:profile:other'],
      ['GRADLE_OPTS="-Daws.accessKeyId=AKIA" gradle build', 'aws:secret:AKIA'],
      ['mvn -D aws.roleArn=arn:x deploy', 'aws:roleArn:arn:x'],
      ['echo "systemProp.aws.roleArn=arn:x" >> gradle.properties', 'aws:roleArn:arn:x'],
    ])('the AWS SDK for Java system properties: %s', (line, use) => {
      expect(summary(line)).toContain(use);
    });

    it('reads subcommands wherever options put them', () => {
      expect(summary('aws --region eu-west-1 --output json configure --profile p set role_arn arn:x')).toContain(
        'aws:roleArn:arn:x',
      );
      expect(summary('gcloud --quiet config --verbosity=debug set auth/impersonate_service_account o@x')).toContain(
        'gcp:serviceAccount:o@x',
      );
      expect(summary('vault -address https://v.example write -field=token auth/other/login role=r jwt=-')).toContain(
        'vault:vaultLogin:auth/other/role/r',
      );
      expect(summary('vault --namespace=n login -method=jwt -path=other role=r')).toContain(
        'vault:vaultLogin:auth/other/role/r',
      );
    });

    it('reads a Vault login path in every spelling a server accepts', () => {
      for (const path of [
        'auth/prod-deploy/login',
        '/v1/auth/prod-deploy/login',
        'auth//prod-deploy/login',
        'auth/./prod-deploy/login/',
        'auth/prod%2Ddeploy/login',
        'auth/x/../prod-deploy/login',
      ])
        expect([path, summary(`vault write ${path} role=r jwt=-`)]).toEqual([
          path,
          ['vault:vaultLogin:auth/prod-deploy/role/r'],
        ]);
    });
  });
});
