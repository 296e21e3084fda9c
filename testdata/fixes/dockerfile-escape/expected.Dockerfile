# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
RUN powershell -Command `
    Write-Host hi
USER 65532:65532
ENTRYPOINT ["powershell"]
