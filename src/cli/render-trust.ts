/** The text of `pipeline-guard trust-check`: the verdict first, then each finding with where it is and what to do. */
import { providerLabel } from '../trust/artifacts';
import { CHECKED_DIMENSIONS, type TrustCheckResult, type TrustFinding } from '../trust/check';
import type { Palette } from './render';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function renderFinding(item: TrustFinding, style: Palette): string[] {
  const label = { weaker: style.red('weaker  '), stronger: style.green('stronger'), note: style.dim('note    ') }[
    item.verdict
  ];
  return [
    `${label}  ${style.bold(item.dimension)}  ${item.where}`,
    `          ${item.message}`,
    ...(item.fix ? [`          Fix: ${item.fix}`] : []),
  ];
}

export function renderTrustCheck(result: TrustCheckResult, style: Palette): string {
  const weaker = result.findings.filter((f) => f.verdict === 'weaker').length;
  const stronger = result.findings.filter((f) => f.verdict === 'stronger').length;
  const heading =
    `${result.environment}: ${providerLabel(result.provider)} ${result.identity}, ` +
    `deployed as in ${result.inputs.map((i) => i.label).join(' and ')}`;
  const verdict =
    result.verdict === 'weaker'
      ? style.red(`WEAKER than Pipeline Guard generates: ${plural(weaker, 'condition')} missing or weaker.`)
      : style.green(
          `At least as strict as Pipeline Guard ` +
            `generates${stronger ? ` (${plural(stronger, 'condition')} stricter)` : ''}.`,
        );
  const lines = [heading, verdict];
  if (result.findings.length) lines.push('', ...result.findings.flatMap((item) => renderFinding(item, style)));
  lines.push('', style.dim(`Compared: ${CHECKED_DIMENSIONS[result.provider].join(', ')}.`));
  return `${lines.join('\n')}\n`;
}
