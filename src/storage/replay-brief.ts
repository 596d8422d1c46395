/**
 * What a save records about its replay, with the revision (policy-repo.ts): counts and the
 * repositories it newly blocks, small enough to travel in `policy:current` without weighing on the
 * provider's one read. The full result stays with the replay (src/settings/replay-jobs.ts).
 */
import * as z from 'zod';

export const ReplayBriefSchema = z.strictObject({
  /** The replay result's key: the same draft against the same samples gives the same key. */
  key: z.string().max(64),
  days: z.number().int().min(1).max(90),
  finishedAt: z.string().max(40),
  samples: z.number().int().min(0),
  newlyBlocked: z.number().int().min(0),
  newlyAllowed: z.number().int().min(0),
  changedSteps: z.number().int().min(0),
  newWarnings: z.number().int().min(0),
  /** Up to 10 repositories with newly blocked runs. */
  repositories: z.array(z.string().max(200)).max(10),
  /** Present when the draft newly blocks runs: the admin confirmed it. */
  confirmed: z.boolean().optional(),
});

export type ReplayBrief = z.output<typeof ReplayBriefSchema>;
