#!/usr/bin/env bash
# Stand-in for Kafka's bin/kafka-run-class.sh (Maven artifacts carry no scripts), honouring the same variables.
base=/opt/kafka
heap=${KAFKA_HEAP_OPTS:--Xmx256M}
perf=${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}
log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base/config/tools-log4j2.yaml}
# shellcheck disable=SC2086
exec java $heap $perf $log4j -Dkafka.logs.dir="$base/logs" $KAFKA_OPTS -cp "$base/libs/*" "$@"
