#!/usr/bin/env bash
# Stand-in for the apache/hadoop image's /opt/starter.sh, with its semantics kept where the lab's compose files
# depend on them: `set -e`, `sudo chmod o+rwx /data` first (it fails, and so the container, when /data is missing),
# configuration from the environment, SLEEP_SECONDS, the one-time namenode format (ENSURE_NAMENODE_DIR,
# ENSURE_NAMENODE_CLUSTERID), and the command run as an UNQUOTED $@ (a `bash -c "a b"` command is split into words,
# as in the official image).
set -e

#To avoid docker volume permission problems
sudo chmod o+rwx /data

DIR="$( cd "$( dirname "${BASH_SOURCE[0]}" )" && pwd )"

$DIR/envtoconf.py --destination /opt/hadoop/etc/hadoop

if [ -n "$SLEEP_SECONDS" ]; then
   echo "Sleeping for $SLEEP_SECONDS seconds"
   sleep $SLEEP_SECONDS
fi

if [ -n "$ENSURE_NAMENODE_DIR" ]; then
   CLUSTERID_OPTS=""
   if [ -n "$ENSURE_NAMENODE_CLUSTERID" ]; then
      CLUSTERID_OPTS="-clusterid $ENSURE_NAMENODE_CLUSTERID"
   fi
   if [ ! -d "$ENSURE_NAMENODE_DIR" ]; then
      /opt/hadoop/bin/hdfs namenode -format -force $CLUSTERID_OPTS
   fi
fi

$@
