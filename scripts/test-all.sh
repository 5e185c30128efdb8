#!/usr/bin/env bash
# The whole test suite, as README.md gives it (`npm test`) and as .ci/run runs it:
#   type check, lint, build, engine unit tests, engine integration tests against moto and the
#   local Auth0 tenant, the in-host suites and the Playwright UI tests inside a real VS Code
#   (code-server) on two VS Code versions - the legs: `min` = VS Code 1.100.3 (engines.vscode)
#   on this Node 20, `newest` = VS Code 1.139.1 on Node 24 from the npm registry - and the
#   packaged .vsix installed into code-server.
# Installs moto, the export linters, both code-servers and Node 24 into the cache outside the
# repo when they are missing (scripts/install-code-server.sh, scripts/install-node.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-artifacts
passed=0
failed=0
status=0

step() { printf '\n=== %s ===\n' "$*"; }

# Runs a mocha config, adds its counts to the totals.
mocha_step() {
  local name=$1 config=$2 log=".test-artifacts/$1.log"
  step "$name"
  npx mocha --config "$config" --reporter spec 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -Eo '^ +[0-9]+ passing' "$log" | grep -Eo '[0-9]+' | tail -1)
  f=$(grep -Eo '^ +[0-9]+ failing' "$log" | grep -Eo '[0-9]+' | tail -1)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
  [ "$rc" -eq 0 ] || status=1
}

# Runs a launcher that prints "<name>: N passed, M failed" (name@leg: the leg's run of <name>).
launcher_step() {
  local name=$1; shift
  local prefix=${name%%@*}
  local log=".test-artifacts/${name/@/-}.log"
  step "$name"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line p f
  line=$(grep -E "^$prefix: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
  f=$(sed -E 's/.*, ([0-9]+) failed.*/\1/' <<<"$line")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
  [ "$rc" -eq 0 ] || status=1
}

step "type check"; npx tsc --noEmit -p . || { echo "type check failed"; exit 1; }
step "lint"; npx eslint . || { echo "lint failed"; exit 1; }
step "build"; node esbuild.mjs || { echo "build failed"; exit 1; }
step "install stand-ins (cached outside the repo)"
bash scripts/install-moto.sh >/dev/null || { echo "moto install failed"; exit 1; }
bash scripts/install-lint-tools.sh >/dev/null || { echo "lint tools (cfn-lint, checkov, python-hcl2) install failed"; exit 1; }
bash scripts/install-code-server.sh >/dev/null || { echo "code-server install (VS Code 1.100, leg min) failed"; exit 1; }
CODE_SERVER_VERSION=newest bash scripts/install-code-server.sh >/dev/null || { echo "code-server install (newest VS Code, leg newest) failed"; exit 1; }

mocha_step unit test/.mocharc.unit.json
mocha_step integration test/.mocharc.integration.json
for leg in min newest; do
  launcher_step "vscode@$leg" env A0C_CODE_SERVER_VERSION="$leg" node dist/test/vscode/launch.js
  launcher_step "ui@$leg" env A0C_CODE_SERVER_VERSION="$leg" node dist/test/ui/run.js
done
launcher_step vsix bash scripts/vsix-smoke.sh

printf '\n%s passed, %s failed\n' "$passed" "$failed"
exit $status
