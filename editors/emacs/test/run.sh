#!/usr/bin/env bash
# Runs hardline-eglot.el in a headless Emacs (emacs-nox, elpa-eglot,
# elpa-yaml-mode) against the real server and checks the file it saved.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/ws"
if [ -n "${HARDLINE_BIN:-}" ]; then
  ln -s "$HARDLINE_BIN" "$work/bin/hardline"
else
  (cd "$repo" && go build -o "$work/bin/hardline" .)
fi
cp "$repo/testdata/editors/deployment.yaml" "$work/ws/"

# The snippet runs "hardline" from PATH, as it would for a user.
PATH="$work/bin:$PATH" HARDLINE_WORKSPACE=$work/ws timeout 120 emacs --batch -l "$here/fix-test.el"

echo
fail() { echo "emacs test: $*" >&2; exit 1; }
grep -q "allowPrivilegeEscalation: false" "$work/ws/deployment.yaml" || fail "no allowPrivilegeEscalation: false on disk"
while IFS= read -r comment; do
  grep -qF -- "$comment" "$work/ws/deployment.yaml" || fail "comment lost: $comment"
done < <(grep -o '#.*' "$repo/testdata/editors/deployment.yaml")
echo "emacs test: ok ($(emacs --version | head -1))"
