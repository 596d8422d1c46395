import type { AdversarialFamily } from '../case';
import { chain } from './chain';
import { clouds, CLOUD_POLICY_INJECTIONS } from './clouds';
import { deployment } from './deployment';
import { grants } from './grants';
import { injection } from './injection';
import { labels } from './labels';
import { modes } from './modes';
import { names } from './names';
import { nesting } from './nesting';
import { roles } from './roles';
import { scopes } from './scopes';
import { tampering } from './tampering';
import { targets } from './targets';

export const FAMILIES: readonly AdversarialFamily[] = [
  names,
  deployment,
  labels,
  nesting,
  targets,
  roles,
  injection,
  chain,
  tampering,
  modes,
  scopes,
  grants,
  clouds,
];
import { POLICY_INJECTIONS as BASE_POLICY_INJECTIONS } from './injection';
export const POLICY_INJECTIONS = [...BASE_POLICY_INJECTIONS, ...CLOUD_POLICY_INJECTIONS];
