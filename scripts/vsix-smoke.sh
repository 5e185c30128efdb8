#!/usr/bin/env bash
# Packages the extension with vsce, installs the .vsix into code-server (a real VS Code) and
# checks that it is installed, holds only what it should, and that its CLI runs.
# Prints "vsix: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0; failed=0
check() { # check "description" command...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "  ok   $what"; else failed=$((failed + 1)); echo "  FAIL $what"; fi
}
cs_dir=$(bash scripts/install-code-server.sh | tail -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

npm run --silent package || { echo "vsix: 0 passed, 1 failed"; exit 1; }
vsix=dist/auth0-cognito-bridge.vsix
check "vsce produced $vsix" test -s "$vsix"
unzip -l "$vsix" > "$tmp/listing.txt"
check "the .vsix holds the extension and CLI bundles and the AWS/auth0/CLI command chunks" \
  bash -c "grep -q extension/dist/extension.js '$tmp/listing.txt' && grep -q extension/dist/cli.js '$tmp/listing.txt' && grep -q extension/dist/chunks/aws.js '$tmp/listing.txt' && grep -q extension/dist/chunks/auth0.js '$tmp/listing.txt' && grep -q extension/dist/chunks/cli-setup.js '$tmp/listing.txt' && grep -q extension/dist/webview/inspector.js '$tmp/listing.txt' && grep -q extension/dist/webview/thumbprint.js '$tmp/listing.txt'"
check "the .vsix holds every chunk dist/extension.js and its chunks require (the engines and views it loads on first use)" \
  bash -c "cs=\$(grep -oh 'chunks/[a-z0-9-]*\\.js' dist/extension.js dist/chunks/*.js | sort -u); test -n \"\$cs\" && for c in \$cs; do grep -q \"extension/dist/\$c\" '$tmp/listing.txt' || exit 1; done"
check "the .vsix holds the l10n bundle (package.json l10n) and package.nls.json" \
  bash -c "grep -q extension/l10n/bundle.l10n.json '$tmp/listing.txt' && grep -q extension/package.nls.json '$tmp/listing.txt'"
check "the .vsix holds no sources, tests, maps or node_modules" \
  bash -c "! grep -Eq 'extension/(src|test|node_modules)/|\\.map$|\\.ts$' '$tmp/listing.txt'"
echo "  size: $(stat -c %s "$vsix") bytes, $(grep -c 'extension/' "$tmp/listing.txt") files"

node "$cs_dir/out/node/entry.js" --extensions-dir "$tmp/ext" --user-data-dir "$tmp/data" --install-extension "$vsix" > "$tmp/install.log" 2>&1
check "code-server installs the .vsix" grep -qi 'was successfully installed' "$tmp/install.log"
node "$cs_dir/out/node/entry.js" --extensions-dir "$tmp/ext" --user-data-dir "$tmp/data" --list-extensions --show-versions > "$tmp/list.txt" 2>&1
check "code-server lists auth0-cognito-bridge.auth0-cognito-bridge" grep -q '^auth0-cognito-bridge.auth0-cognito-bridge@' "$tmp/list.txt"
cli=$(ls -d "$tmp"/ext/auth0-cognito-bridge.auth0-cognito-bridge-*/dist/cli.js 2>/dev/null | head -1)
check "the installed CLI prints its help" node "$cli" --help
check "the installed CLI rejects http:// with exit code 2" bash -c "node '$cli' thumbprint http://example.com; test \$? -eq 2"

echo "vsix: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
