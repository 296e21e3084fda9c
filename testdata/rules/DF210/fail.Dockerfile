FROM nginx:1.27
CMD ["nginx"]
ENTRYPOINT ["/entry.sh"]
CMD ["nginx", "-g", "daemon off;"]
ENTRYPOINT ["/entrypoint.sh"]
