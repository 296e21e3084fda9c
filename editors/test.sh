#!/usr/bin/env bash
# Tests every editor integration against the real server:
#   VS Code: the extension's unit tests, its integration test over LSP, and
#            the linux-x64 VSIX (built and inspected);
#   Neovim and Emacs: a real headless editor applies a quick fix (test/run.sh);
#   Helix: languages.toml parses and its settings are a valid config.
# Needs node/npm, nvim, emacs with eglot and yaml-mode, python3 (.ci/run installs
# them). HARDLINE_BIN: a built hardline to use (default: go build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "${HARDLINE_BIN:-}" ]; then
  HARDLINE_BIN=$work/hardline
  go build -o "$HARDLINE_BIN" .
fi
export HARDLINE_BIN

echo "== editors: VS Code extension (npm ci, npm test, npm run package)"
(
  cd editors/vscode
  npm ci --no-audit --no-fund --loglevel=error
  npm test
  rm -rf build
  npm run package
)
python3 - editors/vscode/build/hardline-linux-x64-*.vsix <<'PY'
import re, stat, subprocess, sys, tempfile, zipfile
vsix = zipfile.ZipFile(sys.argv[1])
names = set(vsix.namelist())
for want in ("extension/package.json", "extension/dist/extension.js", "extension/bin/hardline", "extension/LICENSE.txt"):
    assert want in names, f"{want} missing from the VSIX: {sorted(names)}"
assert not any(n.startswith("extension/node_modules/") or n.startswith("extension/src/") for n in names), sorted(names)
manifest = vsix.read("extension.vsixmanifest").decode()
assert 'TargetPlatform="linux-x64"' in manifest, manifest
mode = vsix.getinfo("extension/bin/hardline").external_attr >> 16
assert mode & stat.S_IXUSR, f"bundled binary not executable: {oct(mode)}"
with tempfile.TemporaryDirectory() as d:
    path = vsix.extract("extension/bin/hardline", d)
    subprocess.run(["chmod", "+x", path], check=True)
    out = subprocess.run([path, "rules", "KS201"], capture_output=True, text=True, check=True).stdout
    assert "allowPrivilegeEscalation" in out, out
print(f"vsix: ok ({sys.argv[1]}, {len(names)} files)")
PY

echo "== editors: Neovim"
bash editors/neovim/test/run.sh

echo "== editors: Emacs (eglot)"
bash editors/emacs/test/run.sh

echo "== editors: Helix"
python3 - editors/helix/languages.toml <<'PY'
import json, os, subprocess, sys, tempfile, tomllib
with open(sys.argv[1], "rb") as f:
    conf = tomllib.load(f)
server = conf["language-server"]["hardline"]
assert server["command"] == "hardline" and server["args"] == ["lsp"], server
langs = {l["name"]: l for l in conf["language"]}
for name in ("yaml", "dockerfile"):
    assert "hardline" in langs[name]["language-servers"], langs[name]
# The settings must be a valid .hardline.yaml: lint with them as the config.
with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
    json.dump(server["config"], f)
code = subprocess.run([os.environ["HARDLINE_BIN"], "lint", "--config", f.name, "testdata/editors"],
                      capture_output=True, text=True)
os.unlink(f.name)
assert code.returncode == 1, f"lint with the Helix settings exited {code.returncode}: {code.stderr}"
print("helix: ok")
PY
echo "editors: all green"
