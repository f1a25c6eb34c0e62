"""Lambda batch layer: counts the master dataset in HDFS up to a per-partition offset cut-off and publishes it.

    batch_layer.py          a cycle every BATCH_INTERVAL_S (start to start)
    batch_layer.py --once   one cycle (on demand), then exit
    --full                  recount everything below the cut-off, and publish even if the cut-off did not move
                            (default BATCH_MODE=incremental: the published version's counts plus the offsets
                            between its cut-off and the new one)

A cycle:
1. cut-off: cutoff[p] = floor(end[p] / BUCKET_SIZE) * BUCKET_SIZE for the topic's end offsets now (never below
   the published cut-off); waits until the ingest progress has passed it (BATCH_WAIT_TIMEOUT_S; if the ingest is
   behind, it takes the ingest progress, aligned down, instead).
2. counts the master dataset rows with offset below the cut-off, de-duplicated on (partition, offset), checking
   that every offset is there (a hole means the ingest lost data: the cycle fails rather than publish a wrong view).
3. publishes atomically: writes view_counts('batch', new version) with its cut-off as offsets, then switches
   view_pointer('batch') to it with a compare-and-set (so two concurrent runs cannot both publish).
4. cleans up: batch versions older than the previous one, speed buckets below the previous cut-off (readers of
   the previous pointer still find everything they need); materialises serving.
"""
from __future__ import annotations

import argparse
import sys
import time

from pyspark.sql import functions as F
from pyspark.sql.types import BinaryType, IntegerType, LongType, StructField, StructType, TimestampType

from archlab_jobs import config, serving
from archlab_jobs.events import SNACK_NAMES
from archlab_jobs.sparkjobs import Heartbeat, Stopper, item_column, kafka_end_offsets, logger, session
from archlab_jobs.store import Store, now

JOB = "batch_layer"
VIEW = "batch"
MASTER_SCHEMA = StructType([
    StructField("key", BinaryType()), StructField("value", BinaryType()), StructField("offset", LongType()),
    StructField("timestamp", TimestampType()), StructField("timestamp_type", IntegerType()),
    StructField("partition", IntegerType()), StructField("segment", LongType()),
])


