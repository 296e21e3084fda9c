FROM node:22 AS builder
FROM node:22
