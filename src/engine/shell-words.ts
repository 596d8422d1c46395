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
const ANSI_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};
const NO_VALUES: ReadonlyMap<string, string> = new Map();
/** `$NAME` or `${NAME}` at the start of the text. */
const SIMPLE_PARAMETER = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})/;

/**
 * Reads `text` as a sequence of simple commands. Never throws; unterminated quotes end at the end of the text.
 * `values` holds variables whose values are known before the text runs: `$NAME` and `${NAME}` of those are
 * expanded as bash expands them (split into words where unquoted); every other expansion stays as written.
 */
export function parseShell(text: string, depth = 0, values: ReadonlyMap<string, string> = NO_VALUES): SimpleCommand[] {
  if (depth > 0 || values !== NO_VALUES) return readShell(text, depth, values);
  let commands = readTexts.get(text);
  if (!commands) {
    if (readChars + text.length > READ_CACHE_CHARS) {
      readTexts.clear();
      readChars = 0;
    }
    commands = readShell(text, 0, NO_VALUES).map(frozenCommand);
    readTexts.set(text, commands);
    readChars += text.length;
  }
  return [...commands];
}

// The rules read the same lines several times (the reader's context, the credential reader, deny-script, the
// unreadable check), and every step carries the same injected setup: one reading per text was a third of the
// provider's time on a 100-step pipeline. The result depends on the text alone; frozen, so no caller can change
// what the next one reads. Bounded by characters, not entries, because a hostile script may be long.
const READ_CACHE_CHARS = 1_000_000;
const readTexts = new Map<string, readonly SimpleCommand[]>();
let readChars = 0;

const frozenCommand = (command: SimpleCommand): SimpleCommand =>
  Object.freeze({
    words: Object.freeze(command.words) as string[],
    redirects: Object.freeze(command.redirects) as string[],
    heredocs: Object.freeze(command.heredocs) as string[],
    separator: command.separator,
  });

function readShell(text: string, depth: number, values: ReadonlyMap<string, string>): SimpleCommand[] {
  const reader = new WordReader(text, values);
  reader.read();
  const commands = reader.commands;
  if (depth < MAX_DEPTH) for (const inner of reader.nested) commands.push(...readShell(inner, depth + 1, values));
  return commands;
}

/** One pass over shell text: each method reads one construct at `i` and moves past it. */
class WordReader {
  readonly commands: SimpleCommand[] = [];
  /** Texts of `$(…)`, backticks and process substitutions, read as commands after the text itself. */
  readonly nested: string[] = [];
  private words: string[] = [];
  private redirects: string[] = [];
  private heredocs: string[] = [];
  private pendingHeredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
  private value = '';
  // Parallel to `value`: 1 where the character came from quoting or an escape (brace lists ignore those).
  private quoted = '';
  private inWord = false;
  private sawQuote = false;
  private redirectNext = false;
  private i = 0;
  private readonly n: number;

  constructor(
    private readonly text: string,
    private readonly values: ReadonlyMap<string, string>,
  ) {
    this.n = text.length;
  }

  read(): void {
    while (this.i < this.n) this.step();
    this.endCommand('');
  }

  private step(): void {
    const c = this.text[this.i];
    if (c === '\\') this.readEscape();
    else if (c === "'") this.readSingleQuoted();
    else if (c === '"') this.readDoubleQuoted();
    else if (c === '$' && this.dollar(false)) return;
    else if (c === '`') this.backtick();
    else if (c === '\n') {
      this.endWord();
      this.i++;
      this.readHeredocBodies();
      this.endCommand('\n');
    } else if (c === ' ' || c === '\t' || c === '\r') {
      this.endWord();
      this.i++;
    } else if (c === '#' && !this.inWord) this.skipComment();
    else if ((c === '<' || c === '>') && this.text[this.i + 1] === '(') this.processSubstitution();
    else if (OPERATOR_CHARS.includes(c)) this.readOperator(c);
    else {
      this.add(c, false);
      this.i++;
    }
  }

  private add(chars: string, isQuoted: boolean): void {
    this.value += chars;
    this.quoted += (isQuoted ? '1' : '0').repeat(chars.length);
    this.inWord = true;
    this.sawQuote ||= isQuoted;
  }

