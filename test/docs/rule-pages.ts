/**
 * Reads the rule pages in docs/rules/ into the parts the docs test checks against the engine:
 * the description line, and each marked example with the blocks that follow it.
 *
 * Page grammar (kept small so that a page stays plain Markdown on GitHub):
 * - `# <id>` first, then the one-line description as the first paragraph.
 * - `<!-- example: k=v … -->` right before a ```yaml fence: a pipeline file and the run it gets
 *   (`branch=`, `tag=`, `pr=source>destination`, `commit`, `custom=`, `selector=section:pattern`,
 *   `rules=rule:mode,…`, `rule=`, `expect=enforce|warn|rewrite`; `policy=FILE`, `repository=SLUG project=KEY`,
 *   `grants=FILE now=ISO` for a run of that repository under those break-glass grants). The next ```text fence is the
 *   message; a ```yaml fence marked `<!-- output -->` is the rewritten `pipelines` section.
 * - `<!-- fix: k=v … -->` before a ```yaml fence: the corrected file, which must pass the rule.
 * - `<!-- situation: name -->` before a ```text fence: a message from a request or storage
 *   situation that no pipeline file can produce; the test maps each name to that situation.
 */
import { readdirSync, readFileSync } from 'fs';
import path from 'path';

export const RULE_DOCS_DIR = path.resolve(__dirname, '../../docs/rules');

export type MarkerKind = 'example' | 'fix' | 'output' | 'situation';

export interface Block {
  readonly lang: string;
  readonly body: string;
  /** 1-based line of the opening fence, for failure messages. */
  readonly line: number;
  readonly marker?: { kind: MarkerKind; args: Record<string, string> };
}

export interface Example {
  readonly kind: 'example' | 'fix';
  readonly args: Record<string, string>;
  readonly yaml: string;
  readonly line: number;
  readonly message?: string;
  readonly output?: string;
}

export interface Situation {
  readonly name: string;
  readonly message: string;
  readonly line: number;
}

export interface RulePage {
  readonly id: string;
  readonly file: string;
  readonly title: string;
  readonly description: string;
  readonly examples: Example[];
  readonly situations: Situation[];
}

const MARKER = /^<!--\s*(example|fix|output|situation)(?::\s*(.*?))?\s*-->\s*$/;

function parseArgs(text: string | undefined): Record<string, string> {
  const args: Record<string, string> = {};
  for (const token of (text ?? '').split(/\s+/).filter(Boolean)) {
    const eq = token.indexOf('=');
    if (eq === -1) args[token] = '';
    else args[token.slice(0, eq)] = token.slice(eq + 1);
  }
  return args;
}

export function blocksOf(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let pending: Block['marker'];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]);
    if (marker) {
      pending = {
        kind: marker[1] as MarkerKind,
        args: marker[1] === 'situation' ? { name: (marker[2] ?? '').trim() } : parseArgs(marker[2]),
      };
      continue;
    }
    const fence = /^```(\w*)\s*$/.exec(lines[i]);
    if (!fence) {
      // A marker binds only to the fence right after it (blank lines allowed), never to a later one.
      if (lines[i].trim() !== '') pending = undefined;
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (i >= lines.length) throw new Error(`unclosed code fence opened on line ${start + 1}`);
    blocks.push({ lang: fence[1], body: body.join('\n'), line: start + 1, marker: pending });
    pending = undefined;
  }
  return blocks;
}

export function parsePage(file: string): RulePage {
  const markdown = readFileSync(file, 'utf8');
  const lines = markdown.split('\n');
  const titleIndex = lines.findIndex((line) => line.trim() !== '');
  const title = /^# (.+)$/.exec(lines[titleIndex] ?? '')?.[1]?.trim() ?? '';
  const description =
    lines
      .slice(titleIndex + 1)
      .find((line) => line.trim() !== '')
      ?.trim() ?? '';

  const blocks = blocksOf(markdown);
  const examples: Example[] = [];
  const situations: Situation[] = [];
  let current:
    | {
        kind: 'example' | 'fix';
        args: Record<string, string>;
        yaml: string;
        line: number;
        message?: string;
        output?: string;
      }
    | undefined;
  const flush = () => {
    if (current) examples.push(current);
    current = undefined;
  };
  for (const block of blocks) {
    const kind = block.marker?.kind;
    if (kind === 'example' || kind === 'fix') {
      if (block.lang !== 'yaml')
        throw new Error(`${path.basename(file)}:${block.line}: an ${kind} marker must precede a \`\`\`yaml fence`);
      flush();
      current = { kind, args: block.marker!.args, yaml: block.body, line: block.line };
    } else if (kind === 'output') {
      if (!current || current.kind !== 'example')
        throw new Error(`${path.basename(file)}:${block.line}: an output block must follow an example`);
      current.output = block.body;
    } else if (kind === 'situation') {
      flush();
      situations.push({ name: block.marker!.args.name, message: block.body, line: block.line });
    } else if (block.lang === 'text' && current?.kind === 'example' && current.message === undefined) {
      current.message = block.body;
    }
  }
  flush();
  return { id: path.basename(file, '.md'), file, title, description, examples, situations };
}

export function rulePages(): RulePage[] {
  return readdirSync(RULE_DOCS_DIR)
    .filter((name) => name.endsWith('.md') && name !== 'README.md')
    .sort()
    .map((name) => parsePage(path.join(RULE_DOCS_DIR, name)));
}