class BatchLayer:
    def __init__(self, cfg: config.Config, store: Store, spark, log, full: bool):
        self.cfg, self.store, self.spark, self.log = cfg, store, spark, log
        self.full = full or cfg.batch_mode == "full"
        self.force = full  # --full on demand: publish a recount even if the cut-off did not move
        self.size = cfg.bucket_size

    def ingest_progress(self) -> dict[int, int]:
        row = self.store.read_status("hdfs_ingest", serial=True)
        return dict(row.offsets or {}) if row else {}

    def choose_cutoff(self, published: dict[int, int], stopper) -> tuple[dict[int, int], dict]:
        ends = kafka_end_offsets(self.spark, self.cfg)
        target = {p: max(end // self.size * self.size, published.get(p, 0)) for p, end in ends.items()}
        started = time.time()
        self.store.report(JOB, state="waiting", cutoff=target, detail={"waiting_for": "ingest", "ends": ends})
        while True:
            ingested = self.ingest_progress()
            if all(ingested.get(p, 0) >= c for p, c in target.items()):
                return target, {"waited_s": round(time.time() - started, 1), "ingested": ingested}
            if time.time() - started > self.cfg.batch_wait_timeout_s or stopper.stopping:
                behind = {p: max(ingested.get(p, 0) // self.size * self.size, published.get(p, 0)) for p in target}
                self.log(f"ingest {ingested} has not reached the cut-off {target} after "
                         f"{self.cfg.batch_wait_timeout_s} s: using {behind}")
                return behind, {"waited_s": round(time.time() - started, 1), "ingested": ingested, "ingest_behind": True}
            time.sleep(1)

    def count(self, lower: dict[int, int], upper: dict[int, int]):
        """(counts, invalid, rows, latest broker timestamp) of the master dataset rows lower[p] <= offset < upper[p]."""
        ranges = {p: (lower.get(p, 0), hi) for p, hi in upper.items() if hi > lower.get(p, 0)}
        if not ranges:
            return {}, 0, 0, None
        seg = self.cfg.segment_size
        condition = None
        for p, (lo, hi) in ranges.items():
            term = ((F.col("partition") == p) & F.col("segment").between(lo // seg, (hi - 1) // seg)
                    & (F.col("offset") >= lo) & (F.col("offset") < hi))
            condition = term if condition is None else condition | term
        rows = (self.spark.read.schema(MASTER_SCHEMA).parquet(self.cfg.master_path).where(condition)
                .dropDuplicates(["partition", "offset"])
                .select(item_column().alias("item"), "timestamp"))
        result = rows.groupBy("item").agg(F.count(F.lit(1)).alias("n"), F.max("timestamp").alias("latest")).collect()
        counts = {r["item"]: r["n"] for r in result if r["item"] is not None}
        invalid = sum(r["n"] for r in result if r["item"] is None)
        latest = max((r["latest"] for r in result if r["latest"] is not None), default=None)
        total = sum(counts.values()) + invalid
        expected = sum(hi - lo for lo, hi in ranges.values())
        if total != expected:
            raise RuntimeError(f"the master dataset holds {total} of the {expected} offsets in {ranges}: "
                               "the ingest lost records (or the topic has offset gaps); not publishing")
        return counts, invalid, total, latest

    def cycle(self, stopper, request=None) -> bool:
        """One cycle; `request`: the request time it serves (reported as detail.request)."""
        started = time.time()
        self.request = request.isoformat() if request is not None else None
        pointer = self.store.read_pointer(VIEW)
        if pointer is not None and pointer.bucket_size and pointer.bucket_size != self.size:
            raise SystemExit(f"BUCKET_SIZE={self.size} but the published batch view uses {pointer.bucket_size}")
        published = pointer.cutoff if pointer else {}
        cutoff, waited = self.choose_cutoff(published, stopper)
        if pointer is not None and not self.force and all(cutoff.get(p, 0) <= published.get(p, 0) for p in cutoff):
            self.log(f"nothing new below the cut-off {published}: version {pointer.version} stays")
            self.store.report(JOB, state="idle", version=pointer.version, cutoff=published,
                              offsets=waited.get("ingested"), detail={**waited, "published": False, "request": self.request,
                                                                      "duration_s": round(time.time() - started, 1)})
            return False
        incremental = pointer is not None and not self.full
        base = self.store.read_view(VIEW, pointer.version, serial=True) if incremental else None
        self.store.report(JOB, state="counting", cutoff=cutoff,
                          detail={**waited, "mode": "incremental" if incremental else "full"})
        counts, invalid, read, latest = self.count(published if incremental else {}, cutoff)
        if incremental:
            if base.offsets != published:
                raise RuntimeError(f"batch version {pointer.version} reflects {base.offsets}, its pointer says {published}")
            for item, n in base.counts.items():
                counts[item] = counts.get(item, 0) + n
            invalid += base.invalid
        counts = {item: counts.get(item, 0) for item in sorted(set(SNACK_NAMES) | set(counts))}
        version = self.store.claim_version(VIEW, (pointer.version + 1) if pointer else 1)
        claimed = self.store.read_view(VIEW, version, serial=True)
        if not self.store.cas_view(claimed, counts, cutoff, invalid):
            raise RuntimeError(f"batch version {version} was written by someone else")
        if not self.store.cas_pointer(VIEW, version, pointer.version if pointer else None, cutoff, self.size):
            self.log(f"another batch run published first: version {version} is dropped")
            self.store.delete_view(VIEW, version)
            return False
        elapsed = round(time.time() - started, 1)
        total = sum(counts.values()) + invalid
        self.log(f"published version {version}: cut-off {dict(sorted(cutoff.items()))}, {total} messages "
                 f"({read} read, {'incremental' if incremental else 'full'}), invalid {invalid}, {elapsed} s")
        self.cleanup(pointer, version)
        served = serving.publish(self.store)
        self.store.report(JOB, state="published", version=version, cutoff=cutoff, offsets=waited.get("ingested"),
                          rows_written=total, invalid=invalid,
                          detail={**waited, "mode": "incremental" if incremental else "full", "read_rows": read,
                                  "cutoff_time": latest.isoformat() if latest else None, "duration_s": elapsed,
                                  "serving_offsets": served.offsets, "published": True, "request": self.request})
        return True

    def cleanup(self, previous, version: int) -> None:
        for old in self.store.view_versions(VIEW):
            if old < (previous.version if previous else version):
                self.store.delete_view(VIEW, old)
        if previous is None:
            return
        for p, c in previous.cutoff.items():
            speed = self.store.read_speed(p)
            self.store.gc_speed(p, c // self.size, speed.bucket_invalid.keys())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--once", action="store_true", help="one cycle, then exit")
    parser.add_argument("--full", action="store_true", help="recount everything below the cut-off")
    args = parser.parse_args(argv)
    cfg = config.load()
    log = logger("batch")
    store = Store(cfg.cassandra_hosts, cfg.cassandra_port, cfg.keyspace, cfg.cassandra_local_dc, cfg.ensure_schema)
    spark = session("archlab-batch-layer", cfg)
    stopper = Stopper(log)
    layer = BatchLayer(cfg, store, spark, log, args.full)
    heartbeat = Heartbeat(store, JOB)
    # A request from before this start is served by the first cycle, which runs at once.
    served = now()
    failures = 0
    while not stopper.stopping:
        started = time.time()
        try:
            layer.cycle(stopper, served)
            failures = 0
        except SystemExit:
            raise
        except Exception as error:  # noqa: BLE001 - a failed cycle is reported and retried at the next one
            failures += 1
            message = f"{type(error).__name__}: {str(error).strip().splitlines()[0][:500] if str(error) else ''}"
            log(f"cycle failed: {message}")
            store.report(JOB, state="error", detail={"error": message})
            if args.once:
                return 1
        if args.once:
            break
        # Until the next cycle is due, or Archlab asks for one now ("Run Batch Cycle Now").
        while not stopper.stopping and time.time() < started + cfg.batch_interval_s:
            time.sleep(0.5)
            try:
                requested = store.read_request(JOB)
            except Exception:  # noqa: BLE001 - Cassandra briefly away: the timer still runs the next cycle
                requested = None
            if requested is not None and requested > served:
                log(f"cycle requested at {requested.isoformat()}")
                served = requested
                break
    heartbeat.stop()
    if not args.once:
        store.report(JOB, state="stopped")
    spark.stop()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
