#!/usr/bin/env bash
# Installs moto's server (the AWS stand-in used by the integration tests) and the
# AWS CLI v1 (`awscli` from PyPI, for scripts/bench-awscli.ts: its `aws` is beside
# moto_server) into one Python venv in a cache dir OUTSIDE the repo, and prints the
# path of its moto_server executable as the last line of stdout. The venv's folder
# is keyed by both pinned versions: changing either builds a new one.
#
#   bash scripts/install-moto.sh            # install if needed, print path
#   AUTH0_COGNITO_CACHE=/somewhere bash scripts/install-moto.sh
#   MOTO_PYTHON=/usr/bin/python3 bash scripts/install-moto.sh
#
# Idempotent: a finished install is detected by a marker file and reused. The
# venv is built in a temp dir beside the final one and renamed into place only
# when complete, so an interrupted install is simply redone next time.
# Concurrent runs are serialised with flock.
# Progress and pip output go to stderr; stdout carries only the final path.
set -euo pipefail

MOTO_VERSION="5.2.5"
# This awscli vendors its own botocore (awscli/botocore, no pin on moto's botocore); it needs Python >= 3.10.
AWSCLI_VERSION="1.46.3"

CACHE_ROOT="${AUTH0_COGNITO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-cognito-bridge}"
KEY="moto-$MOTO_VERSION-awscli-$AWSCLI_VERSION"
DEST="$CACHE_ROOT/$KEY"
MARKER="$DEST/.install-complete"
PYTHON="${MOTO_PYTHON:-python3}"

IMPORT_CHECK='import moto.server, moto.iam, moto.cognitoidentity, moto.sts, awscli.clidriver'

log() { printf '[install-moto] %s\n' "$*" >&2; }

is_complete() {
  [[ -f "$MARKER" && -x "$DEST/bin/moto_server" && -x "$DEST/bin/aws" && -x "$DEST/bin/python" ]] &&
    "$DEST/bin/python" -c "$IMPORT_CHECK" >/dev/null 2>&1
}

# Fast path without taking the lock.
if is_complete; then
  printf '%s\n' "$DEST/bin/moto_server"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.moto-install.lock"
flock 9

# Another process may have finished the install while we waited for the lock.
if is_complete; then
  printf '%s\n' "$DEST/bin/moto_server"
  exit 0
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  log "no $PYTHON on PATH; installing python3 with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq -o DPkg::Lock::Timeout=600 >&2
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 python3 >&2
fi

# `python3 -m venv` needs ensurepip; on Debian that is the python3-venv package.
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  pyver="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  log "$PYTHON has no working venv/ensurepip; installing python3-venv (and python$pyver-venv) with apt-get"
  if ! command -v apt-get >/dev/null 2>&1; then
    log "apt-get not found: install the venv module for $PYTHON by hand"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq -o DPkg::Lock::Timeout=600 >&2
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 python3-venv >&2 || true
  if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt-get install -y -qq -o DPkg::Lock::Timeout=600 "python$pyver-venv" >&2 || true
  fi
  # python3-venv only helps Debian's own python3: fall back to it if $PYTHON is another.
  if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1 &&
    /usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    log "using /usr/bin/python3 instead of $PYTHON"
    PYTHON=/usr/bin/python3
  fi
  if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    log "still no venv/ensurepip for $PYTHON after apt-get"
    exit 1
  fi
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
log "pip install moto[server]==$MOTO_VERSION awscli==$AWSCLI_VERSION"
"$TMP/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  "moto[server]==$MOTO_VERSION" "awscli==$AWSCLI_VERSION" >&2

# Console scripts (moto_server, aws, pip, ...) and activate scripts carry the absolute
# path of the venv they were built in: point them at the final location.
for f in "$TMP"/bin/*; do
  [[ -f "$f" && ! -L "$f" ]] || continue
  if grep -Iq -F "$TMP" "$f" 2>/dev/null; then
    sed -i "s#$TMP#$DEST#g" "$f"
  fi
done
[[ -f "$TMP/pyvenv.cfg" ]] && sed -i "s#$TMP#$DEST#g" "$TMP/pyvenv.cfg"

"$TMP/bin/python" -c "$IMPORT_CHECK" >&2
printf 'moto %s, awscli %s installed %s\n' "$MOTO_VERSION" "$AWSCLI_VERSION" "$(date -u +%FT%TZ)" >"$TMP/.install-complete"

mv "$TMP" "$DEST"
trap - EXIT

if ! is_complete; then
  log "install at $DEST does not work after moving it into place"
  exit 1
fi
log "done in $(($(date +%s) - start)) s"
printf '%s\n' "$DEST/bin/moto_server"
