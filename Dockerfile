# The hourly job's image. Cloud Run Jobs starts it with no arguments; configuration comes
# from the environment (see docs/configuration.md).
#
#   build    installs every dependency exactly as CI does (`npm ci`) and compiles (`npm run build`)
#   runtime  production dependencies only, the compiled job and the bundled sample; no
#            sources, tests or dev dependencies; runs as the unprivileged `node` user
#
# Keep the Node version equal to the `node` dev dependency in package.json, which runs the
# tests (test/ship/dockerfile.test.ts checks this).

FROM node:24.9.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24.9.0-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS="--enable-source-maps"
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# dist/package.json is the compiled copy the CLI imports for its version.
COPY --from=build /app/dist/package.json ./dist/package.json
COPY --from=build /app/dist/src ./dist/src
# With no project configured the job reads this export, so `docker run IMAGE` is a smoke test.
COPY samples/export.json ./samples/export.json
USER node
# V8's heap, sized for a small container (npm start and npm run bench:source use these same flags):
#   --max-semi-space-size=16   a 16 MB young generation (V8 picks 64 MB+ on big hosts)
#   --heap-growing-percent=30  the old generation may grow to 1.3 times what a full collection
#                              leaves before the next one, not 2-4 times: an hour of thousands
#                              of clusters then stays under the memory target while its worklog
#                              is written. Figures and cost: docs/performance.md.
# On the command line, not in NODE_OPTIONS: Node refuses most V8 flags there.
ENTRYPOINT ["node", "--max-semi-space-size=16", "--heap-growing-percent=30", "dist/src/cli.js", "run"]
