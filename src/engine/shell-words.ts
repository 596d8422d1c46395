/**
 * A POSIX shell word reader (with bash's `$'…'` and brace lists), small enough for the provider's
 * bundle: a script line is read as the shell reads it, so quoting (`AWS_ROLE''_ARN`), escapes,
 * line continuations and `{a,b}` lists cannot hide a name from the rules. It does not expand
 * parameters, commands or globs: `$X`, `$(…)` and `` `…` `` stay as written inside the word, and
 * the text inside `$(…)`, `` `…` ``, `<(…)` and `>(…)` is read as commands too. Tested against bash
 * itself in test/engine/shell-words.test.ts.
 */

export interface SimpleCommand {
  /** The command's words after quote removal, in order. */
  readonly words: string[];
  /** Targets of `>`, `>>`, `<`, `&>`… (the words after the operator). */
  readonly redirects: string[];
  /** Here-document bodies. */
  readonly heredocs: string[];
  /** The operator that ended the command (`|`, `&&`, `;`, a newline…), empty at the end of the text. */
  readonly separator: string;
}

const MAX_DEPTH = 8;
const OPERATOR_CHARS = ';&|()<>';
const ANSI_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** Reads `text` as a sequence of simple commands. Never throws; unterminated quotes end at the end of the text. */
export function parseShell(text: string, depth = 0): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  const nested: string[] = [];
  let words: string[] = [];
  let redirects: string[] = [];
  let heredocs: string[] = [];
  let pendingHeredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
  let value = '';
  // Parallel to `value`: 1 where the character came from quoting or an escape (brace lists ignore those).
  let quoted = '';
  let inWord = false;
  let sawQuote = false;
  let redirectNext = false;
  let i = 0;
  const n = text.length;

  const add = (chars: string, isQuoted: boolean) => {
    value += chars;
    quoted += (isQuoted ? '1' : '0').repeat(chars.length);
    inWord = true;
    sawQuote ||= isQuoted;
  };
  const endWord = () => {
    if (!inWord) return;
    // Brace lists drop the empty words they make (`{,a}` is just `a`), unless quoting made the word.
    const expanded = expandBraces(value, quoted).filter((word) => word !== '' || sawQuote || !value.includes('{'));
    if (redirectNext) redirects.push(...expanded);
    else words.push(...expanded);
    redirectNext = false;
    value = '';
    quoted = '';
    inWord = false;
    sawQuote = false;
  };
  const endCommand = (separator: string) => {
    endWord();
    if (words.length || redirects.length || heredocs.length) commands.push({ words, redirects, heredocs, separator });
    words = [];
    redirects = [];
    heredocs = [];
  };
  const readHeredocBodies = () => {
    for (const { delimiter, stripTabs } of pendingHeredocs) {
      const body: string[] = [];
      while (i < n) {
        let end = text.indexOf('\n', i);
        if (end < 0) end = n;
        let line = text.slice(i, end);
        i = end + 1;
        if (stripTabs) line = line.replace(/^\t+/, '');
        if (line === delimiter) break;
        body.push(line);
      }
      heredocs.push(body.join('\n'));
    }
    pendingHeredocs = [];
  };
  /** Index just past the `close` matching an opening already consumed, skipping quoted text. */
  const balanced = (start: number, open: string, close: string): number => {
    let level = 1;
    let j = start;
    while (j < n && level > 0) {
      const c = text[j];
      if (c === '\\') j += 2;
      else if (c === "'") {
        const end = text.indexOf("'", j + 1);
        j = end < 0 ? n : end + 1;
      } else if (c === '"') {
        j++;
        while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        j++;
      } else {
        if (c === open) level++;
        else if (c === close) level--;
        j++;
      }
    }
    return Math.min(j, n);
  };
  /** `$…` at i: appends it as written; returns true when it handled the character. */
  const dollar = (isQuoted: boolean): boolean => {
    const next = text[i + 1];
    if (next === '(') {
      const end = balanced(i + 2, '(', ')');
      nested.push(text.slice(i + 2, end - 1));
      add(text.slice(i, end), true);
      i = end;
      return true;
    }
    if (next === '{') {
      const end = balanced(i + 2, '{', '}');
      add(text.slice(i, end), true);
      i = end;
      return true;
    }
    if (!isQuoted && next === "'") {
      i += 2;
      let out = '';
      while (i < n && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < n) {
          const [decoded, length] = ansiEscape(text, i + 1);
          out += decoded;
          i += 1 + length;
        } else out += text[i++];
      }
      i++;
      add(out, true);
      return true;
    }
    // `$"…"` is a locale-translated string: without a translation, bash reads it as `"…"`.
    if (!isQuoted && next === '"') {
      i++;
      return true;
    }
    return false;
  };
  const backtick = () => {
    let j = i + 1;
    let inner = '';
    while (j < n && text[j] !== '`') {
      if (text[j] === '\\' && j + 1 < n) {
        inner += '$`\\'.includes(text[j + 1]) ? text[j + 1] : text[j] + text[j + 1];
        j += 2;
      } else inner += text[j++];
    }
    nested.push(inner);
    add(text.slice(i, Math.min(j + 1, n)), true);
    i = j + 1;
  };

  while (i < n) {
    const c = text[i];
    if (c === '\\') {
      if (text[i + 1] === '\n') i += 2;
      else {
        // A backslash that ends the text stays as itself, as in bash.
        add(i + 1 < n ? text[i + 1] : '\\', true);
        i += 2;
      }
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      add(text.slice(i + 1, end < 0 ? n : end), true);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      inWord = true;
      while (i < n && text[i] !== '"') {
        const d = text[i];
        if (d === '\\' && i + 1 < n) {
          const e = text[i + 1];
          if (e === '\n') i += 2;
          else if ('$`"\\'.includes(e)) {
            add(e, true);
            i += 2;
          } else {
            add(d, true);
            i++;
          }
        } else if (d === '$' && dollar(true)) continue;
        else if (d === '`') backtick();
        else {
          add(d, true);
          i++;
        }
      }
      i++;
      continue;
    }
    if (c === '$' && dollar(false)) continue;
    if (c === '`') {
      backtick();
      continue;
    }
    if (c === '\n') {
      endWord();
      i++;
      readHeredocBodies();
      endCommand('\n');
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if ((c === '<' || c === '>') && text[i + 1] === '(') {
      const end = balanced(i + 2, '(', ')');
      nested.push(text.slice(i + 2, end - 1));
      add(text.slice(i, end), true);
      i = end;
      continue;
    }
    if (OPERATOR_CHARS.includes(c)) {
      // A word of digits right before a redirection is the file descriptor, not a word.
      if ((c === '<' || c === '>') && inWord && /^\d+$/.test(value) && !quoted.includes('1')) {
        value = '';
        quoted = '';
        inWord = false;
      }
      endWord();
      if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
        const stripTabs = text[i + 2] === '-';
        i += stripTabs ? 3 : 2;
        while (text[i] === ' ' || text[i] === '\t') i++;
        let delimiter = '';
        while (i < n && !' \t\n;&|<>()'.includes(text[i])) {
          if (text[i] === "'" || text[i] === '"' || text[i] === '\\') {
            i++;
            continue;
          }
          delimiter += text[i++];
        }
        pendingHeredocs.push({ delimiter, stripTabs });
        continue;
      }
      if (c === '<' || c === '>') {
        i++;
        while (i < n && '<>&|'.includes(text[i])) i++;
        // `>&2`, `2>&1`: a descriptor, not a file.
        if (/^\d|^-/.test(text[i] ?? '') && /[&]$/.test(text.slice(0, i))) {
          while (i < n && /[\d-]/.test(text[i])) i++;
          continue;
        }
        redirectNext = true;
        continue;
      }
      const operator = c + (text[i + 1] === c && c !== '(' && c !== ')' ? c : '');
      endCommand(operator);
      i += operator.length;
      continue;
    }
    add(c, false);
    i++;
  }
  endCommand('');
  if (depth < MAX_DEPTH) for (const inner of nested) commands.push(...parseShell(inner, depth + 1));
  return commands;
}

