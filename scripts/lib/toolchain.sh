# shellcheck shell=bash
# Sourced by the scripts in scripts/: puts Node.js >= 22 on PATH and installs the npm packages.
#
# The machines this template targets may have an older Node (20). @pulumi/pulumi needs 22, so where the
# installed Node is older we take Node 22 from the npm registry (package `node`, which fetches the
# platform binary) into .tools/node, a project-local folder that git ignores.

MLPLAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MLPLAT_NODE_VERSION="$(tr -d 'v \n' <"$MLPLAT_ROOT/.nvmrc")"
MLPLAT_NODE_DIR="$MLPLAT_ROOT/.tools/node"

mlplat_log() { printf '[mlplat] %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if [ -x "$MLPLAT_NODE_DIR/node_modules/.bin/node" ]; then
    export PATH="$MLPLAT_NODE_DIR/node_modules/.bin:$PATH"
  fi
  local want="${MLPLAT_NODE_VERSION%%.*}"
  if [ "$(node_major)" -ge "$want" ]; then
    return 0
  fi
  mlplat_log "Node $(node -v 2>/dev/null || echo 'not found') is older than $want; installing node@$MLPLAT_NODE_VERSION from the npm registry into .tools/node"
  mkdir -p "$MLPLAT_NODE_DIR"
  npm install --prefix "$MLPLAT_NODE_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "node@$MLPLAT_NODE_VERSION" >&2
  export PATH="$MLPLAT_NODE_DIR/node_modules/.bin:$PATH"
  if [ "$(node_major)" -lt "$want" ]; then
    mlplat_log "could not obtain Node $want (node -v: $(node -v 2>/dev/null))"
    return 1
  fi
}

# Installs the locked npm packages when package-lock.json changed since the last install, then builds the CLI.
ensure_packages() {
  local stamp="$MLPLAT_ROOT/node_modules/.mlplat-lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$MLPLAT_ROOT/package-lock.json" "$stamp"; then
    mlplat_log "installing npm packages (npm ci)"
    (cd "$MLPLAT_ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2)
    cp "$MLPLAT_ROOT/package-lock.json" "$stamp"
  fi
}

ensure_build() {
  (cd "$MLPLAT_ROOT" && npm run --silent build >&2)
}
