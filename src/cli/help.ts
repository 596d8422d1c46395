/** The `--help` text of every command; docs/cli.md shows the same options with examples. */

export const MAIN_HELP = `pipeline-guard: see what the Pipeline Guard provider does to a pipeline before it runs

Usage:
  pipeline-guard simulate <file|-> [options]
      run the provider engine on a bitbucket-pipelines.yml for a branch, tag, pull request or custom run
  pipeline-guard request <request.json|-> [--policy FILE] [--repository SLUG [--project KEY]]
      run the provider on a raw Dynamic Pipelines request and print its exact response
  pipeline-guard pr --source FILE --destination FILE --branch NAME [options]
      the pull-request merge check: what a pull request's pipeline file makes worse on its destination
  pipeline-guard policy check <policy>
      validate a policy and warn about valid but unsafe settings
  pipeline-guard trust-policy <policy> --env NAME --workspace SLUG --workspace-uuid UUID --account ID
      print the AWS IAM trust policy that keeps an environment's role on its runners
  pipeline-guard replay <samples.jsonl|-> --policy DRAFT --baseline CURRENT [--format text|json]
      replay exported run samples under a draft and the enforced policy, and compare
  pipeline-guard trust-check <policy> --env NAME --deployed FILE|- [--deployed FILE] --workspace SLUG ...
      check that what is deployed in the cloud is at least as strict as what trust-policy generates

Run "pipeline-guard <command> --help" for the options of a command, "pipeline-guard --version" for the version.

Exit status: 0 allowed (or nothing to run), 1 blocked by the policy (or unsafe policy), 2 unusable input.
Colour is used only on a terminal, and never when NO_COLOR is set.
`;

export const SIMULATE_HELP = `Usage: pipeline-guard simulate <file|-> [options]

Reads a bitbucket-pipelines.yml ("-" reads standard input), builds the request Bitbucket would
send, runs the provider engine on it and reports what the provider does.

Options:
  --policy FILE            policy in YAML or JSON (default: ./pipeline-guard.yaml; in a checkout of
                           Pipeline Guard without one, examples/policy.yaml)
  --branch NAME            a push to this branch (the default is --branch main)
  --tag NAME               a push of this tag (tags never fall back to \`default\`)
  --pr SOURCE:DESTINATION  a pull request from SOURCE into DESTINATION
  --commit                 a run on a bare commit (no branch; selects \`default\`)
  --custom NAME            run the custom pipeline NAME (on --branch/--tag/--commit, default main)
  --trigger KIND           push, manual, schedule, parent_step or definitions
                           (default: push, or manual with --custom)
  --repository SLUG        run as this repository (or WORKSPACE/SLUG): what decides which scoped
                           environments apply; without it, a repository that no scope includes
  --project KEY            the repository's Bitbucket project key, e.g. PAY (with --repository)
  --format FORMAT          text for people (default), json for scripts, sarif (SARIF 2.1.0 for code
                           scanning) or code-insights (a Bitbucket Code Insights report and annotations)
  --grants FILE            preview the run under break-glass grants: a YAML list of grants in
                           their stored shape (a bad file exits with status 2)
  --now ISO8601            the clock grants expire against (default: now)
  --var KEY=VALUE          a repository variable in the request's \`variables\` (repeatable): what
                           \`\${{KEY}}\` templates and \`$KEY\` in commands are read with
  --variables FILE         the request's \`variables\`: a JSON list of { "key", "value", "scope" }
                           (scope PIPELINE, REPOSITORY, WORKSPACE, STEP or DEPLOYMENT); --var adds to it
  -h, --help               show this help

Which definition runs: an exact branch or tag key beats a glob, and among globs the most specific
wins (literal > fewer "**" > fewer wildcards > longer literal prefix); equal keys are reported as
a tie.
\`default\` catches unmatched branches, never tags. Pull requests match \`pull-requests\` keys on the
source branch and \`destinations\` on the destination branch. Custom pipelines are chosen by name.

Exit status: 0 allowed or nothing to run, 1 blocked by the policy, 2 the file or policy is unusable.
`;

