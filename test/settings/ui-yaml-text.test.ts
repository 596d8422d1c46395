/** ui/src/yaml-text.ts: form edits keep the admin's comments and key order in the YAML text. */
import { parse } from 'yaml';
import { setAt } from '../../ui/src/draft';
import { syncYamlText } from '../../ui/src/yaml-text';

const TEXT = `# Pipeline Guard policy for acme
version: 1
environments:
  # most privileged first
  - name: prod
    branches: [main] # only main
    runner:
      labels: [self.hosted, prod]
  - name: dev
    default: true
    branches: ['**']
    runner: {labels: [self.hosted, dev]}
mode: enforce # keep
`;

describe('syncYamlText', () => {
  it('changes one value and keeps every comment and the key order', () => {
    const next = setAt(parse(TEXT), ['environments', 0, 'branches', 1], 'release/*');
    const text = syncYamlText(TEXT, next);
    expect(parse(text)).toEqual(next);
    expect(text).toBe(TEXT.replace('branches: [main] # only main', 'branches: [main, release/*] # only main'));
  });

  it('appends a new key after the existing ones, and removes a removed item', () => {
    let next = setAt(parse(TEXT), ['environments', 0, 'manualTrigger'], true);
    next = setAt(next, ['environments', 1], undefined);
    const text = syncYamlText(TEXT, next);
    expect(parse(text)).toEqual(next);
    expect(
      text.startsWith(
        '# Pipeline Guard policy for acme\nversion: 1\nenvironments:\n  # most privileged first\n  - name: prod\n',
      ),
    ).toBe(true);
    expect(text).toContain('manualTrigger: true');
    expect(text).toContain('mode: enforce # keep');
    expect(text).not.toContain('name: dev');
  });

  it('falls back to plain YAML when the text does not parse', () => {
    expect(parse(syncYamlText('a: [', { version: 1 }))).toEqual({ version: 1 });
  });
});

describe('syncYamlText with environments moved or removed', () => {
  const envs = (text: string) => parse(text).environments.map((e: { name: string }) => e.name);

  it('moves an environment with its comments and leaves every other line as it was', () => {
    const draft = parse(TEXT);
    draft.environments.reverse();
    const text = syncYamlText(TEXT, draft);
    expect(envs(text)).toEqual(['dev', 'prod']);
    expect(text).toContain('  # most privileged first\n  - name: prod\n    branches: [main] # only main');
    expect(text.split('\n').sort()).toEqual(TEXT.split('\n').sort());
  });

  it('removes an environment with its comment only, and a one-field edit is a one-line diff', () => {
    const draft = parse(TEXT);
    draft.environments.splice(0, 1);
    const text = syncYamlText(TEXT, draft);
    expect(text).not.toContain('most privileged first');
    expect(text).toContain('    runner: {labels: [self.hosted, dev]}\n');
    const edited = setAt(parse(TEXT), ['environments', 1, 'branches', 0], 'develop');
    const changed = syncYamlText(TEXT, edited)
      .split('\n')
      .filter((line, i) => line !== TEXT.split('\n')[i]);
    expect(changed).toEqual(["    branches: ['develop']"]);
  });
});