function ansiEscape(text: string, at: number): [string, number] {
  const c = text[at];
  if (c in ANSI_ESCAPES) return [ANSI_ESCAPES[c], 1];
  const numeric = (pattern: RegExp, radix: number, skip: number): [string, number] | undefined => {
    const digits = pattern.exec(text.slice(at + skip))?.[0];
    if (!digits) return undefined;
    const code = parseInt(digits, radix);
    return [radix === 8 || skip === 1 && c === 'x' ? String.fromCharCode(code & 0xff) : String.fromCodePoint(Math.min(code, 0x10ffff)), skip + digits.length];
  };
  if (/[0-7]/.test(c)) return numeric(/^[0-7]{1,3}/, 8, 0)!;
  if (c === 'x') return numeric(/^[0-9a-fA-F]{1,2}/, 16, 1) ?? ['\\x', 1];
  if (c === 'u') return numeric(/^[0-9a-fA-F]{1,4}/, 16, 1) ?? ['\\u', 1];
  if (c === 'U') return numeric(/^[0-9a-fA-F]{1,8}/, 16, 1) ?? ['\\U', 1];
  if (c === 'c' && at + 1 < text.length) return [String.fromCharCode(text.charCodeAt(at + 1) & 0x1f), 2];
  return ['\\' + c, 1];
}

