FROM node:22
CMD node server.js
ENTRYPOINT /docker-entrypoint.sh "$@"
