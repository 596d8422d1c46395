/** Every policy field as a form: environments first (order matters), then scans, deny lists and rule modes. */
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { lazy, Suspense } from 'react';
import { CONFIGURABLE_RULE_IDS, MODES } from '../../../src/policy/rule-ids';
import { getAt } from '../draft';
import { withDefault } from '../environment-defaults';
import { FieldLink } from '../field-links';
import { CheckField, fieldId, GroupWarnings, ListField, SelectField, TextField, useEditor } from '../fields';
import { Notice } from '../notice';

/** The scope pickers (with their glob matching and Bitbucket's lists) load after the first view has shown. */
const ScopeFields = lazy(() => import('../scope-fields').then((m) => ({ default: m.ScopeFields })));

const RULE_HELP: Record<(typeof CONFIGURABLE_RULE_IDS)[number], string> = {
  'repository-scope': 'Blocks steps that ask for an environment whose scope leaves the repository out.',
  'branch-gate': 'Blocks steps of an environment on refs the environment does not allow.',
  'runner-labels': 'Puts every step on its environment’s runners.',
  'oidc-role': 'Gives OIDC steps their environment’s cloud identity (AWS, GCP or Vault).',
  'unverifiable-identity':
    'Warns (by default) about commands in OIDC steps that no static reader can follow ' +
    '(eval, source, pipes into a shell).',
  'manual-trigger': 'Makes steps of manual-trigger environments wait for a person.',
  'deny-image': 'Blocks denied images.',
  'deny-pipe': 'Blocks denied pipes.',
  'deny-script': 'Blocks script lines that match a denied pattern.',
  'security-scan': 'Puts the scan steps first in every pipeline.',
};

type Base = (string | number)[];

function EnvironmentCard({
  index,
  count,
  onRemove,
}: {
  index: number;
  count: number;
  onRemove?: (index: number) => void;
}) {
  const editor = useEditor();
  const base = ['environments', index];
  const name = getAt(editor.draft, [...base, 'name']);
  const environments = (getAt(editor.draft, ['environments']) as unknown[]) ?? [];
  const makeDefault = (checked: boolean) => editor.set(['environments'], withDefault(environments, index, checked));
  const title = typeof name === 'string' && name ? name : `environment ${index + 1}`;
  return (
    <section className="card" aria-labelledby={`env-${index}-title`}>
      <EnvironmentCardHeader index={index} count={count} title={title} onRemove={onRemove} />
      <div className="grid">
        <TextField path={[...base, 'name']} label="Name" help="Lowercase letters, digits and “-”, e.g. prod." />
        <TextField path={[...base, 'description']} label="Description" />
      </div>
      <CheckField
        path={[...base, 'default']}
        label="Default environment (steps that match no other environment)"
        onCheck={makeDefault}
      />
      <div className="grid">
        <ListField
          path={[...base, 'branches']}
          label="Branches allowed to run its steps"
          help="Bitbucket glob patterns, one per line; for example main, or release/* for every release branch."
        />
        <ListField
          path={[...base, 'tags']}
          label="Tags allowed to run its steps"
          help="Bitbucket glob patterns, one per line; for example v* for every version tag."
        />
      </div>
      <StepMatchFields base={base} />
      <Suspense
        fallback={
          <p className="hint" aria-busy="true">
            Loading the scope fields…
          </p>
        }
      >
        <ScopeFields base={base} owner={title} />
      </Suspense>
      <RunnerFields base={base} />
      <OidcFields base={base} />
      <CheckField path={[...base, 'manualTrigger']} label="Manual trigger: its steps wait for a person to press Run" />
    </section>
  );
}