export const REQUEST_HELP =
  'Usage: pipeline-guard request <request.json|-> [--policy FILE] ' +
  `[--repository SLUG [--project KEY]]
                                [--var KEY=VALUE]... [--variables FILE]

Runs the provider, exactly as the Forge function does, on a raw Dynamic Pipelines request (the JSON
Bitbucket sends) and prints the exact response it would return.

Options:
  --policy FILE        policy in YAML or JSON (default: ./pipeline-guard.yaml; in a checkout of
                       Pipeline Guard without one, examples/policy.yaml)
  --repository SLUG    stands in for the provider's repository lookup (or WORKSPACE/SLUG); without
                       it, a scoped policy sees a repository that no scope includes
  --project KEY        the repository's Bitbucket project key, e.g. PAY (with --repository)
  --var KEY=VALUE      adds a repository variable to the request's \`variables\` (repeatable)
  --variables FILE     adds a JSON list of { "key", "value", "scope" } to the request's \`variables\`
  -h, --help           show this help

Exit status: 0 a response was produced (an error response blocking the run is a valid answer),
2 the request file or the policy is unusable.
`;

export const POLICY_HELP = `Usage: pipeline-guard policy check <policy> [--format text|json]

Validates a policy (YAML or JSON) and prints every problem with its path and line. It also warns
about valid policies that do not separate environments: shared runner labels, a privileged
environment open to "**", a default environment with another environment's role, critical rules in
warn or off mode, deny patterns prone to catastrophic backtracking, extra labels that belong to
another environment, and OIDC roles whose runners have no network. For scoped environments: project
keys not in upper case, slug globs that can never match, scopes that leave an environment unreachable,
environments whose scope and match a higher one covers, and repository-scope in warn or off mode.

Options:
  --format text|json   text for people (default), json for scripts
  -h, --help           show this help

Exit status: 0 valid, 1 valid with warnings, 2 invalid or unreadable.
`;

export const TRUST_POLICY_HELP =
  'Usage: pipeline-guard trust-policy <policy> --workspace SLUG --workspace-uuid UUID ' +
  `[--env NAME] [options]

Prints what each environment's cloud needs so that only that environment's steps get its identity:
  AWS    the IAM trust policy of the role: the workspace's Bitbucket OIDC provider as principal, \`aud\`
         (the workspace's audience, or the policy's \`oidc.audience\`), \`sub\` limited to the given
         repositories and deployment environments, and the runners' network as the source condition
         (public CIDRs as aws:SourceIp; VPC endpoint and VPC IDs as aws:SourceVpce / aws:SourceVpc).
  GCP    the workload identity provider's attribute mapping and an attribute condition in CEL that
         admits only the environment's branches and tags, repositories and deployment environments,
         with the gcloud commands that create the pool, the provider and the service-account binding.
  Vault  the auth/<mount>/config and auth/<mount>/role/<role> payloads: bound_audiences, bound_claims
         on repositoryUuid, deploymentEnvironmentUuid and branchName (glob type for glob branches),
         token_bound_cidrs from runner.network.cidrs and a short token_ttl, as vault commands.
Azure cannot federate with Bitbucket directly; see docs/cloud-trust.md#azure.
Warnings go to standard error.

Options:
  --workspace SLUG                     workspace slug, as in https://bitbucket.org/SLUG/
  --workspace-uuid UUID                workspace UUID (Repository settings → OpenID Connect), braces optional
  --env NAME                           only this environment (default: every environment with an identity)
  --account ID                         12-digit AWS account of the role (required with --env for an AWS
                                       role; otherwise taken from each role's ARN)
  --repository-uuid UUID               restrict to this repository; repeat for more (recommended; for a
                                       scoped environment, once for each repository in its scope)
  --deployment-environment-uuid UUID   restrict to deployment steps of this Bitbucket deployment
                                       environment; repeat for more
  --format text|json                   text (default): ready-to-paste blocks, one per environment (a single
                                       AWS role prints its JSON document alone); json: one object per
                                       environment with \`environment\`, \`provider\` and \`artifact\`
  -h, --help                           show this help

Exit status: 0 printed, 2 unusable policy or options.
`;

