#!/usr/bin/env bash
# The GitHub Action's step (action.yml): builds hardline from the action's
# source and lints. Inputs arrive as INPUT_* variables, as action.yml passes
# them, so the tests run this script as the runner would. HARDLINE_BIN skips
# the build.
set -uo pipefail

bin=${HARDLINE_BIN:-}
if [ -z "$bin" ]; then
  bin="${RUNNER_TEMP:-$(mktemp -d)}/hardline"
  if ! (cd "${HARDLINE_SOURCE:?}" && go build -trimpath -o "$bin" .); then
    echo "::error title=hardline::could not build hardline from $HARDLINE_SOURCE"
    exit 2
  fi
fi

args=(lint --format "${INPUT_FORMAT:-github}" --fail-on "${INPUT_FAIL_ON:-error}")
[ -n "${INPUT_PROFILE:-}" ] && args+=(--profile "$INPUT_PROFILE")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
sarif=${INPUT_SARIF_FILE:-}
[ -n "$sarif" ] && args+=(--output "sarif=$sarif")

# Paths split on white space, without globbing (directories are recursive).
set -f
# shellcheck disable=SC2206
paths=(${INPUT_PATHS:-.})
set +f

status=0
"$bin" "${args[@]}" -- "${paths[@]}" || status=$?

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$status" >>"$GITHUB_OUTPUT"
  if [ -n "$sarif" ] && [ -f "$sarif" ]; then
    echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
  else
    echo "sarif-file=" >>"$GITHUB_OUTPUT"
  fi
fi
exit "$status"
