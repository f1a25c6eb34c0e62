"""Lambda speed layer: Spark Structured Streaming from Kafka into per-partition offset buckets.

speed_buckets(kafka_partition, bucket = offset / BUCKET_SIZE, item) holds absolute counts, with the partition's
progress (next_offset) and invalid counts beside them in the same Cassandra partition. Each micro-batch counts the
messages at or after the stored next_offset of their partition (the fence) and writes each Kafka partition's new
counts and progress in one compare-and-set batch. State stays bounded: Spark keeps none (each micro-batch is a
plain aggregation), and the batch layer deletes the buckets below the previous cut-off.

After each micro-batch it materialises serving (view_counts('serving', 0), see archlab_jobs/serving.py).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

from archlab_jobs import config, serving
from archlab_jobs.sparkjobs import (Heartbeat, Stopper, count_rows, crash_point, drop_orphan_checkpoint, logger, run_reported,
                                   session, start_stream)
from archlab_jobs.store import Store, retry

JOB = "speed_layer"


@dataclass
class Partition:
    """What the job needs of one Kafka partition: its progress and the counts of the bucket it is filling."""
    next_offset: int | None = None
    invalid: int = 0
    counts: dict = field(default_factory=dict)          # (bucket, item) -> count, buckets >= next_offset // size
    bucket_invalid: dict = field(default_factory=dict)  # bucket -> invalid, buckets >= next_offset // size


def main() -> int:
    cfg = config.load()
    log = logger("speed")
    size = cfg.bucket_size
    store = Store(cfg.cassandra_hosts, cfg.cassandra_port, cfg.keyspace, cfg.cassandra_local_dc, cfg.ensure_schema)
    pointer = store.read_pointer("batch")
    if pointer is not None and pointer.bucket_size and pointer.bucket_size != size:
        raise SystemExit(f"BUCKET_SIZE={size} but the batch layer publishes with bucket size {pointer.bucket_size}")

    def load(p: int) -> Partition:
        stored = retry(f"read speed partition {p}", lambda: store.read_speed(p, serial=True), log=log)
        if stored.bucket_size and stored.bucket_size != size:
            raise SystemExit(f"speed_buckets of partition {p} were written with BUCKET_SIZE={stored.bucket_size}, "
                             f"this job has {size}: keep it, or start from an empty keyspace")
        first = (stored.next_offset or 0) // size
        return Partition(stored.next_offset, stored.invalid,
                         {k: n for k, n in stored.counts.items() if k[0] >= first},
                         {b: n for b, n in stored.bucket_invalid.items() if b >= first})

    cache: dict[int, Partition] = {}
    stopper = Stopper(log)
    spark = session("archlab-speed-layer", cfg)
    checkpoint = cfg.checkpoint("speed_layer")
    known = store.speed_partitions()
    drop_orphan_checkpoint(spark, checkpoint, bool(known), log)
    totals = {"batches": 0}

    def process(df, batch_id):
        started = time.time()
        written = 0
        for _attempt in range(20):
            fence = {p: c.next_offset for p, c in cache.items() if c.next_offset is not None}
            parts = count_rows(df, fence, size)
            retry_batch = False
            for p, part in sorted(parts.items()):
                if p not in cache:
                    cache[p] = load(p)
                    if cache[p].next_offset is not None:
                        retry_batch = True  # counted without this partition's fence: count again
                        continue
                old = cache[p]
                counts = {}
                for (bucket, item), n in part.counts.items():
                    counts[(bucket, item)] = old.counts.get((bucket, item), 0) + n
                bucket_invalid = {b: old.bucket_invalid.get(b, 0) + n for b, n in part.invalid.items()}
                invalid = old.invalid + sum(part.invalid.values())
                try:
                    applied = store.cas_speed(p, old.next_offset, counts, part.next_offset, invalid, bucket_invalid, size)
                except Exception as error:  # noqa: BLE001 - outcome unknown: re-read and recompute
                    log(f"batch {batch_id}: partition {p}: write failed ({type(error).__name__}: {error})")
                    applied = False
                if not applied:
                    cache[p] = load(p)
                    retry_batch = True
                    continue
                first = part.next_offset // size
                merged_counts = {**old.counts, **counts}
                merged_invalid = {**old.bucket_invalid, **bucket_invalid}
                cache[p] = Partition(part.next_offset, invalid,
                                     {k: n for k, n in merged_counts.items() if k[0] >= first},
                                     {b: n for b, n in merged_invalid.items() if b >= first})
                written += part.rows
                crash_point("speed:after-partition-write", batch_id)
            if not retry_batch:
                break
        else:
            raise RuntimeError(f"batch {batch_id}: could not write the speed buckets")
        totals["batches"] += 1
        published = serving.publish(store, partitions=list(cache))
        offsets = {p: c.next_offset for p, c in cache.items() if c.next_offset is not None}
        invalid = sum(c.invalid for c in cache.values())
        elapsed_ms = int((time.time() - started) * 1000)
        log(f"batch {batch_id}: +{written} messages, next offsets {dict(sorted(offsets.items()))}, "
            f"serving reflects {dict(sorted(published.offsets.items()))}, {elapsed_ms} ms")
        store.report(JOB, state="running", offsets=offsets, invalid=invalid, rows_written=sum(offsets.values()),
                     detail={"batch_id": batch_id, "batch_rows": written, "batch_ms": elapsed_ms,
                             "bucket_size": size, "serving_offsets": published.offsets})

    def start():
        cache.clear()
        for p in store.speed_partitions():
            cache[p] = load(p)
        return start_stream(spark, cfg, "speed-layer", process, checkpoint, cfg.trigger_ms)

    def failed(message):
        store.report(JOB, state="error", detail={"error": message})

    store.report(JOB, state="starting", detail={"bucket_size": size})
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
