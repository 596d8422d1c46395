import { compileGlob, NAME_GLOB } from '../primitives/glob';
import { withImplicitTag } from '../engine/image';
import { pipesOf } from '../engine/script';
import type { Transform } from '../engine/types';

export const denyPipe: Transform = {
  id: 'deny-pipe',
  description: 'Blocks pipes the policy denies (a pipe without a version counts as `:latest`).',
  apply(context) {
    const patterns = context.policy.policy.deny.pipes;
    if (context.policy.modeOf('deny-pipe') === 'off' || patterns.length === 0) return;
    const matchers = patterns.map((pattern) => ({ pattern, matches: compileGlob(pattern, NAME_GLOB) }));
    for (const site of context.steps) {
      if (site.injected) continue;
      for (const pipe of pipesOf(site)) {
        const reference = withImplicitTag(pipe.pipe.trim());
        const pattern = matchers.find(({ matches }) => matches(reference) || matches(pipe.pipe))?.pattern;
        if (!pattern) continue;
        context.report({
          rule: 'deny-pipe',
          severity: 'medium',
          site,
          segments: [...pipe.segments, 'pipe'],
          message: `uses pipe "${pipe.pipe}", which the workspace policy denies (pattern "${pattern}").`,
          fix:
            'Replace the pipe with an approved one, ' +
            'or ask a workspace admin why it is denied and what to use instead.',
        });
      }
    }
  },
};
