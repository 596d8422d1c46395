/** Reading a prefix to the end, for the settings functions: the provider never lists, and its bundle would carry it. */
import { MAX_PAGE_SIZE, type KvEntry, type KeyValueStore } from './kv';

/** The entries under `prefix`, page by page, up to `cap` of them; `capped` says whether more were left. */
export async function listAll(
  kv: KeyValueStore,
  prefix: string,
  cap = Number.POSITIVE_INFINITY,
): Promise<{ entries: KvEntry[]; capped: boolean }> {
  const entries: KvEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list(prefix, { limit: Math.min(MAX_PAGE_SIZE, cap - entries.length), cursor });
    entries.push(...page.entries);
    cursor = page.cursor;
  } while (cursor !== undefined && entries.length < cap);
  return { entries, capped: cursor !== undefined };
}
