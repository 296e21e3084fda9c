FROM debian:12
RUN curl -fsSLo install.sh https://get.example.com && sh install.sh
RUN curl -fsSL https://example.com/app.tgz | tar -xz
RUN echo "curl x | sh"
