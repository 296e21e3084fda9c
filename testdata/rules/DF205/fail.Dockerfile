FROM debian:12
RUN apt-get install -y --no-install-recommends curl ca-certificates=20230311
RUN apk add --no-cache git
RUN pip install --no-cache-dir requests flask==3.0.0
RUN npm install -g left-pad @angular/cli
RUN gem install rails
