# syntax=docker/dockerfile:1
# One image per Relais service, all from the same stages:
#   docker build --build-arg SERVICE=gateway -t relais-gateway .
# or `docker compose up --build` (docker-compose.yml builds each service with its SERVICE).
# The command can also be overridden: `node services/<name>/dist/main.js`.
ARG NODE_IMAGE=node:20-bookworm-slim

# Only the package manifests: the `npm ci` layers below stay cached until a manifest changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -depth -type d -empty -delete

# Every dependency, the build tools included.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NX_DAEMON=false NX_TUI=false NX_NO_CLOUD=true CI=true
COPY --from=manifests /app ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# Every service and the libraries they use, compiled with tsc through Nx (dist/ of each project).
FROM deps AS build
COPY . .
RUN npx nx run-many -t build --projects=tag:type:app --outputStyle=static \
 && mkdir /out \
 && tar --exclude=node_modules --exclude='*.spec.ts' --exclude='*.spec.js' --exclude='*.spec.d.ts' --exclude='*.tsbuildinfo' \
        -cf - libs services config | tar -xf - -C /out

# Run-time dependencies only (workspace packages are linked to libs/* and services/*).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /app ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE=gateway
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    RELAIS_ROUTING_FILE=/app/config/routing.json
WORKDIR /app
COPY --from=prod-deps /app ./
COPY --from=build /out ./
# .relais/ holds what a service writes at run time (the gateway's generated admin token); a volume
# mounted there keeps it across restarts. config/ stays writable: operators edit routing.json in place.
RUN mkdir -p /app/.relais && chown -R node:node /app/.relais /app/config
USER node
EXPOSE 3000 3100
STOPSIGNAL SIGTERM
# exec: node is PID 1's only child-free process and receives SIGTERM from `docker stop` directly.
CMD ["sh", "-c", "exec node --enable-source-maps services/${SERVICE}/dist/main.js"]
