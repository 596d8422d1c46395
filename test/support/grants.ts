/** The issue's example grant (INC-4711 for payments-api on incident/* into prod), shared by the grant tests. */
import type { Grant } from '../../src/policy/grant-guard';

export const INCIDENT_GRANT: Grant = {
  id: 'INC-4711',
  reason: 'Payment outage, hotfix cannot wait for the release branch',
  repository: 'payments-api',
  refs: ['incident/*'],
  environments: ['prod'],
  rules: ['branch-gate'],
  expires: '2026-12-02T12:00:00Z',
  grantedBy: '{5d1c0000-0000-4000-8000-000000000001}',
  grantedAt: '2026-12-02T09:00:00Z',
};
