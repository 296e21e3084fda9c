FROM python:3.13-slim
RUN pip install --no-cache-dir -r requirements.txt
RUN PIP_NO_CACHE_DIR=1 pip install requests
RUN pipx install poetry
ENV PIP_NO_CACHE_DIR=true
RUN pip install flask
