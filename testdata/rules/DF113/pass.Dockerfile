# A build stage may run as root: its user never runs in the image.
FROM golang:1.26 AS build
USER root
RUN go build -o /app .

FROM gcr.io/distroless/static:nonroot
COPY --from=build /app /app
USER root
RUN ["/app", "--migrate"]
USER 65532:65532
ENTRYPOINT ["/app"]
