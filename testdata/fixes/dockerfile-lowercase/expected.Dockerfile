from alpine:3.20
run apk add --no-cache curl
user 65532:65532
cmd ["sh"]
