/** ui/src/problem-text.ts: problems the page shows are in words, with no machine paths or zod wording. */
import { fieldInWords, messageInWords, problemText } from '../../ui/src/problem-text';
import { validatePolicy } from '../../src/policy/load';

describe('problem text', () => {
  it('names a field in words, items counted from 1', () => {
    expect(fieldInWords(['environments', 0, 'branches', 1])).toBe('environment 1 → branch pattern 2');
    expect(fieldInWords(['refs', 0])).toBe('ref pattern 1');
    expect(fieldInWords(['environments', 2, 'oidc', 'roleArn'])).toBe('environment 3 → OIDC identity → role ARN');
    expect(fieldInWords([])).toBe('the policy');
  });

  it('rewrites zod wording and leaves the schema’s own messages alone', () => {
    expect(messageInWords('Too big: expected string to have <=60 characters')).toBe('at most 60 characters');
    expect(messageInWords('Too small: expected string to have >=1 characters')).toBe('required');
    expect(messageInWords('Invalid input: expected string, received number')).toBe('should be a string, not a number');
    expect(messageInWords('not an IAM role ARN')).toBe('not an IAM role ARN');
  });

  it('leaves no bracket path and no zod wording in any problem of a bad policy', () => {
    const result = validatePolicy({
      version: 1,
      environments: [{ name: 'Prod!', branches: [7], runner: { labels: [] } }],
      deny: { images: 'x' },
    });
    expect(result.ok).toBe(false);
    const texts = result.ok ? [] : result.problems.map(problemText);
    expect(texts.length).toBeGreaterThan(2);
    for (const text of texts) {
      expect(text).not.toMatch(/\[\d+\]|Invalid input|Too (big|small)|expected \w+, received/);
    }
    expect(texts).toContain('environment 1 → runner → labels: an environment needs at least one runner label');
  });
});
