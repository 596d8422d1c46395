/** The ref a run is for, read from the request's target. */
import type { ProviderRequest } from './request';
import type { RunRef } from './types';

const BRANCH_REF_TYPES = new Set(['branch', 'named_branch']);
const TAG_REF_TYPES = new Set(['tag', 'annotated_tag']);

export function refOf(target: ProviderRequest['target']): RunRef {
  switch (target.type) {
    case 'pipeline_ref_target': {
      const name = target.ref_name;
      if (BRANCH_REF_TYPES.has(target.ref_type))
        return { kind: 'branch', name, targetType: 'ref', description: `branch ${name}` };
      if (TAG_REF_TYPES.has(target.ref_type))
        return { kind: 'tag', name, targetType: 'ref', description: `tag ${name}` };
      // An unknown ref kind is treated like a commit: no protected ref is proven.
      return { kind: 'none', targetType: 'ref', description: `${target.ref_type} ${name} (not a branch or tag)` };
    }
    case 'pipeline_pullrequest_target':
      return {
        kind: 'branch',
        name: target.source,
        destination: target.destination,
        targetType: 'pullrequest',
        description: `pull request ${target.source} → ${target.destination}`,
      };
    case 'pipeline_commit_target': {
      const hash = target.commit?.hash?.slice(0, 7);
      return { kind: 'none', targetType: 'commit', description: `commit ${hash ?? '(unknown)'} (no branch)` };
    }
  }
}
