# syntax=docker/dockerfile:1
# One image for every Corral service; docker-compose.yml picks the service with `command:`.
# Services run their TypeScript source with tsx's loader, as in development; only the admin app
# (Next.js) is built, for production, in the image.
FROM node:24-slim

ENV PNPM_HOME=/pnpm \
    COREPACK_ENABLE_DOWNLOAD_PROMPT=0 \
    CI=true
ENV PATH="$PNPM_HOME:$PATH"
# corepack installs the pnpm version pinned by "packageManager" in package.json.
RUN corepack enable
WORKDIR /app

# The lockfile alone fills the package store, so this layer is reused until dependencies change.
# package.json comes along for its "packageManager" field: corepack installs exactly that pnpm.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN corepack install
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm fetch --frozen-lockfile --store-dir /pnpm/store

COPY . .
# Dev dependencies are kept on purpose: tsx runs the services.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store
RUN pnpm --filter @corral/admin build

# Set only now: with NODE_ENV=production pnpm would have skipped dev dependencies.
ENV NODE_ENV=production
USER node
EXPOSE 8080 3000
CMD ["node", "--import", "tsx", "apps/edge/src/main.ts"]
