FROM node:22
ARG TOKENIZERS_PARALLELISM=false
ENV PASSWORD_FILE=/run/secrets/db NODE_ENV=production
ARG KEY_ID
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
