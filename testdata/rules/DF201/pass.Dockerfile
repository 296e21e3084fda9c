FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN apt-get -o APT::Install-Recommends=false install -y git
RUN apt-get install --no-install-recommends -y vim
