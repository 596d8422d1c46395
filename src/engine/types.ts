import type { Grant, WaivableRuleId } from '../policy/grant-guard';
import type { Environment, Policy, ScanStep } from '../policy/schema';
import type { RepositoryIdentity } from '../policy/repository';
import type { Mode, RuleId } from '../policy/rule-ids';
import type { Path } from '../primitives/path';
import type { ProviderRequest } from './request';
import type { RequestVariables } from './variables';

export type JsonObject = Record<string, unknown>;

/** The ref a run is for, worked out by the branch-context transform. */
export interface RunRef {
  readonly kind: 'branch' | 'tag' | 'none';
  /** Branch or tag name; absent for a commit target. */
  readonly name?: string;
  /** Destination branch of a pull request: its code is merged into the build, so it is gated too. */
  readonly destination?: string;
  readonly targetType: 'ref' | 'commit' | 'pullrequest';
  /** "branch main", "pull request feature/x → main", "commit e34ad32 (no branch)". */
  readonly description: string;
}

export type Severity = 'high' | 'medium' | 'low';

/** One rule's verdict on one place in the pipeline: the unit of every message a developer reads. */
export interface Finding {
  readonly rule: RuleId;
  readonly mode: Exclude<Mode, 'off'>;
  readonly severity: Severity;
  /** Where in the pipeline file, e.g. `pipelines.branches.feature/*[2]`. */
  readonly path: string;
  readonly segments: Path;
  /** The step's name, when the finding is about a step. */
  readonly step?: string;
  /** What was wrong, quoting the input that triggered it. */
  readonly message: string;
  /** What to change so that the run passes. */
  readonly fix: string;
}

export interface DefinitionSite {
  /** `default`, `branches`, `tags`, `pull-requests`, `custom` or `bookmarks`. */
  readonly section: string;
  /** The definition's key (glob or custom name); absent for `default`. */
  readonly key?: string;
  /** For `pull-requests.<glob>.destinations.<glob>`. */
  readonly destination?: string;
  readonly segments: Path;
  /** The mutable item list of the definition (in the working copy). */
  readonly items: unknown[];
}

export type InjectedKind = 'scan' | 'gate';

/** A step as the walker found it, plus what the chain decided for it. */
export interface StepSite {
  readonly step: JsonObject;
  /** Path of the item that holds the step, e.g. `pipelines.default[1]` or `…[1].parallel.steps[0]`. */
  readonly segments: Path;
  readonly path: string;
  readonly name?: string;
  readonly definition: DefinitionSite;
  /** Index of the top-level item (step, parallel or stage) that holds this step. */
  readonly topLevelIndex: number;
  readonly stage?: JsonObject;
  readonly inParallel: boolean;
  /** `type: pipeline` steps start a child pipeline; Bitbucket forbids runner, OIDC and script keys on them. */
  readonly isChildPipeline: boolean;
  /** Set when Pipeline Guard itself put the step there (a scan or gate step from an earlier pass). */
  readonly injected?: InjectedKind;
  environment?: Environment;
  /** Why the step belongs to its environment, in words. */
  environmentReason?: string;
  /** How many lines this pass put before the step's own script, so that messages count the lines as written. */
  scriptShift: number;
  readonly changes: string[];
}

export interface CompiledPolicy {
  readonly policy: Policy;
  readonly digest: string;
  readonly revision?: number;
  /** The catch-all: the one unscoped default environment. Pipeline Guard's own steps run on its runners. */
  readonly defaultEnvironment: Environment;
  /** Some environment has a scope, so the run's repository decides which environments apply. */
  readonly scoped: boolean;
  /** Which environments list each label (required or extra), for naming the owner in messages. */
  readonly labelOwners: ReadonlyMap<string, readonly Environment[]>;
  readonly scanSteps: readonly JsonObject[];
  readonly gateStep: JsonObject;
  modeOf(rule: RuleId): Mode;
}

export type ScanStepInput = ScanStep;

export interface FindingInput {
  readonly rule: RuleId;
  readonly severity?: Severity;
  readonly site?: StepSite;
  /** Overrides the site's path (e.g. a key inside the step), or places a finding without a step. */
  readonly segments?: Path;
  readonly message: string;
  readonly fix: string;
  /**
   * Forces enforcement when a warning could not be made safe (e.g. no environment can take the
   * step); `warn` records what a break-glass grant waived.
   */
  readonly mode?: 'enforce' | 'warn';
}

/** The one object every transform reads and writes, like a unified VFile: tree plus messages. */
export interface ChainContext {
  readonly request: ProviderRequest;
  /** The request's `variables`, for `$NAME` values in commands (templates are filled in before the chain runs). */
  readonly variables: RequestVariables;
  /** The run's repository when the provider resolved it; scoped environments need it. */
  readonly repository?: RepositoryIdentity;
  readonly policy: CompiledPolicy;
  /**
   * The environments whose scope includes the run's repository, in policy order (all of them when nothing is scoped).
   */
  readonly environments: readonly Environment[];
  /** The repository's default environment: the first default whose scope includes it. */
  readonly defaultEnvironment: Environment;
  /** The working copy of `pipelines_configuration`; transforms rewrite it in place. */
  readonly config: JsonObject;
  readonly definitions: readonly DefinitionSite[];
  readonly steps: readonly StepSite[];
  readonly findings: Finding[];
  /** Changes to the configuration outside any step (e.g. `options.runs-on` removed). */
  readonly configChanges: string[];
  ref: RunRef;
  report(finding: FindingInput): void;
  /**
   * The break-glass grant that waives `rule` for this step in `environment` on this run, if any
   * (src/engine/waivers.ts says when one applies). A rule that gets one lets the step run in that
   * environment instead of reporting it; the grant is recorded as used.
   */
  waiverFor(rule: WaivableRuleId, environment: Environment, site: StepSite): Grant | undefined;
  /** For a block message: why the grants that name this rule and environment do not apply ('' when none does). */
  grantNote(rule: WaivableRuleId, environment: Environment): string;
}

export interface Transform {
  /** Stable id; for every transform except branch-context it is also the rule id it reports under. */
  readonly id: string;
  readonly description: string;
  apply(context: ChainContext): void;
}
