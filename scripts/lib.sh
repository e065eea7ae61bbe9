# Shared helpers for the scripts in this folder. Source it; it does not run anything.
# shellcheck shell=bash

# shellcheck disable=SC2034 # used by the scripts that source this file
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Prefix messages with the script name so mixed output (CI, npm scripts) stays readable.
_log_tag="$(basename "${0:-script}" .sh)"
info() { printf '[%s] %s\n' "$_log_tag" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$_log_tag" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "$_log_tag" "$*" >&2
  exit 1
}

# need_cmd <command> <how to install>: stop with a message naming what is missing.
need_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found. Install it with: $2"
}

# port_open <host> <port>: true if something accepts TCP connections there.
# Uses bash's /dev/tcp so that no client tool (nc, kcat...) is needed.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# now_ms: wall clock in milliseconds, for "ready in 4.2 s" messages.
now_ms() { date +%s%3N; }

# elapsed_s <start_ms>: seconds since start_ms with one decimal.
elapsed_s() {
  local ms=$(($(now_ms) - $1))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# ensure_node_modules: npm ci when node_modules is missing or older than the lock file,
# so that a fresh clone needs no separate install step.
ensure_node_modules() {
  need_cmd node "apt-get install nodejs npm (Node.js 20.19 or newer)"
  local installed="$REPO_ROOT/node_modules/.package-lock.json"
  if [[ ! -f $installed || $REPO_ROOT/package-lock.json -nt $installed ]]; then
    info "Installing npm dependencies (npm ci)..."
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund)
  fi
}
