#!/usr/bin/env bash
# Writes docs/corpus-stats.txt: per rule, the share of the corpus's objects
# it fires on (profile all). The corpus in ../shared grows between sessions,
# so the report is for reading in review, never a test's golden.
set -euo pipefail
cd "$(dirname "$0")/.."
HARDLINE_REQUIRE_CORPUS=1 go test ./rules -run '^TestCorpusStats$' -count=1 -report
echo "wrote docs/corpus-stats.txt"
