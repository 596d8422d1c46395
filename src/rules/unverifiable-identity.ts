import { describeIdentity } from '../policy/identity';
import { requestsOidc } from '../engine/oidc-request';
import { commandsOf, excerpt } from '../engine/script';
import type { Transform } from '../engine/types';
import { unreadableIn } from '../engine/unreadable';
import { setupLineCount } from './oidc-role';

const WHY =
  'Pipeline Guard cannot read what it runs or sets, so it cannot verify that the step keeps its own cloud identity. ' +
  "What protects the account here is the cloud's trust policy " +
  '(docs/cloud-trust.md; `pipeline-guard trust-policy` generates it).';

export const unverifiableIdentity: Transform = {
  id: 'unverifiable-identity',
  description:
    'Reports commands in steps with a cloud identity that no static reader can follow ' +
    '(eval, source, pipes into a shell, variable names built at run time).',
  apply(context) {
    if (context.policy.modeOf('unverifiable-identity') === 'off') return;
    for (const site of context.steps) {
      const env = site.environment;
      if (!env?.oidc || site.injected || site.isChildPipeline || !requestsOidc(site.step, context.config)) continue;
      for (const command of commandsOf(site, setupLineCount(site))) {
        for (const { what } of unreadableIn(command.text))
          context.report({
            rule: 'unverifiable-identity',
            severity: 'medium',
            site,
            segments: command.segments,
            message:
              `runs in environment "${env.name}" with the ${describeIdentity(env.oidc)}, ` +
              `but \`${command.key}\` line ${command.lineNumber} ${what}: \`${excerpt(command.text)}\`. ${WHY}`,
            fix:
              'Write what it runs into the step itself if you can. ' +
              "Otherwise make sure every other environment's identity trusts only its own runners " +
              '(`pipeline-guard trust-policy`), and set `rules: { unverifiable-identity: off }` only once it does.',
          });
      }
    }
  },
};
