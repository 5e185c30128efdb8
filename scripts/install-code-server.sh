#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 for the browser, from the npm registry only) into a
# cache directory outside the repo, for the real-VS-Code tests (test/vscode/launch.ts,
# test/ui/run.ts). Follows shared/reference/real-vscode-offline.md:
#   - apt packages libkrb5-dev ripgrep chromium (only those missing; plus a C++ toolchain
#     and python3 for the native rebuilds if absent),
#   - `npm pack code-server@4.100.3`, `npm install --ignore-scripts` (the package's own
#     postinstall downloads ripgrep from GitHub, which is not reachable here),
#   - explicit rebuilds of the native modules, ripgrep symlink, node_modules.asar symlink,
#   - npm install of the built-in extensions.
#
# Idempotent: the tree is built in a temporary directory next to the target and renamed
# into place only once complete (it carries a marker file), so an interrupted install is
# simply redone on the next run. Concurrent runs are serialised with flock.
#
# Target: ${AUTH0_COGNITO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-cognito-bridge}/code-server-4.100.3
# The last line on stdout is that directory; everything else goes to stderr.
# Quiet: the output of npm, node-gyp and the checks goes to install-code-server.log in the
# cache directory; its last lines are printed only when something really failed.
set -euo pipefail

VERSION=4.100.3
CACHE_ROOT="${AUTH0_COGNITO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-cognito-bridge}"
DEST="$CACHE_ROOT/code-server-$VERSION"
MARKER=".auth0-cognito-install-complete"
PTY_REL="lib/vscode/node_modules/node-pty/build/Release/pty.node"

# Keep stdout clean for the final path: everything else goes to stderr.
exec 3>&1 1>&2

log() { printf '[install-code-server] %s\n' "$*" >&2; }
LOG=""   # set once the cache directory exists
die() {
  log "ERROR: $*"
  if [ -n "$LOG" ] && [ -s "$LOG" ]; then
    log "last lines of $LOG:"
    tail -n 40 "$LOG" >&2
  fi
  exit 1
}
# Runs a command with its output appended to $LOG (the command line first); keeps its exit code.
quiet() {
  printf '\n$ %s\n' "$*" >>"$LOG"
  "$@" >>"$LOG" 2>&1
}

is_complete() { [ -f "$1/$MARKER" ] && [ -f "$1/$PTY_REL" ] && [ -f "$1/out/node/entry.js" ]; }

if is_complete "$DEST"; then
  log "already installed: $DEST"
  echo "$DEST" >&3
  exit 0
fi

# ---------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------
command -v node >/dev/null || die "node is not on PATH (Node 20 is required: code-server $VERSION declares engines.node 20)"
command -v npm >/dev/null || die "npm is not on PATH"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" = "20" ] || log "WARNING: node $(node --version); code-server $VERSION is built for Node 20, native modules may not load"

missing=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v flock >/dev/null 2>&1 || missing+=(util-linux)

if [ "${#missing[@]}" -gt 0 ]; then
  log "installing apt packages: ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install ${missing[*]}"
    SUDO=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
RG="$(command -v rg)" || die "ripgrep (rg) not found after apt install"

# Build native modules against the running Node's own headers when it ships them (Debian,
# NodeSource and nodejs.org builds do), so node-gyp does not try to download them.
NODE_PREFIX="$(node -p 'require("path").resolve(process.execPath, "../..")')"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$NODE_PREFIX/include/node/common.gypi" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
fi

# ---------------------------------------------------------------------------------------
# Build in a temp dir, then rename into place (serialised against concurrent runs)
# ---------------------------------------------------------------------------------------
mkdir -p "$CACHE_ROOT"
CACHE_ROOT="$(cd "$CACHE_ROOT" && pwd)"
exec 9>"$CACHE_ROOT/.code-server-$VERSION.lock"
flock 9
if is_complete "$DEST"; then   # another run finished while we waited for the lock
  log "installed by a concurrent run: $DEST"
  echo "$DEST" >&3
  exit 0
fi

# Leftovers of interrupted runs (we hold the lock, so nobody else is building).
rm -rf "$CACHE_ROOT"/.tmp-code-server-"$VERSION".*
TMP="$(mktemp -d "$CACHE_ROOT/.tmp-code-server-$VERSION.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

LOG="$CACHE_ROOT/install-code-server.log"
: >"$LOG"
log "log: $LOG"

start=$(date +%s)
cd "$TMP"
log "npm pack code-server@$VERSION"
quiet npm pack "code-server@$VERSION" --silent || die "npm pack code-server@$VERSION failed"
quiet tar xzf "code-server-$VERSION.tgz" || die "could not unpack code-server-$VERSION.tgz"
rm -f "code-server-$VERSION.tgz"
cd package

log "npm install (code-server)"
quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error || die "npm install (code-server) failed"
quiet npm rebuild argon2 --loglevel=error || die "npm rebuild argon2 failed"

log "npm install (lib/vscode) + native rebuilds"
(
  cd lib/vscode
  quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error || die "npm install (lib/vscode) failed"
  # node-pty's rebuild reports an error from a helper step after pty.node is built: tolerate
  # the exit code (its output stays in the log), the artifact checks below decide.
  quiet npm rebuild kerberos @vscode/spdlog native-watchdog node-pty @vscode/deviceid --loglevel=error \
    || printf '(npm rebuild exited non-zero: known for node-pty helper step; the artifacts are checked next)\n' >>"$LOG"
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sf "$RG" node_modules/@vscode/ripgrep/bin/rg
  ln -sfn node_modules node_modules.asar
)

log "npm install (lib/vscode/extensions)"
(cd lib/vscode/extensions && quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) \
  || die "npm install (lib/vscode/extensions) failed"

# ---------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------
[ -f "$PTY_REL" ] || die "$PTY_REL was not built (node-pty rebuild failed)"
for f in \
  lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node \
  lib/vscode/node_modules/native-watchdog/build/Release/watchdog.node \
  lib/vscode/node_modules/kerberos/build/Release/kerberos.node; do
  [ -f "$f" ] || die "$f was not built"
done
[ -x lib/vscode/node_modules/@vscode/ripgrep/bin/rg ] || die "ripgrep symlink is broken"
quiet node -e "require('./lib/vscode/node_modules/node-pty')" || die "node-pty does not load"
quiet node out/node/entry.js --version || die "code-server does not start (node out/node/entry.js --version)"

touch "$MARKER"
cd "$CACHE_ROOT"
rm -rf "$DEST"                  # a half-written tree from an older layout, if any
mv "$TMP/package" "$DEST"
log "installed code-server $VERSION into $DEST in $(( $(date +%s) - start ))s (excluding apt)"
echo "$DEST" >&3
