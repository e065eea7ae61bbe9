#!/usr/bin/env bash
# Starts the whole system locally: dependencies, infrastructure (PostgreSQL and Redis checked,
# databases created, Kafka started), a build, then the four services in the foreground.
# Ctrl-C stops the services; `npm run infra:down` stops Kafka.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node_modules
bash "$REPO_ROOT/scripts/infra.sh" up
cd "$REPO_ROOT"
info "Building the services..."
npx nx run-many -t build --output-style=static >/dev/null
exec node -r @swc-node/register scripts/run-services.ts
