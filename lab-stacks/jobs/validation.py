"""Validation: exact per-snack counts straight from the topic, independent of Spark (the lab's check on Spark).

A plain Kafka consumer (confluent-kafka) with no consumer group state: it assigns every partition of the topic
itself, at the offsets stored with the counts in view_counts('validation', 0), so after a crash or restart it
resumes exactly where the stored counts end. Each poll's messages are counted and written with their offsets in
one compare-and-set batch on that single partition: a message is never counted twice nor skipped. New
partitions of the topic are picked up from their beginning.
"""
from __future__ import annotations

import signal
import sys
import time
from collections import Counter
from datetime import datetime, timezone

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

from archlab_jobs import config
from archlab_jobs.events import item_of
from archlab_jobs.store import Store, ViewState, retry

VIEW = ("validation", 0)
JOB = "validation"


def log(message: str) -> None:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    print(f"{stamp} [validation] {message}", flush=True)


class Validation:
    def __init__(self, cfg: config.Config, store: Store):
        self.cfg = cfg
        self.store = store
        self.consumer = Consumer({
            "bootstrap.servers": cfg.kafka_bootstrap,
            "group.id": f"archlab-validation-{cfg.keyspace}",  # required by the client; offsets live in Cassandra
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": 100,
            "client.id": "archlab-validation",
        })
        self.state: ViewState = store.read_view(*VIEW, serial=True)
        self.partitions: set[int] = set()
        self.stopping = False
        self.batches = 0
        self.last_report = 0.0

    def assign(self) -> None:
        """(Re-)assigns every partition of the topic at the stored offsets (the beginning for new ones)."""
        metadata = self.consumer.list_topics(self.cfg.topic, timeout=30).topics.get(self.cfg.topic)
        if metadata is None or metadata.error is not None or not metadata.partitions:
            return
        self.partitions = set(metadata.partitions)
        self.consumer.assign([TopicPartition(self.cfg.topic, p, self.state.offsets.get(p, OFFSET_BEGINNING))
                              for p in sorted(self.partitions)])
        log(f"assigned partitions {sorted(self.partitions)} at {self.state.offsets or 'the beginning'}")

    def reload(self) -> None:
        self.state = retry("read validation view", lambda: self.store.read_view(*VIEW, serial=True), log=log)
        self.assign()

    def commit(self, messages) -> None:
        """Counts the messages past the stored offsets and writes counts + offsets in one compare-and-set batch."""
        for _attempt in range(20):
            old = self.state
            delta: Counter = Counter()
            invalid = 0
            offsets = dict(old.offsets)
            for msg in messages:
                p, offset = msg.partition(), msg.offset()
                if offset < old.offsets.get(p, 0):
                    continue  # counted already (fence)
                item = item_of(msg.value())
                if item is None:
                    invalid += 1
                else:
                    delta[item] += 1
                offsets[p] = max(offsets.get(p, 0), offset + 1)
            if offsets == old.offsets:
                return
            counts = dict(old.counts)
            for item, n in delta.items():
                counts[item] = counts.get(item, 0) + n
            try:
                applied = self.store.cas_view(old, {i: counts[i] for i in delta}, offsets, old.invalid + invalid)
            except Exception as error:  # noqa: BLE001 - outcome unknown: re-read, re-seek, recount
                log(f"write failed ({type(error).__name__}: {error}); re-reading the stored state")
                applied = False
            if applied:
                self.state = ViewState(*VIEW, counts, offsets, old.invalid + invalid, None, True)
                self.batches += 1
                return
            # Someone else moved the view (or the write's outcome is unknown): continue from what is stored.
            self.reload()
            return
        raise RuntimeError("could not write the validation view")

    def report(self, state: str, force: bool = False, **detail) -> None:
        if not force and time.time() - self.last_report < 1.0:
            return
        self.last_report = time.time()
        try:
            self.store.report(JOB, state=state, version=0, offsets=self.state.offsets, rows_written=self.state.total,
                              invalid=self.state.invalid, detail={"batches": self.batches, **detail})
        except Exception as error:  # noqa: BLE001 - reporting must not stop counting
            log(f"status report failed: {error}")

    def run(self) -> None:
        self.report("starting", force=True)
        last_metadata = 0.0
        while not self.stopping:
            if time.time() - last_metadata > 10 or not self.partitions:
                last_metadata = time.time()
                try:
                    metadata = self.consumer.list_topics(self.cfg.topic, timeout=10).topics.get(self.cfg.topic)
                    if metadata is not None and metadata.error is None and set(metadata.partitions) != self.partitions:
                        self.assign()
                except KafkaException as error:
                    log(f"metadata: {error}")
                if not self.partitions:
                    self.report("waiting", detail="topic not found")
                    time.sleep(1)
                    continue
            messages = []
            for msg in self.consumer.consume(self.cfg.validation_max_batch, 0.2):
                if msg.error():
                    if msg.error().code() != KafkaError._PARTITION_EOF:
                        log(f"consume: {msg.error()}")
                    continue
                messages.append(msg)
            if messages:
                self.commit(messages)
                self.report("running", force=False, last_batch=len(messages))
            else:
                self.report("running")
        self.report("stopped", force=True)


def main() -> int:
    cfg = config.load()
    store = Store(cfg.cassandra_hosts, cfg.cassandra_port, cfg.keyspace, cfg.cassandra_local_dc, cfg.ensure_schema)
    job = Validation(cfg, store)

    def stop(signum, _frame):
        log(f"signal {signum}: stopping")
        job.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log(f"counting {cfg.topic} at {cfg.kafka_bootstrap} into {cfg.keyspace}.view_counts('validation', 0)")
    try:
        job.run()
    except Exception as error:
        job.report("error", force=True, error=str(error)[:500])
        raise
    finally:
        job.consumer.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
