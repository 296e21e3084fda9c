FROM node:22 AS Builder
FROM node:22
