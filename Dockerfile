# syntax=docker/dockerfile:1
# One recipe for the four services; the service is chosen at build time:
#   docker build --build-arg SERVICE=schools -t tremplin/schools .
# (docker-compose.yml and k8s/ use the image names tremplin/<service>.)
ARG NODE_IMAGE=node:20-bookworm-slim

# --- every dependency, for the build --------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- SWC build of the service and the libraries it uses into dist/ ----------------------------
FROM deps AS build
ARG SERVICE
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=<schools|companies|matching|notifications>" >&2; exit 1; }
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY . .
RUN npx nx run "$SERVICE:build" --skip-nx-cache \
 && test -f "dist/apps/$SERVICE/src/main.js"

# --- runtime: production dependencies, the compiled code, a non-root user ---------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE}
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && groupadd --gid 10001 tremplin \
 && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin tremplin
COPY --from=build /app/dist ./dist
COPY docker/healthcheck.js ./docker/healthcheck.js
USER 10001:10001
# The slim image has no curl: a few lines of node ask /health/live on the service's port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "docker/healthcheck.js"]
# exec: node is PID 1 and receives SIGTERM itself (graceful shutdown, SHUTDOWN_GRACE_MS).
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/$SERVICE/src/main.js"]
