# Built from the test bed's local base image: no registry needed, no network at build time.
FROM local/debian:bookworm
COPY server.pl /srv/server.pl
ENV ROLE=store PORT=8080
EXPOSE 8080
CMD ["perl", "/srv/server.pl"]
