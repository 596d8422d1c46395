/**
 * Each rule's one-line description, as the first paragraph of its page in docs/rules/ says it
 * (test/pullrequest/rule-help.test.ts keeps the two equal), for SARIF's rule help and the Code Insights
 * annotations. A constant rather than a read of docs/, so that the packed CLI, which ships no docs, has it.
 */
import type { RuleId } from '../policy/rule-ids';

/** Relative to the repository root of Pipeline Guard, where each rule has its page. */
export const RULE_DOCS_BASE = 'docs/rules';

export const RULE_HELP: Readonly<Record<RuleId, string>> = {
  'branch-gate':
    'Puts every step into exactly one environment and blocks steps ' +
    "whose environment does not allow the run's branch or tag.",
  'deny-image':
    'Blocks images the policy denies (an image without a tag counts as `:latest`), wherever a pipeline names one.',
  'deny-pipe': 'Blocks pipes the policy denies (a pipe without a version counts as `:latest`).',
  'deny-script':
    "Blocks script and after-script commands that match one of the policy's denied patterns (e.g. `curl … | sh`), " +
    'as written or as the shell reads them.',
  'internal-error':
    'Blocks a run when Pipeline Guard itself fails while checking it, ' +
    'so that a fault never lets unchecked steps through.',
  'invalid-pipeline':
    'Blocks a pipeline whose structure Pipeline Guard cannot walk completely, ' +
    'because a part it cannot see into could hide a PROD step.',
  'invalid-request':
    'Blocks a run when the request from Bitbucket is not a valid Dynamic Pipelines request, ' +
    'since nothing in it can be trusted to say what is being built.',
  'manual-trigger':
    'Makes steps of environments with `manualTrigger: true` wait for a person, ' +
    "keeping Bitbucket's rule that the first step is automatic.",
  'oidc-role':
    "Puts the environment's cloud identity setup (AWS, GCP or Vault) before the script of every step " +
    'that asks for an OIDC token and blocks any other role, service account, Vault role, token file or profile.',
  'unverifiable-identity':
    'Reports commands in steps with a cloud identity that no static reader can follow (eval, source, ' +
    'pipes into a shell, variable names built at run time).',
  'policy-unavailable':
    'Blocks a run when the workspace policy cannot be loaded, and lets pipelines through, with a warning, ' +
    'while no policy has ever been saved.',
  'repository-scope':
    "Blocks steps that ask for an environment whose scope leaves the run's repository out, " +
    "so that one team's runners and roles stay out of another team's pipelines.",
  'repository-unknown':
    'Blocks a run when the policy has scoped environments ' +
    'and Pipeline Guard cannot find out which repository the run is for.',
  'runner-labels':
    "Sets each step's `runs-on` to its environment's runner labels plus the extra labels it may ask for, " +
    'and blocks any other label.',
  'security-scan':
    "Puts the policy's security scan steps first in every pipeline that runs (after a custom pipeline's `variables`).",
  'selected-definition':
    'Blocks a run whose matched definition is missing from the configuration Pipeline Guard received, ' +
    'because Bitbucket would otherwise drop or fail the run silently.',
};

/** The page of a rule in docs/rules/. */
export const ruleDocsUrl = (rule: string): string => `${RULE_DOCS_BASE}/${rule}.md`;
