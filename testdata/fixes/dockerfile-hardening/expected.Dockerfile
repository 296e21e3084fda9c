# syntax=docker/dockerfile:1
FROM python:3.13-slim
LABEL maintainer="Jane \"JD\" Doe <jane@example.com> \$HOME"
# system packages
RUN apt-get update \
    && apt-get install --no-install-recommends -y \
    # TLS roots
    ca-certificates=20230311 \
    && rm -rf /var/lib/apt/lists/*
RUN sh -c 'apk add --no-cache curl=8.9.1-r0' && pip install --no-cache-dir -r requirements.txt
COPY app.py /app/
WORKDIR /app
USER 65532:65532
HEALTHCHECK CMD python -c "print(1)"
CMD ["python", "app.py", "--port", "8080"]
