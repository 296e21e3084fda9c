FROM debian:12
RUN curl -fsSL https://example.com/app.tgz | tar -xz && echo ok
SHELL ["/bin/sh", "-c"]
RUN cat /etc/os-release | grep ID
