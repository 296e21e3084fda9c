ARG BASE=python:3.13-slim
FROM golang:1.23 AS build
FROM ${BASE}
COPY --from=build /app /app
