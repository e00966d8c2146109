# syntax=docker/dockerfile:1
# access-desk: build the TypeScript, then run the compiled JavaScript as a non-root user with only the
# production dependencies. better-sqlite3 builds from source when no prebuilt binary fits, hence the tool chain
# in the stages that install.

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The emulator's seeds and the local Slack console's page are for the sandbox (ACCESS_DESK_SANDBOX=1); the bot
# needs neither. test/e2e/container-command.test.ts runs this same step in the repository, so it must be
# repeatable there.
RUN npm run build \
  && mkdir -p dist/emulator/seeds dist/console/page \
  && cp src/emulator/seeds/*.yml dist/emulator/seeds/ \
  && cp -r src/console/page/. dist/console/page/

FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM ${NODE_IMAGE} AS production
ENV NODE_ENV=production \
  PORT=3000 \
  ACCESS_DESK_CONFIG=/config/access-desk.yml
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The sandbox's config. With NODE_ENV=production and no Slack token the image refuses to start, naming the missing
# variables; the sandbox runs only when asked: `-e ACCESS_DESK_SANDBOX=1 -e HOST=0.0.0.0` (it ignores
# ACCESS_DESK_CONFIG and says so). Opened by another name than localhost, list that name in ALLOWED_HOSTS.
COPY package.json access-desk.example.yml ./
# The ledger lives on a volume the non-root user can write: set database.path to /data/access-desk.sqlite.
RUN mkdir -p /data /config && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
