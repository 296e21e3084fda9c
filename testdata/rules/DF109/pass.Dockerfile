FROM debian:12
RUN curl -fsSL https://example.com/tool -o /tool
ENV NODE_TLS_REJECT_UNAUTHORIZED=1 GIT_SSL_NO_VERIFY=false
RUN git config --global http.sslVerify true
