FROM debian:12
RUN curl -fsSk https://internal.example.com/tool -o /tool
RUN wget --no-check-certificate https://internal.example.com/x && pip install --trusted-host pypi.internal requests==2.32.3
RUN apt-get install -y --allow-unauthenticated --no-install-recommends foo=1.0
RUN GIT_SSL_NO_VERIFY=1 git clone https://internal.example.com/repo.git
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
RUN dnf install -y --nogpgcheck foo && npm config set strict-ssl false
