/** What started a run (provider contract §4). Apart from the zod schema so that the engine's hot path needs no zod. */
export const TRIGGERS = ['definitions', 'push', 'manual', 'schedule', 'parent_step'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const isRunTrigger = (trigger: Trigger): boolean => trigger !== 'definitions';