export const PR_HELP = `Usage: pipeline-guard pr --source FILE --destination FILE --branch NAME [options]

The pull-request merge check from two files: the pull request's bitbucket-pipelines.yml (--source) and the
destination branch's (--destination; an empty file means the destination has none). It simulates every run
the merge makes possible (the push to the destination, each custom pipeline on it, the pull-request pipeline)
with both files and fails only on what the pull request makes worse: a run allowed today and blocked after the
merge, or a new enforce-mode violation. Violations the destination already has are listed and do not fail;
warn-mode findings never fail. Imports of other repositories cannot be read here and are reported.

Options:
  --source FILE            the pull request's pipeline file
  --destination FILE       the destination branch's pipeline file as it is
  --branch NAME            the destination branch, e.g. main
  --source-branch NAME     the pull request's source branch (default: pull-request)
  --policy FILE            policy in YAML or JSON (default: ./pipeline-guard.yaml; in a checkout of
                           Pipeline Guard without one, examples/policy.yaml)
  --repository SLUG        run as this repository (or WORKSPACE/SLUG), for scoped environments
  --project KEY            the repository's Bitbucket project key, e.g. PAY (with --repository)
  --format text|json       text for people (default), json for scripts
  -h, --help               show this help

Exit status: 0 the check passes, 1 it fails, 2 a file or the policy is unusable.
`;

export const REPLAY_HELP =
  'Usage: pipeline-guard replay <samples.jsonl|-> --policy DRAFT --baseline CURRENT ' +
  `[--format text|json]

Replays run samples under a policy draft and under the enforced policy, through the provider's own
engine, and compares: runs the draft newly blocks (with the message a developer would get), runs it
newly allows, steps whose environment, runners or identity change, and new warnings, per
repository and per rule. The same comparison as the settings page's Replay, for a policy
repository's own CI.

The samples are JSON Lines, one run per line, as the settings page exports them (Preview → Replay →
Export samples):
  { "request": <the run request as the provider received it, without variable values>,
    "repository": { "slug": "payments-api", "project": "PAY" } }      ("repository" is optional)
Runs replay without break-glass grants and without variable values.

Options:
  --policy FILE            the draft policy (YAML or JSON)
  --baseline FILE          the enforced policy to compare with (export it from the settings page)
  --format text|json       text for people (default), json for scripts

Exit status: 0 the draft newly blocks no run, 1 it newly blocks at least one, 2 unusable input
(an unreadable file, a line that is not a sample, no samples, an invalid policy).
`;

export const TRUST_CHECK_HELP = `Usage:
  pipeline-guard trust-check <policy> --env NAME --deployed FILE|- [--deployed FILE]
         --workspace SLUG --workspace-uuid UUID [options]

Compares the trust deployed in the cloud with what \`trust-policy\` generates for the environment, and
reports each condition that is missing or weaker (network, repository, deployment environment, branch,
audience, token lifetime, wildcard repository or workspace), and each that is stricter. It reads the
JSON the cloud's own CLI prints, exactly as printed, and never calls a cloud:
  AWS    aws iam get-role --role-name NAME --output json
  GCP    gcloud iam workload-identity-pools providers describe PROVIDER --workload-identity-pool=POOL \\
           --location=global --project=PROJECT --format=json
         gcloud iam service-accounts get-iam-policy ACCOUNT --format=json
         (two --deployed files, in either order: told apart by their shape)
  Vault  vault read -format=json auth/MOUNT/role/NAME
A barrier that admits every repository of the workspace is reported as weaker even when generated so:
pass --repository-uuid, as for trust-policy.

Options:
  --env NAME                           the environment to check (required)
  --deployed FILE|-                    the cloud CLI's JSON ("-" reads standard input); repeat for GCP
  --workspace SLUG                     workspace slug, as in https://bitbucket.org/SLUG/
  --workspace-uuid UUID                workspace UUID, braces optional
  --account ID                         12-digit AWS account of the role (default: from the role ARN)
  --repository-uuid UUID               the repositories the barrier may admit; repeat for more
  --deployment-environment-uuid UUID   the deployment environments it may admit; repeat for more
  --format text|json                   text for people (default), json for scripts
  -h, --help                           show this help

Exit status: 0 at least as strict as generated, 1 weaker, 2 unusable policy, options or JSON.
`;
