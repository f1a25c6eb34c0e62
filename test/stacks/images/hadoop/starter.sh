#!/usr/bin/env bash
# Stand-in for the apache/hadoop image's /opt/starter.sh: configuration from the environment, a one-time namenode
# format (ENSURE_NAMENODE_DIR, ENSURE_NAMENODE_CLUSTERID), then the command.
set -e
/opt/envtoconf.py --destination "$HADOOP_CONF_DIR"
if [ -n "$ENSURE_NAMENODE_DIR" ] && [ ! -d "$ENSURE_NAMENODE_DIR" ]; then
  /opt/hadoop/bin/hdfs namenode -format -force ${ENSURE_NAMENODE_CLUSTERID:+-clusterid $ENSURE_NAMENODE_CLUSTERID}
fi
exec "$@"
