FROM node:22
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["node", "server.js"]