/** The environment's number and name, with the buttons that reorder or remove it (for editors only). */
function EnvironmentCardHeader({
  index,
  count,
  title,
  onRemove,
}: {
  index: number;
  count: number;
  title: string;
  onRemove?: (index: number) => void;
}) {
  const editor = useEditor();
  const move = (to: number) => {
    const next = [...((getAt(editor.draft, ['environments']) as unknown[]) ?? [])];
    const [item] = next.splice(index, 1);
    next.splice(to, 0, item);
    editor.set(['environments'], next);
  };
  return (
    <div className="card-header">
      <Heading size="small" as="h3" id={`env-${index}-title`}>
        {index + 1}. {title}
      </Heading>
      {editor.readOnly ? null : (
        <div className="card-actions">
          <Button
            appearance="subtle"
            isDisabled={index === 0}
            onClick={() => move(index - 1)}
            aria-label={`Move up: ${title}`}
          >
            Move up
          </Button>
          <Button
            appearance="subtle"
            isDisabled={index === count - 1}
            onClick={() => move(index + 1)}
            aria-label={`Move down: ${title}`}
          >
            Move down
          </Button>
          <Button
            appearance="subtle"
            onClick={() => (onRemove ? onRemove(index) : editor.set(['environments', index], undefined))}
            aria-label={`Remove ${title}`}
          >
            Remove
          </Button>
        </div>
      )}
    </div>
  );
}

function StepMatchFields({ base }: { base: Base }) {
  return (
    <fieldset className="group">
      <legend>Which steps belong here</legend>
      <div className="grid">
        <TextField
          path={[...base, 'match', 'stepNamePrefix']}
          label="Step name starts with"
          help="A whole word, any case: for example PROD, for steps named “PROD deploy” or “[prod] apply”."
        />
        <ListField
          path={[...base, 'match', 'deployments']}
          label="Deployment environments"
          help="Bitbucket deployment environment names, one per line; for example production."
        />
      </div>
    </fieldset>
  );
}

function RunnerFields({ base }: { base: Base }) {
  return (
    <fieldset className="group" id={fieldId([...base, 'runner'])} tabIndex={-1}>
      <legend>Runners</legend>
      <GroupWarnings path={[...base, 'runner']} />
      <div className="grid">
        <ListField
          path={[...base, 'runner', 'labels']}
          label="Runner labels"
          help={
            'Optional. One per line (for example self.hosted, linux and prod): every step of the environment ' +
            "gets these labels. Without them its steps run on Atlassian's cloud runners."
          }
        />
        <ListField
          path={[...base, 'runner', 'extraLabels']}
          label="Extra labels a step may add"
          help="One per line; for example dev.large."
        />
      </div>
      <div className="grid grid-3">
        <ListField
          path={[...base, 'runner', 'network', 'cidrs']}
          label="Public egress CIDRs"
          help="One per line; for example 203.0.113.0/28."
        />
        <ListField
          path={[...base, 'runner', 'network', 'vpcEndpointIds']}
          label="STS VPC endpoint IDs"
          help="One per line; for example vpce-0a1b2c3d4e5f60718."
        />
        <ListField
          path={[...base, 'runner', 'network', 'vpcIds']}
          label="VPC IDs"
          help="One per line; for example vpc-0a1b2c3d."
        />
      </div>
    </fieldset>
  );
}

const PROVIDERS = [
  { value: 'aws', label: 'AWS IAM role' },
  { value: 'gcp', label: 'GCP service account (workload identity federation)' },
  { value: 'vault', label: 'HashiCorp Vault JWT role' },
] as const;

/** The environment's OIDC identity; switching the cloud starts its fields afresh, keeping only the audience. */
function OidcFields({ base }: { base: Base }) {
  const editor = useEditor();
  const oidc = getAt(editor.draft, [...base, 'oidc']) as Record<string, unknown> | undefined;
  const provider = typeof oidc?.provider === 'string' ? oidc.provider : 'aws';
  const choose = (next: string) => {
    const kept = typeof oidc?.audience === 'string' ? { audience: oidc.audience } : {};
    editor.set(
      [...base, 'oidc'],
      next === 'aws' ? (Object.keys(kept).length ? kept : undefined) : { provider: next, ...kept },
    );
  };
  const path = (key: string) => [...base, 'oidc', key];
  return (
    <fieldset className="group">
      <legend>OIDC identity</legend>
      <CloudSelect id={fieldId([...base, 'oidc', 'provider'])} provider={provider} onChoose={choose} />
      <div className="grid">
        {provider === 'gcp' ? (
          <GcpFields path={path} />
        ) : provider === 'vault' ? (
          <VaultFields path={path} />
        ) : (
          <AwsFields path={path} />
        )}
        <TextField
          path={path('audience')}
          label="Custom audience (optional)"
          help="For example sts.amazonaws.com. Steps then ask for it with oidc: { audiences: [...] }."
        />
      </div>
    </fieldset>
  );
}

