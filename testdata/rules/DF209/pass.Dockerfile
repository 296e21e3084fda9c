FROM debian:12
RUN set -o pipefail && curl -fsSL https://example.com/app.tgz | tar -xz
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN cat /etc/os-release | grep ID
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN Get-ChildItem | Select-Object Name
