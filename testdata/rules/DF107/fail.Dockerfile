FROM debian:12
USER app
RUN sudo apt-get update && sudo -E apt-get install -y --no-install-recommends curl
