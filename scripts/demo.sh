#!/usr/bin/env bash
# `npm run demo`: the simulator on the bundled example pipelines with the example policy, the way
# a developer runs it. The blocked run exits with status 1; the demo shows that and carries on.
set -u
cd "$(dirname "$0")/.."

bold='' plain=''
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; fi

show() {
  printf '\n%s━━ %s%s\n$ npx pipeline-guard %s\n\n' "$bold" "$1" "$plain" "${*:2}"
  node build/cli/pipeline-guard.js "${@:2}"
  printf '(exit status %d)\n' "$?"
}

show "1. An allowed run on main: every step gets its environment's runners, and a scan step goes first" \
  simulate examples/pipelines/build.yml --branch main
show "2. A PROD step on a feature branch: blocked, with the rule, the line and the fix" \
  simulate examples/pipelines/deploy.yml --branch feature/x
show "3. The same file on main: OIDC setup for each environment's own role is injected, PROD waits for a person" \
  simulate examples/pipelines/deploy.yml --branch main
