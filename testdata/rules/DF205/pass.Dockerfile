FROM debian:12
RUN apt-get install -y --no-install-recommends curl=8.5.0-2 ./local.deb
RUN apk add --no-cache git=2.45.2-r0
RUN pip install --no-cache-dir -r requirements.txt
RUN pip install --no-cache-dir . && pip install --no-cache-dir requests==2.32.3 git+https://github.com/x/y@v1
RUN npm install && npm install left-pad@1.3.0 @angular/cli@18.0.0
RUN gem install rails -v 7.1.3 && gem install bundler:2.5.0
RUN apt-get install -y --no-install-recommends $PACKAGES
