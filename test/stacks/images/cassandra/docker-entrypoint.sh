#!/usr/bin/env bash
# Stand-in for the cassandra image's docker-entrypoint.sh: first argument "-..." means options for cassandra;
# `cassandra` runs as the cassandra user with the container's address as listen/broadcast address; anything else
# (cqlsh, bash) runs as given.
set -e
if [ "${1:0:1}" = '-' ]; then set -- cassandra -f "$@"; fi
if [ "$1" = 'cassandra' ]; then
  ip=$(hostname --ip-address | awk '{print $1}')
  sed \
    -e "s/__LISTEN_ADDRESS__/${CASSANDRA_LISTEN_ADDRESS:-$ip}/" \
    -e "s/__BROADCAST_ADDRESS__/${CASSANDRA_BROADCAST_ADDRESS:-$ip}/" \
    -e "s/__SEEDS__/${CASSANDRA_SEEDS:-$ip}/" \
    -e "s/__CLUSTER_NAME__/${CASSANDRA_CLUSTER_NAME:-Test Cluster}/" \
    /etc/cassandra/cassandra.yaml.template > /etc/cassandra/cassandra.yaml
  if [ "$(id -u)" = '0' ]; then
    chown -R cassandra:cassandra /var/lib/cassandra /var/log/cassandra
    exec setpriv --reuid=cassandra --regid=cassandra --init-groups "$@"
  fi
fi
exec "$@"
