/** What a previewed run is for, as the target picker holds it; apart from the picker so the page shell does not load it. */
export interface TargetForm {
  readonly kind: 'branch' | 'tag' | 'pullrequest' | 'custom' | 'commit';
  readonly name: string;
  readonly destination: string;
  readonly customRef: string;
}

export const DEFAULT_TARGET: TargetForm = { kind: 'branch', name: 'main', destination: 'main', customRef: 'main' };
