/** Each environment's trust artifact (AWS IAM trust policy, GCP workload identity provider, Vault JWT role), from the same generator as the CLI. */
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { useState } from 'react';
import type { ApiError, TrustPolicyView } from '../../../src/settings/api';
import type { Call } from '../api';
import { copyText } from '../download';

const PROVIDER_LABEL = { aws: 'AWS IAM role', gcp: 'GCP workload identity federation', vault: 'HashiCorp Vault JWT auth' } as const;
/** What the Copy button copies, per provider, for its accessible name. */
const COPY_WHAT = { aws: 'trust policy', gcp: 'gcloud commands', vault: 'vault commands' } as const;

const uuidList = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);

export function TrustTab({ call, draft, draftUsable }: { call: Call; draft: unknown; draftUsable: boolean }) {
  const [slug, setSlug] = useState('');
  const [repositories, setRepositories] = useState('');
  const [deployments, setDeployments] = useState('');
  const [policies, setPolicies] = useState<TrustPolicyView[]>();
  const [source, setSource] = useState('');
  const [error, setError] = useState<ApiError>();
  const [copied, setCopied] = useState<string>();

  const generate = async () => {
    const repositoryUuids = uuidList(repositories);
    const deploymentEnvironmentUuids = uuidList(deployments);
    const result = await call<{ policies: TrustPolicyView[]; policySource: string }>('trustPolicies', {
      workspaceSlug: slug,
      ...(repositoryUuids.length ? { repositoryUuids } : {}),
      ...(deploymentEnvironmentUuids.length ? { deploymentEnvironmentUuids } : {}),
      ...(draftUsable ? { policy: draft } : {}),
    });
    if (result.ok) {
      setPolicies(result.policies);
      setSource(result.policySource);
      setError(undefined);
    } else {
      // One error for the whole request, shown once above the cards; stale cards would contradict it.
      setPolicies(undefined);
      setError(result.error);
    }
  };

  return (
    <div className="stack">
      <p className="lead">
        Give each environment’s cloud what it needs to trust only that environment’s steps: the IAM trust policy of an AWS role, the workload identity provider and binding of a GCP service account,
        or the JWT role of a Vault server. Each admits only this workspace’s OIDC tokens, for the environment’s branches, repositories and runner network as far as the cloud can check them.
      </p>
      <div className="grid">
        <div className="field">
          <label className="field-label" htmlFor="trust-slug">
            Workspace slug
          </label>
          <Textfield id="trust-slug" value={slug} placeholder="acme" aria-describedby="trust-slug-help" onChange={(e) => setSlug((e.target as HTMLInputElement).value)} />
          <div className="field-help" id="trust-slug-help">
            The “acme” in https://bitbucket.org/acme/.
          </div>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="trust-repo">
            Repository UUIDs (optional)
          </label>
          <Textfield id="trust-repo" value={repositories} placeholder="{2fc883c6-3dee-4e73-a354-ccee4bd77938}" aria-describedby="trust-repo-help" onChange={(e) => setRepositories((e.target as HTMLInputElement).value)} />
          <div className="field-help" id="trust-repo-help">
            Restricts each identity to these repositories; separate several with commas.
          </div>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="trust-deployment">
            Deployment environment UUIDs (optional)
          </label>
          <Textfield id="trust-deployment" value={deployments} placeholder="{9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}" aria-describedby="trust-deployment-help" onChange={(e) => setDeployments((e.target as HTMLInputElement).value)} />
          <div className="field-help" id="trust-deployment-help">
            Restricts each identity to deployment steps of these Bitbucket deployment environments.
          </div>
        </div>
      </div>
      <div>
        <Button appearance="primary" onClick={generate} isDisabled={!slug.trim()}>
          Generate trust policies
        </Button>
      </div>
      {error ? (
        <SectionMessage appearance="error" title="Could not generate">
          <p>{error.message}</p>
        </SectionMessage>
      ) : null}
      {policies ? <p className="hint">From {source}.</p> : null}
      {policies?.map((p) => {
        const text = p.text ?? '';
        const what = p.provider ? COPY_WHAT[p.provider] : 'trust policy';
        return (
          <section key={p.environment} className="card" aria-labelledby={`trust-${p.environment}`} data-provider={p.provider}>
            <div className="card-header">
              <Heading size="small" as="h3" id={`trust-${p.environment}`}>
                {p.environment}
                {p.provider ? <span className="hint"> · {PROVIDER_LABEL[p.provider]}</span> : null}
                {p.identity ? <span className="hint"> · {p.identity}</span> : null}
              </Heading>
              {text ? (
                <Button
                  onClick={async () => {
                    if (await copyText(text)) setCopied(p.environment);
                  }}
                  aria-label={`Copy the ${p.environment} ${what}`}
                >
                  {copied === p.environment ? 'Copied' : 'Copy'}
                </Button>
              ) : null}
            </div>
            {p.error ? <p>{p.error}</p> : null}
            {p.warnings.length ? (
              <SectionMessage appearance="warning" title="Check before you use it">
                <ul>
                  {p.warnings.map((w, i) => (
                    <li key={i}>{w}</li>
                  ))}
                </ul>
              </SectionMessage>
            ) : null}
            {text ? (
              <pre className="code" aria-label={`${p.environment} ${what}`} tabIndex={0}>
                {text}
              </pre>
            ) : null}
          </section>
        );
      })}
    </div>
  );
}
