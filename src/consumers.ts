/**
 * Forge entry point of the replay consumer (manifest: `consumer` pipeline-guard-replay-consumer ->
 * function replay-fn -> `consumers.replay`). Wiring only: src/settings/replay-jobs.ts runs the job.
 */
import { createKvsStore } from './forge/kvs-store';
import { createForgeReplayQueue } from './forge/replay-queue';
import { createReplayJobs } from './settings/replay-jobs';

const jobs = createReplayJobs({ kv: createKvsStore(), queue: createForgeReplayQueue() });

/** Forge calls this with the async event; its body is the replay event. */
export const replay = async (event: { body?: unknown }): Promise<void> => jobs.handle(event?.body);
