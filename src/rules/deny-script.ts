import { commandsOf, excerpt } from '../engine/script';
import type { Transform } from '../engine/types';
import { setupLineCount } from './oidc-role';

export const denyScript: Transform = {
  id: 'deny-script',
  description: 'Blocks script and after-script commands that match one of the policy\'s denied patterns (e.g. `curl … | sh`).',
  apply(context) {
    const sources = context.policy.policy.deny.scripts;
    if (context.policy.modeOf('deny-script') === 'off' || sources.length === 0) return;
    const patterns = sources.map((source) => ({ source, regex: new RegExp(source, 'u') }));
    for (const site of context.steps) {
      if (site.injected) continue;
      for (const command of commandsOf(site, setupLineCount(site))) {
        const hit = patterns.find(({ regex }) => regex.test(command.text));
        if (!hit) continue;
        context.report({
          rule: 'deny-script',
          severity: 'medium',
          site,
          segments: command.segments,
          message: `\`${command.key}\` line ${command.index + 1} runs \`${excerpt(command.text)}\`, which matches the denied pattern /${hit.source}/.`,
          fix: 'Download the file, check its checksum or signature, then run it; or use a pinned image or pipe that already contains the tool.',
        });
      }
    }
  },
};
