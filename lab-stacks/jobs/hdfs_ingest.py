"""Lambda HDFS ingest: the topic, appended to the master dataset in HDFS as Parquet (Spark Structured Streaming).

Every record keeps its Kafka partition, offset, broker timestamp (and type), key and raw value; files are
partitioned by `partition` and `segment` (= offset / SEGMENT_SIZE) so the batch layer reads only the offset
ranges it needs. The master dataset is a set of facts keyed by (partition, offset): the batch layer reads it
de-duplicated on that key, so a micro-batch written twice (a crash between writing the files and recording the
progress) can never be counted twice.

Progress: job_status('hdfs_ingest').offsets is the authoritative "every offset below this is in HDFS", written
with a compare-and-set after the files are committed. Each micro-batch writes only the records at or after it.
"""
from __future__ import annotations

import sys
import time

from pyspark.sql import functions as F

from archlab_jobs import config
from archlab_jobs.sparkjobs import (Heartbeat, Stopper, crash_point, drop_orphan_checkpoint, fence, logger, run_reported, session,
                                   start_stream)
from archlab_jobs.store import Store, retry

JOB = "hdfs_ingest"


def main() -> int:
    cfg = config.load()
    log = logger("ingest")
    store = Store(cfg.cassandra_hosts, cfg.cassandra_port, cfg.keyspace, cfg.cassandra_local_dc, cfg.ensure_schema)
    master = cfg.master_path

    def read_progress():
        row = store.read_status(JOB, serial=True)
        return {"offsets": dict(row.offsets or {}) if row else {}, "rows": (row.rows_written or 0) if row else 0}

    holder = {"progress": retry("read ingest progress", read_progress, log=log)}
    spark = session("archlab-hdfs-ingest", cfg)
    checkpoint = cfg.checkpoint("hdfs_ingest")
    drop_orphan_checkpoint(spark, checkpoint, bool(holder["progress"]["offsets"]), log)
    stopper = Stopper(log)

    def process(df, batch_id):
        started = time.time()
        for _attempt in range(20):
            progress = holder["progress"]
            rows = (df.where(fence(progress["offsets"]))
                    .select(F.col("partition"), F.expr(f"offset div {cfg.segment_size}").alias("segment"),
                            F.col("key"), F.col("value"), F.col("offset"), F.col("timestamp"),
                            F.col("timestampType").alias("timestamp_type"))
                    .persist())
            try:
                stats = rows.groupBy("partition").agg(F.max("offset").alias("last"), F.count(F.lit(1)).alias("n")).collect()
                if not stats:
                    log(f"batch {batch_id}: nothing new (already ingested)")
                    return
                rows.write.mode("append").partitionBy("partition", "segment").parquet(master)
                crash_point("ingest:after-files", batch_id)
            finally:
                rows.unpersist()
            offsets = {**progress["offsets"], **{r["partition"]: r["last"] + 1 for r in stats}}
            added = sum(r["n"] for r in stats)
            elapsed_ms = int((time.time() - started) * 1000)
            detail = {"batch_id": batch_id, "batch_rows": added, "batch_ms": elapsed_ms, "master": master}
            try:
                applied = store.cas_status_offsets(JOB, progress["offsets"], offsets, progress["rows"] + added,
                                                   "running", detail)
            except Exception as error:  # noqa: BLE001 - outcome unknown: re-read (rewritten rows are de-duplicated)
                log(f"batch {batch_id}: progress write failed ({type(error).__name__}: {error})")
                applied = False
            if applied:
                holder["progress"] = {"offsets": offsets, "rows": progress["rows"] + added}
                log(f"batch {batch_id}: +{added} records in HDFS, progress {dict(sorted(offsets.items()))}, {elapsed_ms} ms")
                return
            holder["progress"] = retry("re-read ingest progress", read_progress, log=log)
        raise RuntimeError(f"batch {batch_id}: could not record the ingest progress")

    def start():
        holder["progress"] = retry("read ingest progress", read_progress, log=log)
        return start_stream(spark, cfg, "hdfs-ingest", process, checkpoint, cfg.ingest_trigger_ms)

    def failed(message):
        store.report(JOB, state="error", detail={"error": message})

    store.report(JOB, state="starting", detail={"master": master})
    heartbeat = Heartbeat(store, JOB)
    run_reported(start, cfg, log, stopper, failed)
    heartbeat.stop()
    store.report(JOB, state="stopped")
    log("stopped")
    spark.stop()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
