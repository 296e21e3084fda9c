FROM debian:12
RUN apt-get update && apt-get -y install curl \
    # the TLS roots
    ca-certificates
RUN ["apt-get", "install", "-y", "git"]
