#!/usr/bin/env bash
# Random fuzzing, out of CI: CI only replays the committed seeds (plain
# `go test` does), so that a fuzzer's chance find never fails a
# submission. Run this by hand; an input that crashes, breaks a file or
# takes over HARDLINE_FUZZ_SLOW (super-linear work) lands in
# PACKAGE/testdata/fuzz/TARGET/: commit it with the fix, and from then on
# every `go test` replays it.
#
#   scripts/fuzz.sh            every target for 60 s
#   scripts/fuzz.sh 10m        every target for 10 minutes
#   scripts/fuzz.sh 30s FuzzFix
set -euo pipefail
cd "$(dirname "$0")/.."
time=${1:-60s}
only=${2:-}
export HARDLINE_FUZZ_SLOW=${HARDLINE_FUZZ_SLOW:-2s}
targets=(
  analyzer:FuzzKubernetes analyzer:FuzzDockerfile analyzer:FuzzFix analyzer:FuzzSkimAgrees
  analyzer/yamlfast:FuzzAgreesWithYAMLv3 analyzer/yamlfast:FuzzSkim
  fixes:FuzzDiff
  internal/jsonenc:FuzzJSONString
  lsp:FuzzLSPStdin lsp:FuzzLSPParams
)
status=0
for t in "${targets[@]}"; do
  pkg=${t%%:*} name=${t#*:}
  [ -n "$only" ] && [ "$only" != "$name" ] && continue
  echo "== $name ($pkg, $time)"
  if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$time" -fuzzminimizetime 10s "./$pkg"; then
    echo "fuzz: $name found an input: ./$pkg/testdata/fuzz/$name/ (commit it with the fix)" >&2
    status=1
  fi
done
exit $status
