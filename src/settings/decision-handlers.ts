/**
 * The decision log's resolver functions: the listing, its CSV export, the charts and the bypass
 * check. Admins see every repository; a member only the records of repositories they can read in
 * Bitbucket (src/settings/access.ts). A page of the listing may then hold fewer rows than asked,
 * with the cursor to the next one as usual.
 */
import * as z from 'zod';
import { handler, refuse } from './resolver-handler';
import type { BypassView, CsvView, DecisionStatsView, DecisionsView } from './api';
import type { CallerAccess, ReadableRepositories } from './access';
import { decisionsCsv, decisionsCsvHeader } from './csv';
import { NoParameters, parsePayload } from './payloads';
import { validatePolicy } from '../policy/load';
import { checkBypasses, protectedEnvironmentNames } from '../storage/bypass';
import { BadCursorError, type createDecisionQuery } from '../storage/decision-query';
import { DECISION_OUTCOMES } from '../storage/decision-guard';
import { isFullName, isUuid, type DecisionFilter } from '../storage/decision-store';
import type { EntityStore } from '../storage/entity-store';
import type { KeyValueStore } from '../storage/kv';
import type { PolicyRepository } from '../storage/policy-repo';
import { readStats, statsView } from '../storage/rollup';

/** Decision-log rows a page of the listing aims for; CSV export asks for larger pages until the end. */
const LISTED_DECISIONS = 50;
const EXPORTED_DECISIONS_PER_CALL = 2_000;
const TOP_BLOCKING_REPOSITORIES = 10;

const DecisionsPayload = z.strictObject({
  outcome: z.enum(DECISION_OUTCOMES).optional(),
  repository: z.string().max(300).optional(),
  project: z.string().max(80).optional(),
  rule: z.string().max(60).optional(),
  environment: z.string().max(60).optional(),
  grant: z.string().max(80).optional(),
  /** `YYYY-MM-DD` (the whole UTC day) or an ISO 8601 time. */
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  cursor: z.string().max(4_000).optional(),
});
const BypassesPayload = z.strictObject({ cursor: z.string().max(4_000).optional() });

type DecisionsInput = Omit<z.output<typeof DecisionsPayload>, 'cursor'>;

/** A date alone means the whole UTC day: `from` its first millisecond, `to` its last. */
function timeBound(value: string | undefined, side: 'from' | 'to'): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const at = Date.parse(dateOnly ? `${text}T00:00:00.000Z` : text);
  if (Number.isNaN(at))
    return refuse({
      code: 'invalid-request',
      message:
        `The request is not valid: ${side}: "${text.slice(0, 40)}" is not a date (YYYY-MM-DD) or an ISO ` + `8601 time`,
    });
  return dateOnly && side === 'to' ? at + 86_400_000 - 1 : at;
}

export interface DecisionHandlerDependencies {
  readonly kv: KeyValueStore;
  readonly entities: EntityStore;
  readonly decisionQuery: ReturnType<typeof createDecisionQuery>;
  readonly repo: PolicyRepository;
  readonly access: CallerAccess;
  readonly now: () => Date;
}

type DecisionQuery = ReturnType<typeof createDecisionQuery>;

/** A filter naming exactly one repository (a full name or a `{uuid}`) that the member cannot read. */
function namesUnreadable(readable: ReadableRepositories, repository: string | undefined): boolean {
  const named = repository?.trim();
  if (!named || !(isFullName(named) || isUuid(named))) return false;
  return !readable.includes({ uuid: named, name: named });
}

/** One page of matching records, of the repositories the caller can read. */
async function listReadable(
  query: DecisionQuery,
  readable: ReadableRepositories,
  input: DecisionsInput,
  cursor: string | undefined,
  pageSize: number,
): Promise<DecisionsView> {
  const filter: DecisionFilter = { ...input, from: timeBound(input.from, 'from'), to: timeBound(input.to, 'to') };
  // A member who names one repository they cannot read gets nothing, not even a cursor: whether there is one would
  // tell them how many of its runs were logged.
  if (!readable.all && namesUnreadable(readable, input.repository)) return { records: [], scanned: 0, damaged: 0 };
  let page: DecisionsView;
  try {
    page = await query.list(filter, { cursor, pageSize });
  } catch (error) {
    if (error instanceof BadCursorError) return refuse({ code: 'invalid-request', message: error.message });
    throw error;
  }
  if (readable.all) return page;
  return { ...page, records: page.records.filter((record) => readable.includes({ uuid: record.repositoryUuid })) };
}

/** The charts: counts stay workspace-wide; a member sees only readable repositories among the top blocking ones. */
async function statsFor(kv: KeyValueStore, readable: ReadableRepositories, now: Date): Promise<DecisionStatsView> {
  if (readable.all) return statsView(await readStats(kv), now, TOP_BLOCKING_REPOSITORIES);
  const view = statsView(await readStats(kv), now, Number.POSITIVE_INFINITY);
  const top = view.topBlockingRepositories.filter(({ name }) => readable.includes({ name }));
  return {
    ...view,
    topBlockingRules: view.topBlockingRules.slice(0, TOP_BLOCKING_REPOSITORIES),
    topBlockingRepositories: top.slice(0, TOP_BLOCKING_REPOSITORIES),
  };
}

export function createDecisionHandlers({
  kv,
  entities,
  decisionQuery,
  repo,
  access,
  now,
}: DecisionHandlerDependencies) {
  const listDecisions = (
    readable: ReadableRepositories,
    input: DecisionsInput,
    cursor: string | undefined,
    size: number,
  ) => listReadable(decisionQuery, readable, input, cursor, size);

  return {
    decisions: handler<DecisionsView>(async (identity, payload) => {
      const { cursor, ...input } = parsePayload(DecisionsPayload, payload);
      return listDecisions(await access.readableRepositories(identity), input, cursor, LISTED_DECISIONS);
    }),

    exportDecisions: handler<CsvView>(async (identity, payload) => {
      // One call answers a large page; the page calls again with the cursor until there is none,
      // so the file holds every matching record however many there are.
      const { cursor, ...input } = parsePayload(DecisionsPayload, payload);
      const page = await listDecisions(
        await access.readableRepositories(identity),
        input,
        cursor,
        EXPORTED_DECISIONS_PER_CALL,
      );
      const rows = decisionsCsv(page.records);
      const filename = `pipeline-guard-decisions-${now().toISOString().slice(0, 10)}.csv`;
      return {
        filename,
        csv: cursor === undefined ? decisionsCsvHeader() + rows : rows,
        rows: page.records.length,
        ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
      };
    }),

    decisionStats: handler<DecisionStatsView>(async (identity, payload) => {
      parsePayload(NoParameters, payload);
      return statsFor(kv, await access.readableRepositories(identity), now());
    }),

    bypasses: handler<BypassView>(async (identity, payload) => {
      const { cursor } = parsePayload(BypassesPayload, payload);
      const readable = await access.readableRepositories(identity);
      // Which environments guard production comes from the saved policy; without one, any environment counts.
      const current = await repo.current();
      const saved = current.state === 'ok' ? validatePolicy(current.record.policy) : undefined;
      const protectedEnvironments = saved?.ok
        ? { protectedEnvironments: protectedEnvironmentNames(saved.policy.environments) }
        : {};
      const report = await checkBypasses(entities, { cursor, legacy: kv, ...protectedEnvironments });
      return readable.all
        ? report
        : {
            ...report,
            findings: report.findings.filter((finding) =>
              readable.includes({ uuid: finding.deployment.repositoryUuid }),
            ),
          };
    }),
  };
}
