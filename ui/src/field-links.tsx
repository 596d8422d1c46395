/** Problem and warning summaries name the field in words and link to it, not a machine path. */
import type { Path } from '../../src/primitives/path';
import { getAt } from './draft';
import { fieldId } from './fields';

const FIELD_NAMES: Record<string, string> = {
  version: 'Version',
  mode: 'Default mode for every rule',
  name: 'Name',
  description: 'Description',
  default: 'Default environment',
  branches: 'Branches',
  tags: 'Tags',
  match: 'Which steps belong here',
  stepNamePrefix: 'Step name starts with',
  deployments: 'Deployment environments',
  runner: 'Runners',
  labels: 'Runner labels',
  extraLabels: 'Extra labels',
  network: 'Runner network',
  cidrs: 'Public egress CIDRs',
  vpcEndpointIds: 'STS VPC endpoint IDs',
  vpcIds: 'VPC IDs',
  oidc: 'AWS OIDC role',
  roleArn: 'Role ARN',
  region: 'Region',
  manualTrigger: 'Manual trigger',
  securityScan: 'Security scan',
  steps: 'Steps',
  script: 'Script lines',
  image: 'Image',
  size: 'Size',
  'max-time': 'Max time',
  deny: 'Deny lists',
  images: 'Denied images',
  pipes: 'Denied pipes',
  scripts: 'Denied script patterns',
  rules: 'Rule modes',
  environments: 'Environments',
};

export function describePath(draft: unknown, segments: Path): string {
  const parts: string[] = [];
  segments.forEach((segment, index) => {
    const parent = segments[index - 1];
    if (typeof segment === 'number') {
      if (parent === 'environments') {
        const name = getAt(draft, ['environments', segment, 'name']);
        parts[parts.length - 1] = `Environment ${segment + 1}${typeof name === 'string' && name ? ` (${name})` : ''}`;
      } else if (parent === 'steps') parts[parts.length - 1] = `Scan step ${segment + 1}`;
      else parts.push(`line ${segment + 1}`);
    } else if (parent === 'rules') parts.push(segment);
    else parts.push(FIELD_NAMES[segment] ?? segment);
  });
  return parts.join(' › ') || 'The policy';
}

/** The closest field on the page for a path: a list item's field is its list's. */
export function nearestField(segments: Path): HTMLElement | undefined {
  for (let length = segments.length; length > 0; length--) {
    const element = document.getElementById(fieldId(segments.slice(0, length)));
    if (element) return element;
  }
  return undefined;
}

export function FieldLink({ draft, segments }: { draft: unknown; segments: Path }) {
  return (
    <a
      href={`#${fieldId(segments)}`}
      onClick={(event) => {
        event.preventDefault();
        const field = nearestField(segments);
        field?.scrollIntoView({ block: 'center' });
        field?.focus();
      }}
    >
      {describePath(draft, segments)}
    </a>
  );
}
