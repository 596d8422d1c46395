/**
 * Each environment's trust artifact (AWS IAM trust policy, GCP workload identity provider, Vault JWT
 * role), from the same generator as the CLI, and the check of what is deployed against it: the JSON
 * the cloud's CLI printed, pasted or uploaded, compared by the `trustCheck` resolver function.
 */
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '../section-message';
import { useEffect, useState } from 'react';
import type { ApiError, TrustPolicyView } from '../../../src/settings/api';
import type { Call } from '../api';
import { useBitbucketListings } from '../bitbucket';
import { copyText } from '../download';
import { FreeTextField } from '../free-text-field';
import { DeployedCheck, type TrustRequest } from './TrustCheck';

const PROVIDER_LABEL = {
  aws: 'AWS IAM role',
  gcp: 'GCP workload identity federation',
  vault: 'HashiCorp Vault JWT auth',
} as const;
/** What the Copy button copies, per provider, for its accessible name. */
const COPY_WHAT = { aws: 'trust policy', gcp: 'gcloud commands', vault: 'vault commands' } as const;

const uuidList = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);

/** The workspace slug from the repository listing the page loads anyway ("acme/website" → "acme"). */
function useKnownWorkspaceSlug(): string | undefined {
  const { repositories } = useBitbucketListings();
  const fullName = repositories.items?.find((repository) => repository.fullName.includes('/'))?.fullName;
  return fullName?.split('/')[0];
}

function TrustCard({ view, request }: { view: TrustPolicyView; request: TrustRequest }) {
  const [copied, setCopied] = useState(false);
  const text = view.text ?? '';
  const what = view.provider ? COPY_WHAT[view.provider] : 'trust policy';
  return (
    <section className="card" aria-labelledby={`trust-${view.environment}`} data-provider={view.provider}>
      <div className="card-header">
        <Heading size="small" as="h3" id={`trust-${view.environment}`}>
          {view.environment}
          {view.provider ? <span className="hint"> · {PROVIDER_LABEL[view.provider]}</span> : null}
          {view.identity ? <span className="hint"> · {view.identity}</span> : null}
        </Heading>
        {text ? (
          <Button
            onClick={async () => setCopied(await copyText(text))}
            aria-label={`Copy the ${view.environment} ${what}`}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
        ) : null}
      </div>
      {view.error ? <p>{view.error}</p> : null}
      {view.warnings.length ? (
        <SectionMessage appearance="warning" title="Check before you use it">
          <ul>
            {view.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </SectionMessage>
      ) : null}
      {text ? (
        <pre className="code" aria-label={`${view.environment} ${what}`} tabIndex={0}>
          {text}
        </pre>
      ) : null}
      {view.provider ? (
        <DeployedCheck environment={view.environment} provider={view.provider} request={request} />
      ) : null}
    </section>
  );
}

export function TrustTab({ call, draft, draftUsable }: { call: Call; draft: unknown; draftUsable: boolean }) {
  const knownSlug = useKnownWorkspaceSlug();
  const [slug, setSlug] = useState<string>();
  const [repositories, setRepositories] = useState('');
  const [deployments, setDeployments] = useState('');
  const [result, setResult] = useState<{ policies: TrustPolicyView[]; source: string; request: TrustRequest }>();
  const [error, setError] = useState<ApiError>();
  // The slug the page knows fills the field until the admin types their own.
  useEffect(() => setSlug((current) => current ?? knownSlug), [knownSlug]);

  const generate = async () => {
    const repositoryUuids = uuidList(repositories);
    const deploymentEnvironmentUuids = uuidList(deployments);
    const request: TrustRequest = {
      call,
      workspaceSlug: slug ?? '',
      ...(repositoryUuids.length ? { repositoryUuids } : {}),
      ...(deploymentEnvironmentUuids.length ? { deploymentEnvironmentUuids } : {}),
      ...(draftUsable ? { policy: draft } : {}),
    };
    const { call: _, ...payload } = request;
    const answer = await call<{ policies: TrustPolicyView[]; policySource: string }>('trustPolicies', payload);
    // One error for the whole request, shown once above the cards; stale cards would contradict it.
    setResult(answer.ok ? { policies: answer.policies, source: answer.policySource, request } : undefined);
    setError(answer.ok ? undefined : answer.error);
  };

  return (
    <div className="stack">
      <p className="lead">
        Give each environment’s cloud what it needs to trust only that environment’s steps: the IAM trust policy of an
        AWS role, the workload identity provider and binding of a GCP service account, or the JWT role of a Vault
        server. Each admits only this workspace’s OIDC tokens, for the environment’s branches, repositories and runner
        network as far as the cloud can check them. Then check that what is deployed is still as strict.
      </p>
      <div className="grid">
        <FreeTextField
          id="trust-slug"
          label="Workspace slug"
          value={slug ?? ''}
          placeholder="your workspace"
          help="The “acme” in https://bitbucket.org/acme/."
          onChange={setSlug}
        />
        <FreeTextField
          id="trust-repo"
          label="Repository UUIDs (optional)"
          value={repositories}
          placeholder="{…}"
          help="Restricts each identity to these repositories; separate several with commas."
          onChange={setRepositories}
        />
        <FreeTextField
          id="trust-deployment"
          label="Deployment environment UUIDs (optional)"
          value={deployments}
          placeholder="{…}"
          help="Restricts each identity to deployment steps of these Bitbucket deployment environments."
          onChange={setDeployments}
        />
      </div>
      <div>
        <Button appearance="primary" onClick={generate} isDisabled={!slug?.trim()}>
          Generate trust policies
        </Button>
      </div>
      {error ? (
        <SectionMessage appearance="error" title="Could not generate">
          <p>{error.message}</p>
        </SectionMessage>
      ) : null}
      {result ? <p className="hint">From {result.source}.</p> : null}
      {result?.policies.map((view) => (
        <TrustCard key={view.environment} view={view} request={result.request} />
      ))}
    </div>
  );
}
