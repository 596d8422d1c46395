/** The Grants tab's contract with its resolver functions (types only, so the UI bundle can import them). */
import type { Grant } from '../policy/grant-guard';
import type { ListedDecision } from '../storage/decision-query';

export type GrantStatus = 'active' | 'expired' | 'revoked';

export interface GrantRow {
  readonly grant: Grant;
  readonly status: GrantStatus;
  /** Milliseconds left at `now` for an active grant. */
  readonly msLeft?: number;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
  /**
   * The record runs read (`policy:current`) disagrees with this row: a revoked grant it still
   * carries (runs still use it), or an active one it does not carry yet (runs cannot use it).
   * The page offers to retry copying the grants (`syncGrants`).
   */
  readonly runsDisagree?: 'revoked-still-in-force' | 'active-not-in-force';
}

export interface GrantsView {
  readonly canEdit: boolean;
  /** The server's clock, so the page counts time left from the same instant the provider uses. */
  readonly now: string;
  readonly grants: GrantRow[];
  /** Present when the stored policy cannot carry grants (none saved, or damaged). */
  readonly notice?: string;
}

export interface GrantCreatedView {
  readonly grant: Grant;
}

export interface GrantRunsView {
  readonly id: string;
  readonly runs: ListedDecision[];
  /** True when older decision records were not searched. */
  readonly capped: boolean;
}