function CloudSelect({ id, provider, onChoose }: { id: string; provider: string; onChoose: (next: string) => void }) {
  const editor = useEditor();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        Cloud
      </label>
      <select
        id={id}
        className="native-select"
        value={provider}
        disabled={editor.readOnly}
        onChange={(event) => onChoose(event.target.value)}
      >
        {PROVIDERS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Where an OIDC field of this environment lives in the draft. */
type OidcPath = (key: string) => Base;

function GcpFields({ path }: { path: OidcPath }) {
  return (
    <>
      <TextField
        path={path('workloadIdentityProvider')}
        label="Workload identity provider"
        help="For example projects/123456789/locations/global/workloadIdentityPools/bitbucket/providers/acme."
        monospace
      />
      <TextField
        path={path('serviceAccount')}
        label="Service account"
        help="For example deployer@acme-prod.iam.gserviceaccount.com."
        monospace
      />
    </>
  );
}

function VaultFields({ path }: { path: OidcPath }) {
  return (
    <>
      <TextField
        path={path('address')}
        label="Vault address"
        help="For example https://vault.example.com:8200."
        monospace
      />
      <TextField path={path('role')} label="Vault role" help="For example prod-deploy." />
      <TextField
        path={path('mount')}
        label="Auth mount"
        help="Optional; jwt when empty, or for example bitbucket/prod."
      />
    </>
  );
}

function AwsFields({ path }: { path: OidcPath }) {
  return (
    <>
      <TextField
        path={path('roleArn')}
        label="Role ARN"
        help="For example arn:aws:iam::111111111111:role/bitbucket-pipelines-prod."
        monospace
      />
      <TextField path={path('region')} label="Region" help="For example eu-west-1." />
    </>
  );
}

function ScanStepCard({ index }: { index: number }) {
  const editor = useEditor();
  const base = ['securityScan', 'steps', index];
  return (
    <div className="card card-nested">
      <div className="card-header">
        <Heading size="xsmall" as="h4">
          Scan step {index + 1}
        </Heading>
        {editor.readOnly ? null : (
          <Button
            appearance="subtle"
            onClick={() => editor.set(base, undefined)}
            aria-label={`Remove scan step ${index + 1}`}
          >
            Remove
          </Button>
        )}
      </div>
      <div className="grid">
        <TextField path={[...base, 'name']} label="Step name" />
        <TextField path={[...base, 'image']} label="Image" help="For example aquasec/trivy:0.58.1." monospace />
      </div>
      <ListField path={[...base, 'script']} label="Script lines" required />
      <div className="grid">
        <SelectField path={[...base, 'size']} label="Size" options={['1x', '2x', '4x', '8x']} emptyLabel="(default)" />
        <TextField path={[...base, 'max-time']} label="Max time (minutes)" numeric />
      </div>
    </div>
  );
}

export function EnvironmentsTab({ onRemoveEnvironment }: { onRemoveEnvironment?: (index: number) => void }) {
  const editor = useEditor();
  const environments = getAt(editor.draft, ['environments']);
  const envCount = Array.isArray(environments) ? environments.length : 0;
  return (
    <div className="stack">
      {editor.problems.length > 0 ? <ProblemSummary /> : null}
      {editor.warnings.length > 0 ? <WarningSummary /> : null}
      <p className="lead">
        A step belongs to the first environment whose “which steps” rules it meets; any other step belongs to the
        default environment. Pipeline Guard then puts the step on that environment’s runners, gives it that
        environment’s AWS role, and blocks it on refs the environment does not allow.
      </p>
      <div className="grid">
        <SelectField
          path={['mode']}
          label="Default mode for every rule"
          options={MODES}
          defaultOption="enforce"
          help="enforce blocks the run; warn lets it run and records a warning; off skips the rule."
        />
      </div>
      <SectionTitle>Environments</SectionTitle>
      {Array.from({ length: envCount }, (_, i) => (
        <EnvironmentCard key={i} index={i} count={envCount} onRemove={onRemoveEnvironment} />
      ))}
      {editor.readOnly ? null : (
        <div>
          <Button onClick={() => editor.set(['environments', envCount], { name: '', branches: [] })}>
            Add environment
          </Button>
        </div>
      )}
      <ScanSteps />
      <DenyLists />
      <RuleModes />
    </div>
  );
}

function SectionTitle({ children }: { children: string }) {
  return (
    <div className="section-title">
      <Heading size="medium" as="h2">
        {children}
      </Heading>
    </div>
  );
}

/** The first problems that block saving, each linked to its field. */
function ProblemSummary() {
  const editor = useEditor();
  const problems = editor.problems;
  return (
    <Notice
      appearance="error"
      title={`${problems.length} problem${problems.length === 1 ? '' : 's'} to fix before saving`}
    >
      <ul className="problem-summary" data-testid="problem-summary">
        {problems.slice(0, 12).map((p, i) => (
          <li key={i}>
            <FieldLink draft={editor.draft} segments={p.segments} />: {p.message}
          </li>
        ))}
        {problems.length > 12 ? <li>and {problems.length - 12} more</li> : null}
      </ul>
    </Notice>
  );
}

/** Every warning (the policy saves, but something looks wrong), each linked to its field. */
function WarningSummary() {
  const editor = useEditor();
  const count = editor.warnings.length;
  return (
    <Notice appearance="warning" title={`${count} warning${count === 1 ? '' : 's'}: valid, but check before you save`}>
      <ul className="problem-summary" data-testid="warning-summary">
        {editor.warnings.map((w, i) => (
          <li key={i}>
            <FieldLink draft={editor.draft} segments={w.segments} />: {w.message}
          </li>
        ))}
      </ul>
    </Notice>
  );
}

function ScanSteps() {
  const editor = useEditor();
  const scanSteps = getAt(editor.draft, ['securityScan', 'steps']);
  const scanCount = Array.isArray(scanSteps) ? scanSteps.length : 0;
  return (
    <>
      <SectionTitle>Security scan</SectionTitle>
      <p className="hint">Steps put first in every pipeline that runs, on the default environment’s runners.</p>
      {Array.from({ length: scanCount }, (_, i) => (
        <ScanStepCard key={i} index={i} />
      ))}
      {editor.readOnly ? null : (
        <div>
          <Button
            onClick={() => editor.set(['securityScan', 'steps', scanCount], { name: 'Security scan', script: [''] })}
          >
            Add scan step
          </Button>
        </div>
      )}
    </>
  );
}

function DenyLists() {
  return (
    <>
      <SectionTitle>Deny lists</SectionTitle>
      <div className="grid grid-3">
        <ListField
          path={['deny', 'images']}
          label="Denied images"
          help="Glob patterns, one per line; for example *:latest."
        />
        <ListField
          path={['deny', 'pipes']}
          label="Denied pipes"
          help="Glob patterns, one per line; for example atlassian/ssh-run:*."
        />
        <ListField
          path={['deny', 'scripts']}
          label="Denied script patterns"
          help={
            <>
              Regular expressions, one per line; for example <code>{'curl[^|]*\\|\\s*(ba)?sh'}</code> for a download
              piped into a shell.
            </>
          }
        />
      </div>
    </>
  );
}

function RuleModes() {
  return (
    <>
      <SectionTitle>Rule modes</SectionTitle>
      <div className="grid grid-4">
        {CONFIGURABLE_RULE_IDS.map((rule) => (
          <SelectField
            key={rule}
            path={['rules', rule]}
            label={rule}
            options={MODES}
            emptyLabel="(default mode)"
            help={RULE_HELP[rule]}
          />
        ))}
      </div>
    </>
  );
}
