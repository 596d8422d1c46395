/**
 * The provider's side of the decision log (decision-store.ts reads it): one record per run, with a
 * single `set` into the `decision` custom entity, and no read.
 */
import type { DecisionSink } from './decision-record';
import { AUDIT_TTL_SECONDS, DECISION_ENTITY } from './entities';
import type { EntityStore } from './entity-store';

export interface DecisionWriterOptions {
  readonly random?: () => string;
}

const randomSuffix = () => Math.random().toString(36).slice(2, 10).padEnd(8, '0');

/** The entity key: time first, so that two runs never collide and a key says when it was written. */
export const decisionEntityKey = (at: number, random: string) => `${String(at).padStart(13, '0')}-${random}`;

export function createDecisionWriter(
  entities: Pick<EntityStore, 'set'>,
  options: DecisionWriterOptions = {},
): DecisionSink {
  const random = options.random ?? randomSuffix;
  return {
    async append(record) {
      await entities.set(
        DECISION_ENTITY,
        decisionEntityKey(record.at, random()),
        { ...record },
        { ttlSeconds: AUDIT_TTL_SECONDS },
      );
    },
  };
}
