/**
 * The repository a run is for, as Bitbucket names it. The provider request carries only the UUID;
 * the provider resolves the rest (slug, full name, project key) when a scoped policy or a grant needs it.
 */
export interface RepositoryIdentity {
  /** `{…}` form, as in the provider request. */
  readonly uuid: string;
  /** e.g. `payments-api`. */
  readonly slug: string;
  /** e.g. `acme/payments-api`. */
  readonly fullName: string;
  /** Bitbucket project key, e.g. `PAY`; absent when Bitbucket did not say. */
  readonly projectKey?: string;
}
