FROM node:22 AS builder
from node:22 as runner
