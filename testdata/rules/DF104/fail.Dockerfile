FROM alpine:3.20
ADD app.py requirements.txt /app/
ADD --chown=1000:1000 config/ /etc/app/
