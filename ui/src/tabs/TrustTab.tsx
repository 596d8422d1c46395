/** The IAM trust policy for each environment's role, from the same generator as the CLI. */
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { useState } from 'react';
import type { ApiError, TrustPolicyView } from '../../../src/settings/api';
import type { Call } from '../api';
import { copyText } from '../download';

export function TrustTab({ call, draft, draftUsable }: { call: Call; draft: unknown; draftUsable: boolean }) {
  const [slug, setSlug] = useState('');
  const [repository, setRepository] = useState('');
  const [policies, setPolicies] = useState<TrustPolicyView[]>();
  const [source, setSource] = useState('');
  const [error, setError] = useState<ApiError>();
  const [copied, setCopied] = useState<string>();

  const generate = async () => {
    const result = await call<{ policies: TrustPolicyView[]; policySource: string }>('trustPolicies', { workspaceSlug: slug, ...(repository.trim() ? { repositoryUuid: repository.trim() } : {}), ...(draftUsable ? { policy: draft } : {}) });
    if (result.ok) {
      setPolicies(result.policies);
      setSource(result.policySource);
      setError(undefined);
    } else setError(result.error);
  };

  return (
    <div className="stack">
      <p className="lead">
        Attach each trust policy to its environment’s IAM role. It lets only this workspace’s OIDC tokens assume the role, and only from that environment’s runner network, so a DEV runner
        cannot assume the PROD role.
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
            Repository UUID (optional)
          </label>
          <Textfield id="trust-repo" value={repository} placeholder="{2fc883c6-3dee-4e73-a354-ccee4bd77938}" aria-describedby="trust-repo-help" onChange={(e) => setRepository((e.target as HTMLInputElement).value)} />
          <div className="field-help" id="trust-repo-help">
            Restricts the role to one repository.
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
        const json = p.trustPolicy ? JSON.stringify(p.trustPolicy, null, 2) : '';
        return (
          <section key={p.environment} className="card" aria-labelledby={`trust-${p.environment}`}>
            <div className="card-header">
              <Heading size="small" as="h3" id={`trust-${p.environment}`}>
                {p.environment}
                {p.roleArn ? <span className="hint"> · {p.roleArn}</span> : null}
              </Heading>
              {json ? (
                <Button
                  onClick={async () => {
                    if (await copyText(json)) setCopied(p.environment);
                  }}
                  aria-label={`Copy the ${p.environment} trust policy`}
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
            {json ? <pre className="code">{json}</pre> : null}
          </section>
        );
      })}
    </div>
  );
}