  private endWord(): void {
    if (!this.inWord) return;
    // Brace lists drop the empty words they make (`{,a}` is just `a`), unless quoting made the word.
    const expanded = expandBraces(this.value, this.quoted).filter(
      (word) => word !== '' || this.sawQuote || !this.value.includes('{'),
    );
    (this.redirectNext ? this.redirects : this.words).push(...expanded);
    this.redirectNext = false;
    this.value = '';
    this.quoted = '';
    this.inWord = false;
    this.sawQuote = false;
  }

  private endCommand(separator: string): void {
    this.endWord();
    if (this.words.length || this.redirects.length || this.heredocs.length)
      this.commands.push({ words: this.words, redirects: this.redirects, heredocs: this.heredocs, separator });
    this.words = [];
    this.redirects = [];
    this.heredocs = [];
  }

  private readHeredocBodies(): void {
    const { text, n } = this;
    for (const { delimiter, stripTabs } of this.pendingHeredocs) {
      const body: string[] = [];
      while (this.i < n) {
        let end = text.indexOf('\n', this.i);
        if (end < 0) end = n;
        let line = text.slice(this.i, end);
        this.i = end + 1;
        if (stripTabs) line = line.replace(/^\t+/, '');
        if (line === delimiter) break;
        body.push(line);
      }
      this.heredocs.push(body.join('\n'));
    }
    this.pendingHeredocs = [];
  }

  /** Index just past the `close` matching an opening already consumed, skipping quoted text. */
  private balanced(start: number, open: string, close: string): number {
    const { text, n } = this;
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
  }

  private readEscape(): void {
    if (this.text[this.i + 1] === '\n') this.i += 2;
    else {
      // A backslash that ends the text stays as itself, as in bash.
      this.add(this.i + 1 < this.n ? this.text[this.i + 1] : '\\', true);
      this.i += 2;
    }
  }

  private readSingleQuoted(): void {
    const end = this.text.indexOf("'", this.i + 1);
    this.add(this.text.slice(this.i + 1, end < 0 ? this.n : end), true);
    this.i = end < 0 ? this.n : end + 1;
  }

  private readDoubleQuoted(): void {
    const { text, n } = this;
    this.i++;
    this.inWord = true;
    this.sawQuote = true;
    while (this.i < n && text[this.i] !== '"') {
      const d = text[this.i];
      if (d === '\\' && this.i + 1 < n) {
        const e = text[this.i + 1];
        if (e === '\n') this.i += 2;
        else if ('$`"\\'.includes(e)) {
          this.add(e, true);
          this.i += 2;
        } else {
          this.add(d, true);
          this.i++;
        }
      } else if (d === '$' && this.dollar(true)) continue;
      else if (d === '`') this.backtick();
      else {
        this.add(d, true);
        this.i++;
      }
    }
    this.i++;
  }

  /** `$…` at i: appends it (or a known variable's value); returns true when it handled the character. */
  private dollar(isQuoted: boolean): boolean {
    const { text, i } = this;
    const next = text[i + 1];
    const parameter = this.values.size ? SIMPLE_PARAMETER.exec(text.slice(i, i + 200)) : null;
    const known = parameter ? this.values.get(parameter[1] ?? parameter[2]) : undefined;
    if (parameter && known !== undefined) {
      this.i += parameter[0].length;
      if (isQuoted) this.add(known, true);
      else this.addSplit(known);
      return true;
    }
    if (next === '(' || next === '{') {
      const end = this.balanced(i + 2, next, next === '(' ? ')' : '}');
      if (next === '(') this.nested.push(text.slice(i + 2, end - 1));
      this.add(text.slice(i, end), true);
      this.i = end;
      return true;
    }
    if (!isQuoted && next === "'") {
      this.readAnsiQuoted();
      return true;
    }
    // `$"…"` is a locale-translated string: without a translation, bash reads it as `"…"`.
    if (!isQuoted && next === '"') {
      this.i++;
      return true;
    }
    return false;
  }

  /** An unquoted expansion: bash splits its value at blanks (the default IFS) into words. */
  private addSplit(value: string): void {
    const pieces = value.split(/[ \t\n]+/);
    pieces.forEach((piece, index) => {
      if (index > 0) this.endWord();
      if (piece) this.add(piece, true);
    });
  }

