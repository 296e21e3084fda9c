FROM golang:1.23 AS build
RUN go build -o /app .

FROM gcr.io/distroless/static:nonroot
COPY --from=build /app /app
ENTRYPOINT ["/app"]
