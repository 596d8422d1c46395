/** The issue's example grant (INC-4711 for payments-api on incident/* into prod), shared by the grant tests. */
import type { Grant } from '../../src/policy/grant-guard';
import type { PolicyRepository } from '../../src/storage/policy-repo';
import { referencePolicyInput } from './requests';

/** The example grant as the page's form sends it: the server adds who granted it and when. */
export const INCIDENT_GRANT_FORM = {
  id: 'INC-4711',
  reason: 'Payment outage, hotfix cannot wait for the release branch',
  repository: 'payments-api',
  refs: ['incident/*'],
  environments: ['prod'],
  rules: ['branch-gate'],
  expires: '2026-12-02T12:00:00.000Z',
} satisfies Omit<Grant, 'grantedBy' | 'grantedAt'>;

export const INCIDENT_GRANT: Grant = {
  ...INCIDENT_GRANT_FORM,
  expires: '2026-12-02T12:00:00Z',
  grantedBy: '{5d1c0000-0000-4000-8000-000000000001}',
  grantedAt: '2026-12-02T09:00:00Z',
};

/** The example grant under another id and expiry, granted by admin-1: for a store that holds several. */
export const incidentGrant = (id: string, expires: string, grantedAt = '2026-12-02T09:00:00.000Z'): Grant => ({
  ...INCIDENT_GRANT_FORM,
  id,
  expires,
  grantedBy: 'admin-1',
  grantedAt,
});

/** Saves the reference policy as admin-1, so that grants have a policy record to ride in. */
export const commitReferencePolicy = (policies: PolicyRepository, expectedRevision = 0) =>
  policies.commit({
    expectedRevision,
    policy: referencePolicyInput(),
    savedAt: 'x',
    savedBy: 'admin-1',
    action: 'save',
  });
