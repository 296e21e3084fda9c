FROM golang:1.23 AS build
CMD ["go", "test"]
FROM nginx:1.27
CMD ["nginx", "-g", "daemon off;"]
