/** The shape of one adversarial case: a pipeline, a target, and the outcome it must end in. */
import type { RunOptions } from '../../src/engine/run';
import type { JsonObject } from '../../src/engine/types';
import type { RuleId } from '../../src/policy/rule-ids';
import type { RepositoryIdentity } from '../../src/policy/repository';
import type { PolicyInput } from '../../src/policy/schema';
import type { Target } from './harness';

export type Expectation =
  /** The run is refused, and exactly these rules enforce (the error key names the first). */
  | { readonly blocked: readonly RuleId[]; readonly mentions?: readonly string[] }
  /**
   * The run goes ahead. `prod: false` (the default) also demands that no PROD label and no PROD role
   * appear anywhere in the output; every allowed output must keep the general invariants and be a
   * fixed point of the chain.
   */
  | {
      readonly allowed: true;
      readonly warns?: readonly RuleId[];
      readonly prod?: boolean;
      /** Rules the adjusted policy switches off or to warn, whose invariant the admin gave up. */
      readonly relaxed?: readonly string[];
      readonly check?: (output: JsonObject) => void;
    }
  /** `trigger: definitions`: the configuration comes back untouched and never as an error. */
  | { readonly passthrough: true };

export interface AdversarialCase {
  readonly name: string;
  readonly target: Target;
  /** Items of the selected definition; the configuration holds only that definition. */
  readonly items?: readonly unknown[];
  /** Top-level keys beside `pipelines` (options, image, labels, definitions…). */
  readonly extra?: JsonObject;
  /** The whole configuration, when the case is about its shape. */
  readonly config?: JsonObject;
  /** A YAML file under fixtures/adversarial/, parsed like the CLI parses it, then filtered like Bitbucket. */
  readonly yaml?: string;
  readonly policy?: (policy: PolicyInput) => void;
  /**
   * A policy file of the project instead of the reference policy (e.g. examples/policy-multi-team.yaml); `policy`
   * adjusts it.
   */
  readonly policyFile?: string;
  /** The repository the provider resolved for the run; absent: unknown (in no scope). */
  readonly repository?: RepositoryIdentity;
  /** What the provider knows beyond the request: the repository, stored grants and the clock. */
  readonly options?: RunOptions;
  readonly expect: Expectation;
}

export interface AdversarialFamily {
  readonly family: string;
  readonly cases: readonly AdversarialCase[];
}
