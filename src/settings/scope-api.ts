/** The scope actions' answers (see scope-handlers.ts). Types only, so the UI bundle can import them. */
import type { RepositoryIdentity } from '../policy/repository';
import type { BitbucketProject, BitbucketRepository } from './bitbucket-rest';
import type { RunnerInventory } from './runner-inventory';

export interface ProjectsView {
  readonly projects: BitbucketProject[];
  /** The workspace has more than the page lists. */
  readonly truncated: boolean;
}

export interface RepositoriesView {
  readonly repositories: BitbucketRepository[];
  readonly truncated: boolean;
}

export interface RunnerInventoryView {
  readonly inventory: RunnerInventory;
  readonly truncated: boolean;
  /** Which policy the inventory was computed for. */
  readonly policySource: string;
}

export interface RefreshedRepositoryView {
  readonly repository: RepositoryIdentity;
}
