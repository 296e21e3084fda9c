#!/usr/bin/env bash
# Lints the shared corpus with a freshly built binary and prints, per
# corpus: files, MB, wall seconds, MB/s and peak RSS. Usage:
#   scripts/bench.sh [CORPUS_DIR]   (default ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
bin=$(mktemp -d)/hardline
go build -o "$bin" .
if [ ! -x /usr/bin/time ]; then
  echo "bench.sh needs GNU time: apt-get install -y time" >&2
  exit 2
fi
printf '%-12s %6s %8s %8s %8s %10s\n' corpus files MB wall_s MB/s peak_RSS_MB
for sub in k8s dockerfiles; do
  dir=$corpus/$sub
  files=$(find "$dir" -type f | wc -l)
  bytes=$(find "$dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
  log=$(mktemp)
  # Exit 1 means findings; only 2 (or worse) is a failure here.
  /usr/bin/time -v "$bin" lint --profile all "$dir" >/dev/null 2>"$log" || [ $? -eq 1 ] || { cat "$log" >&2; exit 1; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2/1024}' "$log")
  awk -v c="$sub" -v f="$files" -v b="$bytes" -v w="$wall" -v r="$rss" \
    'BEGIN {mb=b/1048576; printf "%-12s %6d %8.1f %8.2f %8.1f %10.0f\n", c, f, mb, w, (w>0?mb/w:0), r}'
  rm -f "$log"
done

# Start-up plus one small file, as an editor save hook or pre-commit runs it.
small=testdata/examples/deployment.yaml
start=$(date +%s%N)
for _ in $(seq 20); do "$bin" lint "$small" >/dev/null || true; done
end=$(date +%s%N)
awk -v ns=$((end - start)) 'BEGIN {printf "one small file: %.1f ms wall (mean of 20 runs)\n", ns/20/1e6}'

# Rego policies: the same small inputs with and without the example policies
# (OPA is linked either way; only the run with policies compiles them), and
# their evaluation cost per object.
for with in "" "--policy testdata/policies/policy --data testdata/policies/data"; do
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  for _ in $(seq 20); do "$bin" lint --profile baseline $with testdata/policies/input >/dev/null || true; done
  end=$(date +%s%N)
  awk -v ns=$((end - start)) -v w="${with:+with}" 'BEGIN {printf "policy example inputs, %s policies: %.1f ms wall (mean of 20 runs)\n", (w==""?"without":"with"), ns/20/1e6}'
done
go test ./rules/policy -run '^$' -bench PolicyEval | grep Benchmark

# The language server: typing latency into a 2,000-line manifest (server-side
# p50/p99), code action latency, and RSS with 50 such documents open.
go test ./lsp -run '^$' -bench 'Typing|CodeAction' -benchtime 300x | grep Benchmark
go test ./lsp -run '^$' -bench OpenDocuments -benchtime 1x | grep Benchmark
