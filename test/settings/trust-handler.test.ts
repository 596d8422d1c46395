import { readFileSync } from 'fs';
import path from 'path';
import { createHandlers } from '../../src/settings/handlers';
import type { TrustPolicyView } from '../../src/settings/api';
import { createMemoryKv } from '../../src/storage/memory-kv';

const ADMIN = {
  workspaceId: '{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}',
  accountId: 'admin-1',
  extension: { type: 'bitbucket:workspaceSettingsMenuPage' },
};
const POLICY = readFileSync(path.resolve(__dirname, '../../fixtures/cli/policies/gcp-vault.yaml'), 'utf8');

function setup() {
  const kv = createMemoryKv();
  return createHandlers({ kv, adminCheck: async () => true, now: () => new Date('2026-11-25T10:00:00.000Z') });
}

describe('trustPolicies for GCP and Vault environments', () => {
  it("returns each environment's artifact, identity and ready-to-paste text, for the draft in the editor", async () => {
    const handlers = setup();
    const result = await handlers.trustPolicies(ADMIN, {
      workspaceSlug: 'acme',
      repositoryUuids: ['{2fc883c6-3dee-4e73-a354-ccee4bd77938}'],
      deploymentEnvironmentUuids: ['{9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}'],
      policyText: POLICY,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const [prod, dev] = result.policies as TrustPolicyView[];
    expect(prod).toMatchObject({
      environment: 'prod',
      provider: 'gcp',
      identity: 'deployer@acme-prod.iam.gserviceaccount.com',
      warnings: expect.any(Array),
    });
    expect(prod.text).toContain(
      "--attribute-condition='assertion.workspaceUuid == '\\''{6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7}'\\''",
    );
    expect(prod.trustPolicy).toBeUndefined();
    expect(dev).toMatchObject({ environment: 'dev', provider: 'vault', identity: 'dev-deploy (auth/jwt)' });
    expect(dev.text).toContain('"deploymentEnvironmentUuid": [\n      "{9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}"');
  });

  it('refuses a malformed deployment environment UUID once, for the whole request', async () => {
    const result = await setup().trustPolicies(ADMIN, {
      workspaceSlug: 'acme',
      deploymentEnvironmentUuids: ['prod'],
      policyText: POLICY,
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid-request',
        message: 'deployment environment UUID "prod" is not a UUID such as {308ce669-576d-4fa7-b4d4-15e8171f0c8c}',
      },
    });
  });
});
