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

# Finds a Python 3 interpreter of at least version $1 (e.g. 3.9): the versioned names first, then python3.
find_python() {
  local want="$1" candidate
  for candidate in python3.13 python3.12 python3.11 python3.10 python3.9 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c "import sys; sys.exit(0 if sys.version_info >= tuple(map(int, '$want'.split('.'))) else 1)" 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# Creates the virtualenv $1 from the requirements file $2 with Python >= $3, re-installing only when the
# requirements file changed since the last install (a copy of it is the stamp).
ensure_python_env() {
  local venv="$1" requirements="$2" want="$3" stamp="$1/.mlplat-requirements"
  if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp"; then
    return 0
  fi
  local python
  if ! python="$(find_python "$want")"; then
    mlplat_log "needs Python >= $want for ${venv#"$MLPLAT_ROOT"/} (from ${requirements#"$MLPLAT_ROOT"/}); install it (e.g. apt-get install python3 python3-venv) and run again"
    return 1
  fi
  mlplat_log "installing ${requirements#"$MLPLAT_ROOT"/} into ${venv#"$MLPLAT_ROOT"/} ($("$python" --version))"
  if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv" >&2 || {
      mlplat_log "could not create $venv: on Debian/Ubuntu install python3-venv"
      return 1
    }
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$stamp"
}

# The embedded AWS emulator (moto) for sandboxes and integration tests, in the project-local .venv. With
# MLPLAT_EMULATOR=localstack and no LOCALSTACK_AUTH_TOKEN (so no container), also localstack-core for the host.
ensure_venv() {
  ensure_python_env "$MLPLAT_ROOT/.venv" "$MLPLAT_ROOT/scripts/cli/emulator/requirements.txt" 3.9
  if [ "${MLPLAT_EMULATOR:-}" = "localstack" ] && [ -z "${LOCALSTACK_AUTH_TOKEN:-}" ]; then
    ensure_python_env "$MLPLAT_ROOT/.tools/localstack-venv" \
      "$MLPLAT_ROOT/scripts/cli/emulator/requirements-localstack.txt" 3.13
  fi
}
