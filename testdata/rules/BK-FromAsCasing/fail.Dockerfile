FROM node:22 as builder
