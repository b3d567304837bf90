# Fuju Ledger's one image for the api and the projector (docker-compose.yml and deploy/k8s/ build
# and run it; the projector is the same image with another command). Multi-stage: the build stage
# compiles TypeScript and the dashboard; the runtime stage holds production dependencies only.
# Checked in CI by hadolint (.ci/deploy-check.sh); no Docker engine runs on the development machines.

FROM node:22.21-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 and chdb ship prebuilt binaries for linux-x64; python3/make/g++ are the fallback
# when a platform has none.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3=3.11.* make=4.3-* g++=4:12.* \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# `npm install` with the committed lock, not `npm ci`: chdb names per-platform optional packages that
# the registry does not serve for every platform, so the lock cannot list them and `npm ci` refuses it.
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
# apps/bench (compiled with the rest) starts servers through the e2e harness.
COPY test/support ./test/support
RUN npm run build && npm prune --omit=dev

FROM node:22.21-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000 \
    DEMO=off
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The image's `node` user (uid 1000), numeric so the runtime can check it is not root.
RUN mkdir -p /data && chown 1000:1000 /data
USER 1000:1000
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --retries=12 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# The api; the projector runs `node dist/apps/projector/src/main.js`.
CMD ["node", "dist/apps/api/src/main.js"]
