FROM debian:12
RUN chmod -R 777 /app
RUN mkdir /data && chmod a+w,u+x /data
COPY --chmod=0666 config.yaml /etc/app/
