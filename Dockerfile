# Shiplog: server and dashboard in one image. Used by docker-compose.yml.
FROM node:20-bookworm-slim
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY pnpm-workspace.yaml package.json pnpm-lock.yaml tsconfig.base.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY web/package.json web/
COPY e2e/package.json e2e/
RUN pnpm install --frozen-lockfile --filter '!@shiplog/e2e'
COPY shared shared
COPY server server
COPY web web
RUN pnpm --filter '!@shiplog/e2e' -r run build
ENV NODE_ENV=production PORT=4000
EXPOSE 4000
USER node
CMD ["node", "server/dist/main.js"]
