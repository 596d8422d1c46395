/**
 * Rewraps comments that run past 120 characters, which prettier leaves as they are:
 *   npx tsx scripts/wrap-comments.ts [--check] [FILE|FOLDER ...]   (default: the code folders)
 * - a `//` comment on its own line is wrapped at word boundaries under the same `// ` prefix;
 * - a `//` comment after code moves, wrapped, onto its own lines above that code;
 * - a ` * ` line of a block comment is wrapped under the same ` * ` prefix (list items and @tags
 *   keep their continuation indented), and a one-line `/** ... *\/` becomes a block.
 * Comments are found with the TypeScript parser, so `//` inside strings and templates is left alone.
 * Directives (`// @ts-...`, `// eslint-...`, `// prettier-ignore`) and lines it cannot wrap (a
 * single word longer than the limit, a comment inside code) are listed on stderr.
 * --check writes nothing and exits 1 when a comment would change.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const LIMIT = 120;
const ROOT = path.resolve(__dirname, '..');
const FOLDERS = ['src', 'ui/src', 'test', 'e2e', 'dev', 'scripts', 'bench'];
const CODE = /\.(ts|tsx|mts|cts)$/;
const DIRECTIVE = /^\/\/\s*(@ts-|eslint|prettier-ignore|#region|#endregion)/;

interface Range {
  readonly pos: number;
  readonly end: number;
  readonly kind: ts.CommentKind;
}

/** Every comment of the file, from the parser's view of leading and trailing trivia. */
function commentRanges(fileName: string, text: string): Range[] {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const found = new Map<number, Range>();
  const add = (ranges: ts.CommentRange[] | undefined) => ranges?.forEach((r) => found.set(r.pos, r));
  const visit = (node: ts.Node) => {
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    // JSX text holds no comments, and its children's trivia would be read as text.
    if (!ts.isJsxText(node)) node.getChildren(source).forEach(visit);
  };
  visit(source);
  return [...found.values()].sort((a, b) => a.pos - b.pos);
}

/** Greedy word wrap; a word longer than the room stays whole on its own line. */
export function wrapWords(words: readonly string[], first: string, next: string): string[] {
  const lines: string[] = [];
  let current = first;
  let empty = true;
  for (const word of words) {
    if (!empty && [...current].length + 1 + [...word].length > LIMIT) {
      lines.push(current);
      current = next;
      empty = true;
    }
    current += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(current);
  return lines;
}

/** The continuation prefix of a comment text: list items and @tags keep their text aligned. */
function hanging(textStart: string): string {
  const list = /^(-|\*|\d+\.)\s+/.exec(textStart);
  if (list) return ' '.repeat(list[0].length);
  return /^@\w+\s/.test(textStart) ? '  ' : '';
}

const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** The lines that replace one long line, or undefined when it is not a comment line this script can wrap. */
function rewrap(line: string, lineStart: number, ranges: readonly Range[]): string[] | undefined {
  const lineEnd = lineStart + line.length;
  const range = ranges.find((r) => r.pos < lineEnd && r.end > lineStart);
  if (!range) return undefined;
  const indent = /^\s*/.exec(line)![0];
  if (range.kind === ts.SyntaxKind.SingleLineCommentTrivia) {
    const comment = line.slice(range.pos - lineStart);
    if (DIRECTIVE.test(comment)) return undefined;
    const body = comment.replace(/^\/\/\s?/, '');
    const code = line.slice(0, range.pos - lineStart).trimEnd();
    const wrapped = wrapWords(words(body), `${indent}// `, `${indent}// ${hanging(body)}`);
    return code.trim() ? [...wrapped, code] : wrapped;
  }
  if (range.pos >= lineStart) {
    // A block comment that opens on this line: only a whole-line `/** ... */` or `/* ... */`.
    const single = /^(\s*)\/\*(\*?)\s?(.*?)\s*\*\/\s*$/.exec(line);
    if (!single || range.pos !== lineStart + single[1].length || range.end !== lineStart + line.trimEnd().length)
      return undefined;
    return [
      `${indent}/*${single[2]}`,
      ...wrapWords(words(single[3]), `${indent} * `, `${indent} * ${hanging(single[3])}`),
      `${indent} */`,
    ];
  }
  const inner = /^(\s*\*\s)(.*)$/.exec(line);
  if (!inner || inner[2].includes('*/')) return undefined;
  return wrapWords(words(inner[2]), inner[1], `${inner[1]}${hanging(inner[2])}`);
}

export interface WrapResult {
  readonly text: string;
  readonly changed: number;
  /** 1-based line numbers of long lines left as they were. */
  readonly left: number[];
}

export function wrapComments(fileName: string, text: string): WrapResult {
  const ranges = commentRanges(fileName, text);
  const out: string[] = [];
  const left: number[] = [];
  let changed = 0;
  let offset = 0;
  text.split('\n').forEach((line, index) => {
    const replacement = [...line].length > LIMIT ? rewrap(line, offset, ranges) : undefined;
    if (replacement && !(replacement.length === 1 && replacement[0] === line)) {
      out.push(...replacement);
      changed++;
    } else {
      out.push(line);
      if ([...line].length > LIMIT) left.push(index + 1);
    }
    offset += line.length + 1;
  });
  return { text: out.join('\n'), changed, left };
}

function filesUnder(target: string): string[] {
  if (!statSync(target).isDirectory()) return CODE.test(target) ? [target] : [];
  return readdirSync(target).flatMap((name) => (name === 'node_modules' ? [] : filesUnder(path.join(target, name))));
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const targets = argv.filter((arg) => arg !== '--check');
  const files = (targets.length ? targets.map((t) => path.resolve(t)) : FOLDERS.map((f) => path.join(ROOT, f))).flatMap(
    filesUnder,
  );
  let changed = 0;
  let left = 0;
  for (const file of files) {
    const before = readFileSync(file, 'utf8');
    const result = wrapComments(file, before);
    changed += result.changed;
    left += result.left.length;
    for (const line of result.left)
      process.stderr.write(
        `${path.relative(process.cwd(), file)}:${line}: ` +
          `longer than ${LIMIT} characters, not a comment this script wraps\n`,
      );
    if (!check && result.text !== before) writeFileSync(file, result.text);
  }
  process.stdout.write(
    `${check ? 'would rewrap' : 'rewrapped'} ${changed} comment line(s) in ${files.length} files; ` +
      `${left} long line(s) left for hand editing\n`,
  );
  return check && changed ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
