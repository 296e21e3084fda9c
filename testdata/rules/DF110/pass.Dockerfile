FROM debian:12
RUN chmod -R 755 /app && chmod 1777 /scratch && chmod u+w /x
COPY --chmod=0644 config.yaml /etc/app/
