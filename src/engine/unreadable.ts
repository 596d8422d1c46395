/**
 * Constructs a static reader cannot follow: text run as commands that is only known at run time (`eval`
 * of an expansion, `source FILE`, a pipe into a shell from anything but fixed text) and variables whose
 * names are built at run time (`export ${P}_ROLE_ARN=…`, `export $(cat .env | xargs)`). Whether such a
 * command changes the step's cloud identity cannot be told from the pipeline file.
 */
import { commandOf, DECLARERS, printedText, readsCommandsFromPipe, SHELLS, SOURCES } from './credentials';
import { parseShell, type SimpleCommand } from './shell-words';

export interface Unreadable {
  /** What the command does, in a developer's words: "runs `eval` on text built at run time". */
  readonly what: string;
}

const BUILT_AT_RUN_TIME = /[$`]/;
const MAYBE = /eval|source|\.|sh\b|declare|export|typeset|local|readonly|printf|read|\$/;

/** A process substitution `<(…)` whose commands all print fixed text: the credential reader reads it. */
const printsFixedText = (word: string) =>
  word.startsWith('<(') &&
  word.endsWith(')') &&
  parseShell(word.slice(2, -1)).every((inner) => printedText(inner) !== undefined);

function runTimeText(
  command: SimpleCommand,
  name: string,
  args: readonly string[],
  previous: SimpleCommand | undefined,
): string | undefined {
  if (name === 'eval' && args.some((arg) => BUILT_AT_RUN_TIME.test(arg)))
    return 'runs `eval` on text built at run time';
  if (SOURCES.has(name) && args[0] !== undefined && !printsFixedText(args[0]) && args[0] !== '/dev/stdin')
    return `sources ${args[0]}`;
  if (previous?.separator === '|' && readsCommandsFromPipe(command) && printedText(previous) === undefined) {
    const source = commandOf(previous.words)?.name ?? 'a command';
    return `pipes the output of \`${source}\` into \`${name}\`, which runs it as commands`;
  }
  if (SHELLS.has(name)) {
    const index = args.findIndex((arg) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg));
    if (index >= 0 && /^[$`]/.test(args[index + 1] ?? '')) return `runs \`${name} -c\` on text built at run time`;
  }
  return undefined;
}

function runTimeName(name: string, args: readonly string[]): string | undefined {
  if (DECLARERS.has(name)) {
    const dynamic = args.find((arg) => !arg.startsWith('-') && BUILT_AT_RUN_TIME.test(arg.split('=')[0]));
    if (dynamic !== undefined) return `sets a variable whose name is built at run time (\`${name} ${dynamic}\`)`;
    if (args.some((arg) => /^-[a-zA-Z]*n/.test(arg))) {
      const target = args.find((arg) => arg.includes('=') && BUILT_AT_RUN_TIME.test(arg.slice(arg.indexOf('=') + 1)));
      if (target !== undefined) return `makes a name reference to a variable named at run time (\`${target}\`)`;
    }
  }
  if (name === 'printf') {
    const index = args.findIndex((arg) => arg.startsWith('-v'));
    const target = index < 0 ? undefined : args[index].length > 2 ? args[index].slice(2) : args[index + 1];
    if (target !== undefined && BUILT_AT_RUN_TIME.test(target))
      return `sets a variable whose name is built at run time (\`printf -v ${target}\`)`;
  }
  if (
    (name === 'read' || name === 'mapfile' || name === 'readarray') &&
    args.some((arg) => !arg.startsWith('-') && BUILT_AT_RUN_TIME.test(arg))
  )
    return `reads into a variable whose name is built at run time (\`${name} ${args.join(' ')}\`)`;
  return undefined;
}

/** Every construct in one script command that a static reader cannot follow, in the order written. */
export function unreadableIn(text: string): Unreadable[] {
  if (!MAYBE.test(text)) return [];
  const found: Unreadable[] = [];
  const commands = parseShell(text);
  commands.forEach((command, index) => {
    const resolved = commandOf(command.words);
    if (!resolved) return;
    const what =
      runTimeText(command, resolved.name, resolved.args, commands[index - 1]) ??
      runTimeName(resolved.name, resolved.args);
    if (what && !found.some((f) => f.what === what)) found.push({ what });
  });
  return found;
}
