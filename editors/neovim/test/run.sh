#!/usr/bin/env bash
# Runs the plugin in a real headless Neovim against the real server and
# checks the files it wrote. Needs nvim (0.7+) and HARDLINE_BIN (else builds).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${HARDLINE_BIN:-}" ]; then
  HARDLINE_BIN=$work/hardline
  (cd "$repo" && go build -o "$HARDLINE_BIN" .)
fi
mkdir "$work/ws"
cp "$repo/testdata/editors/deployment.yaml" "$repo/testdata/editors/Dockerfile" "$work/ws/"

HARDLINE_BIN=$HARDLINE_BIN HARDLINE_WORKSPACE=$work/ws timeout 120 \
  nvim --headless -u NONE -i NONE --cmd "set rtp^=$here/.." -c "luafile $here/fix_test.lua"

echo
fail() { echo "neovim test: $*" >&2; exit 1; }
grep -q "allowPrivilegeEscalation: false" "$work/ws/deployment.yaml" || fail "deployment.yaml has no allowPrivilegeEscalation: false"
grep -q "type: RuntimeDefault" "$work/ws/deployment.yaml" || fail "deployment.yaml has no seccompProfile from :HardlineFixAll"
# Every comment line of the original is still there, unchanged.
while IFS= read -r comment; do
  grep -qF -- "$comment" "$work/ws/deployment.yaml" || fail "comment lost: $comment"
done < <(grep -o '#.*' "$repo/testdata/editors/deployment.yaml")
grep -q "^USER 65532:65532$" "$work/ws/Dockerfile" || fail "Dockerfile has no USER from the lens"
echo "neovim test: ok ($(nvim --version | head -1))"
