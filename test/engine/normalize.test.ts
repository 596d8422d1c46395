import { foldForMatching, startsWithWord } from '../../src/engine/normalize';

describe('folding names for matching', () => {
  it.each([
    ['ＰＲＯＤ', 'prod'],
    ['P\u200bR\u200dOD', 'prod'],
    ['\u0420\u0420\u041e\u0414', 'ppoд'],
    ['Pródúction', 'production'],
    ['PROD\ufe0f', 'prod'],
  ])('%j → %j', (input, expected) => {
    expect(foldForMatching(input)).toBe(expected);
  });

  it.each([
    ['PROD deploy', true],
    ['prod: migrate', true],
    ['[PROD] apply', true],
    ['(prod)', true],
    ['prod', true],
    ['production', false],
    ['deploy prod', false],
    ['prod2 deploy', false],
  ])('%j starts with the word PROD: %s', (name, expected) => {
    expect(startsWithWord(name, 'PROD')).toBe(expected);
  });
});
