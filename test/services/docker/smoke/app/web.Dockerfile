FROM local/debian:bookworm
COPY server.pl /srv/server.pl
ENV ROLE=web PORT=8080 UPSTREAM=store:8080
EXPOSE 8080
CMD ["perl", "/srv/server.pl"]
