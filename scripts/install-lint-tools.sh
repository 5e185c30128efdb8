#!/usr/bin/env bash
# Installs the linters the export tests run on the exported templates (issue 10):
#   cfn-lint       CloudFormation templates (AWS's own linter)
#   checkov        security checks on the Terraform files
#   python-hcl2    parses the Terraform files (HCL2 -> Python)
# into one Python venv in a cache dir OUTSIDE the repo, and prints the path of the venv's
# bin dir as the last line of stdout. The folder is keyed by the three pinned versions:
# changing one builds a new one.
#
#   bash scripts/install-lint-tools.sh          # install if needed, print the bin dir
#   AUTH0_COGNITO_CACHE=/somewhere bash scripts/install-lint-tools.sh
#   LINT_PYTHON=/usr/bin/python3 bash scripts/install-lint-tools.sh
#
# In the bin dir: cfn-lint, checkov, and python-hcl2 (the venv's python with python-hcl2 on
# its path: `python-hcl2 -c 'import hcl2; ...'`). checkov depends on bc-python-hcl2, a fork
# that installs a module named `hcl2` too: in one site-packages the two overwrite each other,
# so python-hcl2 lives in its own folder (pip --target) beside the venv.
#
# Idempotent: a finished install is detected by a marker file and reused. The venv is built in
# a temp dir beside the final one and renamed into place only when complete, so an interrupted
# install is simply redone next time. Concurrent runs are serialised with flock.
# Progress and pip output go to stderr; stdout carries only the final path.
set -euo pipefail

CFN_LINT_VERSION="1.58.0"
CHECKOV_VERSION="3.3.30"
PYTHON_HCL2_VERSION="8.1.4"

CACHE_ROOT="${AUTH0_COGNITO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-cognito-bridge}"
KEY="lint-cfnlint-$CFN_LINT_VERSION-checkov-$CHECKOV_VERSION-hcl2-$PYTHON_HCL2_VERSION"
DEST="$CACHE_ROOT/$KEY"
MARKER="$DEST/.install-complete"
PYTHON="${LINT_PYTHON:-python3}"

log() { printf '[install-lint-tools] %s\n' "$*" >&2; }

is_complete() {
  [[ -f "$MARKER" && -x "$DEST/bin/cfn-lint" && -x "$DEST/bin/checkov" && -x "$DEST/bin/python-hcl2" && -x "$DEST/bin/python" ]] &&
    "$DEST/bin/python" -c 'import cfnlint, checkov' >/dev/null 2>&1 &&
    [[ "$("$DEST/bin/python-hcl2" -c 'from importlib.metadata import version; import hcl2; print(version("python-hcl2"))' 2>/dev/null)" == "$PYTHON_HCL2_VERSION" ]]
}

# Fast path without taking the lock.
if is_complete; then
  printf '%s\n' "$DEST/bin"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lint-install.lock"
flock 9

# Another process may have finished the install while we waited for the lock.
if is_complete; then
  printf '%s\n' "$DEST/bin"
  exit 0
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  log "no $PYTHON on PATH: install python3 (with its venv module), or set LINT_PYTHON"
  exit 1
fi
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  log "$PYTHON has no working venv/ensurepip: run scripts/install-moto.sh first (it installs python3-venv), or set LINT_PYTHON"
  exit 1
fi

# Remove a stale/partial final dir and leftovers of interrupted builds.
if [[ -e "$DEST" ]]; then
  log "removing incomplete install at $DEST"
  rm -rf "$DEST"
fi
rm -rf "$CACHE_ROOT/.$KEY.tmp."*

TMP="$(mktemp -d "$CACHE_ROOT/.$KEY.tmp.XXXXXX")"
chmod 755 "$TMP"
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT

start=$(date +%s)
log "creating venv with $("$PYTHON" --version 2>&1) in $TMP"
"$PYTHON" -m venv "$TMP"
log "pip install cfn-lint==$CFN_LINT_VERSION checkov==$CHECKOV_VERSION"
"$TMP/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  "cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION" >&2
log "pip install --target python-hcl2 python-hcl2==$PYTHON_HCL2_VERSION"
"$TMP/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  --target "$TMP/python-hcl2" "python-hcl2==$PYTHON_HCL2_VERSION" >&2

# Console scripts and activate scripts carry the absolute path of the venv they were built in:
# point them at the final location.
for f in "$TMP"/bin/*; do
  [[ -f "$f" && ! -L "$f" ]] || continue
  if grep -Iq -F "$TMP" "$f" 2>/dev/null; then
    sed -i "s#$TMP#$DEST#g" "$f"
  fi
done
[[ -f "$TMP/pyvenv.cfg" ]] && sed -i "s#$TMP#$DEST#g" "$TMP/pyvenv.cfg"

# python-hcl2: the venv's python with the --target folder first on its path (relative to the
# script, so it needs no rewriting).
cat >"$TMP/bin/python-hcl2" <<'EOF'
#!/usr/bin/env bash
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONPATH="$here/../python-hcl2${PYTHONPATH:+:$PYTHONPATH}" exec "$here/python" "$@"
EOF
chmod 755 "$TMP/bin/python-hcl2"

"$TMP/bin/python" -c 'import cfnlint, checkov' >&2
printf 'cfn-lint %s, checkov %s, python-hcl2 %s installed %s\n' "$CFN_LINT_VERSION" "$CHECKOV_VERSION" "$PYTHON_HCL2_VERSION" "$(date -u +%FT%TZ)" >"$TMP/.install-complete"

mv "$TMP" "$DEST"
trap - EXIT

if ! is_complete; then
  log "install at $DEST does not work after moving it into place"
  exit 1
fi
log "done in $(($(date +%s) - start)) s"
printf '%s\n' "$DEST/bin"
