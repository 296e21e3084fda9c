#!/usr/bin/env bash
# Builds platform-specific VSIX packages, each with the hardline binary for its
# platform in bin/, so installing the VSIX is the only step.
#
#   scripts/package.sh                  linux-x64 (what CI checks)
#   scripts/package.sh darwin-arm64 …   these VS Code targets
#   scripts/package.sh all              every target below
#
# Binaries are cross-compiled with CGO_ENABLED=0 (hardline has no cgo).
# Packages land in build/hardline-TARGET-VERSION.vsix.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A goos=([linux-x64]=linux [linux-arm64]=linux [alpine-x64]=linux [alpine-arm64]=linux
  [darwin-x64]=darwin [darwin-arm64]=darwin [win32-x64]=windows [win32-arm64]=windows)
declare -A goarch=([linux-x64]=amd64 [linux-arm64]=arm64 [alpine-x64]=amd64 [alpine-arm64]=arm64
  [darwin-x64]=amd64 [darwin-arm64]=arm64 [win32-x64]=amd64 [win32-arm64]=arm64)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(linux-x64)
elif [ "${targets[0]}" = all ]; then
  targets=(linux-x64 linux-arm64 alpine-x64 alpine-arm64 darwin-x64 darwin-arm64 win32-x64 win32-arm64)
fi
for t in "${targets[@]}"; do
  if [ -z "${goos[$t]:-}" ]; then
    echo "package: unknown target $t (known: ${!goos[*]})" >&2
    exit 2
  fi
done

version=$(node -p 'require("./package.json").version')
npm run --silent build
mkdir -p build
# The package carries the project's license (vsce looks for it here).
cp ../../LICENSE LICENSE
trap 'rm -f LICENSE' EXIT
for t in "${targets[@]}"; do
  rm -rf bin
  mkdir bin
  exe=hardline
  [ "${goos[$t]}" = windows ] && exe=hardline.exe
  (cd ../.. && CGO_ENABLED=0 GOOS=${goos[$t]} GOARCH=${goarch[$t]} \
    go build -trimpath -ldflags "-s -w" -o "editors/vscode/bin/$exe" .)
  # The bundle holds the client library, so node_modules stays out
  # (--no-dependencies). The project has no public repository yet.
  npx vsce package --target "$t" --no-dependencies --allow-missing-repository \
    --out "build/hardline-$t-$version.vsix"
done
rm -rf bin
