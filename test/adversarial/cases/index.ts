import type { AdversarialFamily } from '../case';
import { chain } from './chain';
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

export const FAMILIES: readonly AdversarialFamily[] = [names, deployment, labels, nesting, targets, roles, injection, chain, tampering, modes, scopes, grants];
export { POLICY_INJECTIONS } from './injection';
