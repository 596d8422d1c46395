/** What the Preview tab keeps while the admin looks at other tabs. */
import type { RepositoryIdentity } from '../../src/policy/repository';
import { EXAMPLE_PIPELINE } from './api';
import { DEFAULT_TARGET, type TargetForm } from './target-form';

export interface PreviewState {
  yaml: string;
  target: TargetForm;
  /** The repository the run is for; none: a repository no scope includes. */
  repository?: RepositoryIdentity;
}

export const INITIAL_PREVIEW: PreviewState = { yaml: EXAMPLE_PIPELINE, target: DEFAULT_TARGET };
