FROM python:3.13-slim
RUN pip install -r requirements.txt
RUN python3 -m pip install --upgrade pip
