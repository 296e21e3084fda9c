# The final stage is built FROM one whose last USER is 0:0 (DL3002's
# "warns on transitive root user").
FROM debian:bookworm AS base
USER 0:0
RUN apt-get update

FROM base
CMD ["/app"]
