import type { Finding, RunRef } from './types';

/** Long enough for several violations, short enough for the pipeline result screen. */
export const MAX_MESSAGE_LENGTH = 3_000;

export function formatFinding(finding: Finding): string {
  const who = finding.step !== undefined ? `step "${finding.step}" at ${finding.path}` : finding.path;
  const message = /[.!?]$/.test(finding.message) ? finding.message : `${finding.message}.`;
  return `[${finding.rule}] ${who ? `${who}: ` : ''}${message} Fix: ${finding.fix}`;
}

/** The error message for a blocked run; every block, from a rule or from a fault, reads the same way. */
export function blockMessage(
  blocking: readonly Finding[],
  ref?: RunRef,
  policyLabel?: string,
  repository?: string,
): string {
  const head =
    `Pipeline Guard blocked this run${repository ? ` of ${repository}` : ''}` +
    `${ref ? ` for ${ref.description}` : ''}${policyLabel ? ` (${policyLabel})` : ''}: ` +
    `${blocking.length} violation${blocking.length === 1 ? '' : 's'}.`;
  const tail = (left: number) =>
    `\n…and ${left} more. Run \`npx pipeline-guard simulate\` on the file to see them all.`;
  let message = head;
  for (let i = 0; i < blocking.length; i++) {
    const line = `\n${i + 1}. ${formatFinding(blocking[i])}`;
    const left = blocking.length - i;
    if (message.length + line.length + (left > 1 ? tail(left).length : 0) > MAX_MESSAGE_LENGTH)
      return message + tail(left);
    message += line;
  }
  return message;
}
