/**
 * The replay jobs' queue on Forge's async events (@forge/events): the manifest's `consumer` module
 * `pipeline-guard-replay-consumer` hands each event to `consumers.replay` (src/consumers.ts).
 */
import { Queue } from '@forge/events';
import { REPLAY_QUEUE_KEY, type ReplayQueue } from '../settings/replay-jobs';

/** Forge takes at most 50 events per push. */
const EVENTS_PER_PUSH = 50;

export function createForgeReplayQueue(): ReplayQueue {
  const queue = new Queue({ key: REPLAY_QUEUE_KEY });
  return {
    async push(events) {
      for (let start = 0; start < events.length; start += EVENTS_PER_PUSH)
        await queue.push(events.slice(start, start + EVENTS_PER_PUSH).map((event) => ({ body: { ...event } })));
    },
  };
}
