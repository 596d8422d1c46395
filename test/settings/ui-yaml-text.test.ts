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
    expect(text.startsWith('# Pipeline Guard policy for acme\nversion: 1\nenvironments:\n  # most privileged first\n  - name: prod\n')).toBe(true);
    expect(text).toContain('manualTrigger: true');
    expect(text).toContain('mode: enforce # keep');
    expect(text).not.toContain('name: dev');
  });

  it('falls back to plain YAML when the text does not parse', () => {
    expect(parse(syncYamlText('a: [', { version: 1 }))).toEqual({ version: 1 });
  });
});