/** bash's `{a,b}` lists (not `{1..3}` sequences), on unquoted braces and commas only. */
export function expandBraces(value: string, quoted: string, depth = 0): string[] {
  if (depth > 4 || !value.includes('{')) return [value];
  for (let open = 0; open < value.length; open++) {
    if (value[open] !== '{' || quoted[open] === '1' || (open > 0 && value[open - 1] === '$' && quoted[open - 1] === '0')) continue;
    let level = 0;
    const commas: number[] = [];
    let close = -1;
    for (let j = open + 1; j < value.length; j++) {
      if (quoted[j] === '1') continue;
      if (value[j] === '{') level++;
      else if (value[j] === '}') {
        if (level === 0) {
          close = j;
          break;
        }
        level--;
      } else if (value[j] === ',' && level === 0) commas.push(j);
    }
    if (close < 0 || commas.length === 0) continue;
    const bounds = [open, ...commas, close];
    const prefix = value.slice(0, open);
    const prefixQuoted = quoted.slice(0, open);
    const suffix = value.slice(close + 1);
    const suffixQuoted = quoted.slice(close + 1);
    const out: string[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const part = value.slice(bounds[k] + 1, bounds[k + 1]);
      const partQuoted = quoted.slice(bounds[k] + 1, bounds[k + 1]);
      out.push(...expandBraces(prefix + part + suffix, prefixQuoted + partQuoted + suffixQuoted, depth + 1));
    }
    return out;
  }
  return [value];
}

/** Text of plain words only: the shell reads it as those words, so no parse is needed. */
const PLAIN_WORDS = /^[A-Za-z0-9_\-./:=@%+, ]*$/;

/** The command as the shell reads it, one simple command per line: for matching patterns written against plain commands. */
export function shellReading(text: string): string {
  if (PLAIN_WORDS.test(text)) return text.trim().replace(/ {2,}/g, ' ');
  return parseShell(text)
    .map((command) => `${command.words.join(' ')}${command.separator === '\n' || !command.separator ? '\n' : ` ${command.separator} `}`)
    .join('')
    .trimEnd();
}

const MAY_HIDE = /['"\\\n$`]/;

/**
 * Every piece of text the shell hands a command, as it reads it: each word, redirection target and
 * here-document body, and, where one of those is itself shell text (`bash -c '…'`, `eval "…"`, a
 * here-document fed to a shell), the words inside it, down to a small depth. For a last-resort
 * search of values that quoting, escapes or line continuations split in the raw text.
 */
export function shellTexts(text: string, depth = 0): string[] {
  const out: string[] = [];
  for (const command of parseShell(text)) {
    for (const piece of [...command.words, ...command.redirects, ...command.heredocs]) {
      out.push(piece);
      if (depth < 3 && MAY_HIDE.test(piece)) out.push(...shellTexts(piece, depth + 1));
    }
  }
  return out;
}
