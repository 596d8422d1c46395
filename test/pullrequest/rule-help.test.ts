import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import { RULE_HELP } from '../../src/pullrequest/rule-help';

const DOCS = path.resolve(__dirname, '../../docs/rules');

describe('RULE_HELP', () => {
  const pages = readdirSync(DOCS).filter(
    (name) => name.endsWith('.md') && name !== 'README.md' && name !== 'branch-context.md',
  );

  it.each(pages)('says what the first paragraph of docs/rules/%s says', (page) => {
    const firstParagraph = readFileSync(path.join(DOCS, page), 'utf8').split('\n')[2].trim();
    expect((RULE_HELP as Record<string, string>)[page.replace(/\.md$/, '')]).toBe(firstParagraph);
  });

  it('has no entry without a page', () => {
    expect(Object.keys(RULE_HELP).sort()).toEqual(pages.map((page) => page.replace(/\.md$/, '')).sort());
  });
});