  private readAnsiQuoted(): void {
    const { text, n } = this;
    this.i += 2;
    let out = '';
    while (this.i < n && text[this.i] !== "'") {
      if (text[this.i] === '\\' && this.i + 1 < n) {
        const [decoded, length] = ansiEscape(text, this.i + 1);
        out += decoded;
        this.i += 1 + length;
      } else out += text[this.i++];
    }
    this.i++;
    this.add(out, true);
  }

  private backtick(): void {
    const { text, n } = this;
    let j = this.i + 1;
    let inner = '';
    while (j < n && text[j] !== '`') {
      if (text[j] === '\\' && j + 1 < n) {
        inner += '$`\\'.includes(text[j + 1]) ? text[j + 1] : text[j] + text[j + 1];
        j += 2;
      } else inner += text[j++];
    }
    this.nested.push(inner);
    this.add(text.slice(this.i, Math.min(j + 1, n)), true);
    this.i = j + 1;
  }

  private skipComment(): void {
    while (this.i < this.n && this.text[this.i] !== '\n') this.i++;
  }

  private processSubstitution(): void {
    const end = this.balanced(this.i + 2, '(', ')');
    this.nested.push(this.text.slice(this.i + 2, end - 1));
    this.add(this.text.slice(this.i, end), true);
    this.i = end;
  }

  private readOperator(c: string): void {
    // A word of digits right before a redirection is the file descriptor, not a word.
    if ((c === '<' || c === '>') && this.inWord && /^\d+$/.test(this.value) && !this.quoted.includes('1')) {
      this.value = '';
      this.quoted = '';
      this.inWord = false;
    }
    this.endWord();
    if (c === '<' && this.text[this.i + 1] === '<' && this.text[this.i + 2] !== '<') this.readHeredocOperator();
    // `&>` and `&>>` send both outputs to a file: a redirection, not the `&` that ends a command.
    else if (c === '<' || c === '>' || (c === '&' && this.text[this.i + 1] === '>')) this.readRedirection();
    else {
      const operator = c + (this.text[this.i + 1] === c && c !== '(' && c !== ')' ? c : '');
      this.endCommand(operator);
      this.i += operator.length;
    }
  }

  private readHeredocOperator(): void {
    const { text, n } = this;
    const stripTabs = text[this.i + 2] === '-';
    this.i += stripTabs ? 3 : 2;
    while (text[this.i] === ' ' || text[this.i] === '\t') this.i++;
    let delimiter = '';
    while (this.i < n && !' \t\n;&|<>()'.includes(text[this.i])) {
      if (text[this.i] !== "'" && text[this.i] !== '"' && text[this.i] !== '\\') delimiter += text[this.i];
      this.i++;
    }
    this.pendingHeredocs.push({ delimiter, stripTabs });
  }

  private readRedirection(): void {
    const { text, n } = this;
    this.i++;
    while (this.i < n && '<>&|'.includes(text[this.i])) this.i++;
    // `>&2`, `2>&1`: a descriptor, not a file.
    if (/^\d|^-/.test(text[this.i] ?? '') && text[this.i - 1] === '&') {
      while (this.i < n && /[\d-]/.test(text[this.i])) this.i++;
      return;
    }
    this.redirectNext = true;
  }
}

function ansiEscape(text: string, at: number): [string, number] {
  const c = text[at];
  if (c in ANSI_ESCAPES) return [ANSI_ESCAPES[c], 1];
  const numeric = (pattern: RegExp, radix: number, skip: number): [string, number] | undefined => {
    const digits = pattern.exec(text.slice(at + skip))?.[0];
    if (!digits) return undefined;
    const code = parseInt(digits, radix);
    return [
      radix === 8 || (skip === 1 && c === 'x')
        ? String.fromCharCode(code & 0xff)
        : String.fromCodePoint(Math.min(code, 0x10ffff)),
      skip + digits.length,
    ];
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
    if (
      value[open] !== '{' ||
      quoted[open] === '1' ||
      (open > 0 && value[open - 1] === '$' && quoted[open - 1] === '0')
    )
      continue;
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

/**
 * The command as the shell reads it, one simple command per line: for matching patterns written against plain commands.
 */
export function shellReading(text: string): string {
  if (PLAIN_WORDS.test(text)) return text.trim().replace(/ {2,}/g, ' ');
  return parseShell(text)
    .map(
      (command) =>
        command.words.join(' ') + (command.separator === '\n' || !command.separator ? '\n' : ` ${command.separator} `),
    )
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
