/**
 * The workspace's projects and repositories, fetched once (as the user at the page) when a scope
 * picker or the repository view first needs them, and shared by every picker on the page.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { BitbucketProject, BitbucketRepository } from '../../src/settings/bitbucket-rest';
import type { ProjectsView, RepositoriesView } from '../../src/settings/scope-api';
import type { Call } from './api';

export interface Loadable<T> {
  readonly items?: T[];
  readonly truncated?: boolean;
  readonly error?: string;
  readonly loading: boolean;
}

interface Listings {
  readonly projects: Loadable<BitbucketProject>;
  readonly repositories: Loadable<BitbucketRepository>;
  /** Starts both fetches if they have not started yet. */
  want(): void;
  reload(): void;
}

const ListingsContext = createContext<Listings | undefined>(undefined);

const IDLE = { loading: false } as const;

export function BitbucketListingsProvider({ call, children }: { call: Call; children: ReactNode }) {
  const [projects, setProjects] = useState<Loadable<BitbucketProject>>(IDLE);
  const [repositories, setRepositories] = useState<Loadable<BitbucketRepository>>(IDLE);
  const started = useRef(false);

  const reload = useCallback(() => {
    started.current = true;
    setProjects({ loading: true });
    setRepositories({ loading: true });
    void call<ProjectsView>('bitbucketProjects').then((result) =>
      setProjects(
        result.ok
          ? { items: result.projects, truncated: result.truncated, loading: false }
          : { error: result.error.message, loading: false },
      ),
    );
    void call<RepositoriesView>('bitbucketRepositories').then((result) =>
      setRepositories(
        result.ok
          ? { items: result.repositories, truncated: result.truncated, loading: false }
          : { error: result.error.message, loading: false },
      ),
    );
  }, [call]);

  const want = useCallback(() => {
    if (!started.current) reload();
  }, [reload]);

  const value = useMemo(() => ({ projects, repositories, want, reload }), [projects, repositories, want, reload]);
  return <ListingsContext.Provider value={value}>{children}</ListingsContext.Provider>;
}

/** The listings, fetched on first use. Outside the provider (never on this page) they stay empty. */
export function useBitbucketListings(): Listings {
  const listings = useContext(ListingsContext);
  useEffect(() => listings?.want(), [listings]);
  return listings ?? { projects: IDLE, repositories: IDLE, want: () => undefined, reload: () => undefined };
}
