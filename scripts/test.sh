#!/usr/bin/env bash
# Runs every check and test: format, lint, types, build, generated contract files up to date,
# then the unit, integration and end-to-end tests against the real PostgreSQL, Redis and Kafka
# (started here if needed).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node_modules
bash "$REPO_ROOT/scripts/infra.sh" up
cd "$REPO_ROOT"
started=$(now_ms)
npx nx format:check --all
npx nx run-many -t lint typecheck build check-generated --output-style=static
npx nx run-many -t test --output-style=static
info "All checks and tests passed in $(elapsed_s "$started") s."
