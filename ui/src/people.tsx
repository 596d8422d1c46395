/**
 * People by name: account IDs go to the `displayNames` resolver function (Bitbucket's users
 * endpoint, asked as the user) in batches, and the answers are cached for the page's life. Until a
 * name arrives, or when Bitbucket cannot name someone, the ID is shown; the ID is always in the
 * tooltip.
 */
import { createContext, useContext, useEffect, useState } from 'react';
import type { Call } from './api';

type Listener = () => void;

export interface People {
  name(accountId: string): string | undefined;
  request(accountIds: readonly string[]): void;
  subscribe(listener: Listener): () => void;
}

export function createPeople(call: Call): People {
  const names = new Map<string, string | null>();
  const pending = new Set<string>();
  const listeners = new Set<Listener>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = async () => {
    timer = undefined;
    const batch = [...pending].slice(0, 100);
    batch.forEach((id) => pending.delete(id));
    if (batch.length === 0) return;
    const result = await call<{ names: Record<string, string> }>('displayNames', { accountIds: batch });
    for (const id of batch) names.set(id, result.ok ? (result.names[id] ?? null) : null);
    listeners.forEach((listener) => listener());
    if (pending.size) timer = setTimeout(flush, 0);
  };
  return {
    name: (id) => names.get(id) ?? undefined,
    request(ids) {
      for (const id of ids) if (id && !names.has(id)) pending.add(id);
      if (pending.size && !timer) timer = setTimeout(flush, 20);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const PeopleContext = createContext<People | undefined>(undefined);

/** Re-renders when names arrive. */
function usePeopleVersion(people: People | undefined) {
  const [, setVersion] = useState(0);
  useEffect(() => people?.subscribe(() => setVersion((v) => v + 1)), [people]);
}

export function usePersonName(accountId: string | undefined): string | undefined {
  const people = useContext(PeopleContext);
  usePeopleVersion(people);
  useEffect(() => {
    if (accountId) people?.request([accountId]);
  }, [people, accountId]);
  return accountId ? people?.name(accountId) : undefined;
}

export function Person({ accountId }: { accountId: string }) {
  const name = usePersonName(accountId);
  return (
    <span className="person" title={accountId} data-account-id={accountId}>
      {name ?? accountId}
    </span>
  );
}
