FROM alpine:3.20
RUN apk update && apk add curl
RUN apk add --virtual .build-deps gcc musl-dev
