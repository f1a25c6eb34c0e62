#!/usr/bin/env bash
# One-shot (lambda stack): the HDFS folders the jobs write to, once HDFS has left safe mode. A script of its own,
# because apache/hadoop's starter.sh runs its command as an unquoted $@: a `bash -c "…"` command would be split
# into words there (and run a bare `hdfs`).
set -euo pipefail
hdfs dfsadmin -safemode wait
# The master dataset and checkpoints; /user/spark: where spark-submit stages the batch layer's YARN application.
hdfs dfs -mkdir -p /archlab/master /archlab/checkpoints /user/spark
hdfs dfs -chmod -R 777 /archlab /user/spark
hdfs dfs -ls /archlab
