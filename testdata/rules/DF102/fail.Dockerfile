ARG BASE=node
FROM ${BASE} AS deps
FROM python:latest
FROM --platform=$BUILDPLATFORM ubuntu AS tools
FROM deps
