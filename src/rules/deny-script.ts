import { commandsOf, excerpt } from '../engine/script';
import { shellReading } from '../engine/shell-words';
import type { Transform } from '../engine/types';
import { setupLineCount } from './oidc-role';

/**
 * A backtracking regex can take time quadratic in the line it reads (`curl[^|]*\|…` on one long
 * line of "curl curl …" takes seconds per 100 KB), and the pipeline author writes the line. Real
 * files stay far below these bounds (the corpus's longest command is 1.3 KB, its largest file holds
 * 80 KB of text); beyond them a command is reported instead of scanned, so the run ends in time.
 */
export const MAX_CHECKED_COMMAND_LENGTH = 16 * 1024;
export const MAX_CHECKED_SCRIPT_LENGTH = 256 * 1024;

export const denyScript: Transform = {
  id: 'deny-script',
  description:
    "Blocks script and after-script commands that match one of the policy's denied patterns " +
    '(e.g. `curl … | sh`), as written or as the shell reads them.',
  apply(context) {
    const sources = context.policy.policy.deny.scripts;
    if (context.policy.modeOf('deny-script') === 'off' || sources.length === 0) return;
    const patterns = sources.map((source) => ({ source, regex: new RegExp(source, 'u') }));
    let budget = MAX_CHECKED_SCRIPT_LENGTH;
    for (const site of context.steps) {
      if (site.injected) continue;
      for (const command of commandsOf(site, setupLineCount(site))) {
        budget -= command.text.length;
        if (command.text.length > MAX_CHECKED_COMMAND_LENGTH || budget < 0) {
          const tooMuch =
            command.text.length > MAX_CHECKED_COMMAND_LENGTH
              ? `is ${command.text.length} characters long`
              : `brings the pipeline's scripts past ${MAX_CHECKED_SCRIPT_LENGTH} characters`;
          context.report({
            rule: 'deny-script',
            severity: 'medium',
            site,
            segments: command.segments,
            message:
              `a \`${command.key}\` command ${tooMuch}, ` +
              'more than Pipeline Guard can check against the denied patterns in time.',
            fix:
              'Move long scripts into a file in the repository and run that file; ' +
              `keep each command under ${MAX_CHECKED_COMMAND_LENGTH} characters.`,
          });
          if (budget < 0) return;
          continue;
        }
        // The raw text, and the command as the shell reads it: `c''url … | s\h` is `curl … | sh`.
        let reading: string | undefined;
        const readAsShell = () => (reading ??= shellReading(command.text));
        const hit = patterns.find(
          ({ regex }) => regex.test(command.text) || (readAsShell() !== command.text && regex.test(readAsShell())),
        );
        if (!hit) continue;
        context.report({
          rule: 'deny-script',
          severity: 'medium',
          site,
          segments: command.segments,
          message:
            `\`${command.key}\` line ${command.lineNumber} runs \`${excerpt(command.text)}\`` +
            (hit.regex.test(command.text) ? '' : `, which the shell reads as \`${excerpt(readAsShell())}\``) +
            `, which matches the denied pattern /${hit.source}/.`,
          fix:
            'Download the file, check its checksum or signature, then run it; ' +
            'or use a pinned image or pipe that already contains the tool.',
        });
      }
    }
  },
};
