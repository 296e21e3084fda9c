FROM debian:12
WORKDIR /src
RUN make
RUN echo cd
