FROM debian:12
RUN curl -fsSL https://get.example.com | sh
RUN apt-get update && \
    wget -qO- https://example.com/install.sh | sudo -E bash -
RUN sh -c "$(curl -fsSL https://example.com/install.sh)"
RUN set -e; if true; then curl -s https://example.com/x.py | python3; fi
