/**
 * One environment's check of what is deployed: the JSON the cloud's own CLI printed, pasted or from
 * files, compared on the server (`trustCheck`) with what Pipeline Guard generates, as
 * `pipeline-guard trust-check` does.
 */
import Button from '@atlaskit/button/new';
import SectionMessage from '../section-message';
import TextArea from '@atlaskit/textarea';
import { useState } from 'react';
import type { ApiError, TrustCheckView } from '../../../src/settings/api';
import type { Call } from '../api';

/** What the Generate request was made with: the check compares against the same artifact. */
export interface TrustRequest {
  readonly call: Call;
  readonly workspaceSlug: string;
  readonly repositoryUuids?: string[];
  readonly deploymentEnvironmentUuids?: string[];
  readonly policy?: unknown;
}

type Provider = 'aws' | 'gcp' | 'vault';
type Finding = TrustCheckView['result']['findings'][number];

/** The commands whose output the check reads. */
const SOURCES: Record<Provider, string> = {
  aws: 'aws iam get-role --role-name NAME --output json',
  gcp:
    'gcloud iam workload-identity-pools providers describe … --format=json, then ' +
    'gcloud iam service-accounts get-iam-policy … --format=json (both, one after the other)',
  vault: 'vault read -format=json auth/MOUNT/role/NAME',
};

/** The largest file the check reads: a role or provider is a few KB; the server refuses more than 256 KB. */
const MAX_FILE_BYTES = 256 * 1024;

async function readFiles(list: FileList | null): Promise<{ label: string; text: string }[]> {
  const files = [...(list ?? [])].slice(0, 3);
  const tooLarge = files.find((file) => file.size > MAX_FILE_BYTES);
  if (tooLarge) throw new Error(`${tooLarge.name} is larger than 256 KB; it is not what the cloud's CLI prints.`);
  return Promise.all(files.map(async (file) => ({ label: file.name, text: await file.text() })));
}

function FindingItem({ finding }: { finding: Finding }) {
  return (
    <li className={`trust-finding trust-finding-${finding.verdict}`}>
      <strong>
        {finding.verdict === 'weaker' ? 'Weaker' : finding.verdict === 'stronger' ? 'Stricter' : 'Note'}:{' '}
        {finding.dimension}
      </strong>{' '}
      <code>{finding.where}</code> {finding.message}
      {finding.fix ? <div className="hint">Fix: {finding.fix}</div> : null}
    </li>
  );
}

function CheckReport({ view }: { view: TrustCheckView }) {
  const { result } = view;
  const weaker = result.findings.filter((f) => f.verdict === 'weaker').length;
  const title =
    result.verdict === 'weaker'
      ? `Weaker than generated: ${weaker} condition${weaker === 1 ? '' : 's'} missing or weaker`
      : 'At least as strict as generated';
  return (
    <SectionMessage appearance={result.verdict === 'weaker' ? 'error' : 'success'} title={title}>
      <p className="hint">
        Compared {result.inputs.map((input) => input.label).join(' and ')} with {view.policySource}.
      </p>
      {result.findings.length ? (
        <ul aria-label={`${result.environment} trust check findings`}>
          {result.findings.map((finding, index) => (
            <FindingItem key={index} finding={finding} />
          ))}
        </ul>
      ) : (
        <p>Every condition Pipeline Guard generates is deployed, and none is wider.</p>
      )}
    </SectionMessage>
  );
}

export function DeployedCheck({
  environment,
  provider,
  request,
}: {
  environment: string;
  provider: Provider;
  request: TrustRequest;
}) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<{ label: string; text: string }[]>([]);
  const [view, setView] = useState<TrustCheckView>();
  const [error, setError] = useState<ApiError>();
  const id = `trust-deployed-${environment}`;

  const check = async () => {
    const { call, ...generated } = request;
    const deployed = [...(text.trim() ? [{ label: 'the pasted JSON', text }] : []), ...files];
    const answer = await call<TrustCheckView>('trustCheck', { ...generated, environment, deployed });
    setView(answer.ok ? answer : undefined);
    setError(answer.ok ? undefined : answer.error);
  };
  const upload = async (list: FileList | null) => {
    try {
      setFiles(await readFiles(list));
      setError(undefined);
    } catch (failure) {
      setFiles([]);
      setError({ code: 'invalid-request', message: (failure as Error).message });
    }
  };

  return (
    <div className="stack trust-check">
      <label className="field-label" htmlFor={id}>
        Deployed JSON for {environment}
      </label>
      <div className="field-help" id={`${id}-help`}>
        Paste what <code>{SOURCES[provider]}</code> prints, or choose the file{provider === 'gcp' ? 's' : ''}.
      </div>
      <TextArea
        id={id}
        aria-describedby={`${id}-help`}
        value={text}
        isMonospaced
        minimumRows={4}
        onChange={(e) => setText(e.target.value)}
      />
      <input
        type="file"
        accept=".json,application/json"
        multiple
        aria-label={`Deployed JSON files for ${environment}`}
        onChange={(e) => void upload(e.target.files)}
      />
      <div>
        <Button onClick={check} isDisabled={!text.trim() && !files.length}>
          Check the deployed trust of {environment}
        </Button>
      </div>
      {error ? (
        <SectionMessage appearance="error" title="Could not check">
          <p>{error.message}</p>
        </SectionMessage>
      ) : null}
      {view ? <CheckReport view={view} /> : null}
    </div>
  );
}
