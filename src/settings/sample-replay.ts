/**
 * The replay a policy repository's commit goes through before it becomes the active revision: the
 * draft against the run samples of the last 30 days, in the push trigger itself. The trigger has about
 * 25 s, so it replays at most the newest MAX_SAMPLES samples (about 1.7 ms each, both policies) and
 * says so when it leaves samples out; the page's background replay covers any number.
 */
import type { ReplayDraft } from './policy-sync';
import { validatePolicy } from '../policy/load';
import type { Policy } from '../policy/schema';
import { replayDraft } from '../simulate/replay';
import type { KeyValueStore } from '../storage/kv';
import { createPolicyRepository } from '../storage/policy-repo';
import { readSamples } from '../storage/sample-store';

export const MAX_SAMPLES = 5_000;
const DAYS = 30;

async function enforcedPolicy(kv: KeyValueStore): Promise<Policy | undefined> {
  const current = await createPolicyRepository(kv).current();
  if (current.state !== 'ok') return undefined;
  const result = validatePolicy(current.record.policy);
  return result.ok ? result.policy : undefined;
}

export function createSampleReplay(kv: KeyValueStore, now: () => Date = () => new Date()): ReplayDraft {
  return async (draft) => {
    const [{ samples }, current] = await Promise.all([readSamples(kv, { days: DAYS, now: now() }), enforcedPolicy(kv)]);
    const newest = [...samples].sort((a, b) => b.at - a.at).slice(0, MAX_SAMPLES);
    const summary = replayDraft({ samples: newest, current, draft });
    const { runs, newlyBlocked, newlyAllowed } = summary.totals;
    const repositories = summary.byRepository
      .filter((entry) => entry.newlyBlocked > 0)
      .map((entry) => entry.repository);
    const where = repositories.length
      ? ` in ${repositories.slice(0, 5).join(', ')}${repositories.length > 5 ? ' and others' : ''}`
      : '';
    const leftOut = samples.length > newest.length ? ` (the newest ${newest.length} of ${samples.length} samples)` : '';
    return {
      newlyBlocked,
      summary:
        `Replayed ${runs} runs of the last ${DAYS} days${leftOut}: ${newlyBlocked} newly blocked${where}, ` +
        `${newlyAllowed} newly allowed.`,
    };
  };
}
