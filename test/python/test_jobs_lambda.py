"""Lambda: HDFS ingest + batch layer + speed layer (Spark local mode, real Kafka, Cassandra and HDFS).

While a seeded stream flows, serving (batch view + speed buckets at or after the cut-off) is sampled many times,
both as the materialised table and as the query; every sample must equal the truth at exactly the offsets it says
it reflects. Meanwhile the speed layer, the ingest and the batch layer are each killed (-9) and restarted, and
the broker is crashed and restarted between two batches. At the end serving and the batch view equal the truth,
invalid = 100, and a full recount of the master dataset equals the incremental batch view.
"""
import threading
import time
from collections import Counter

import jobs_support as js
from archlab_jobs import serving

RATE = 250          # events/s, until the choreography is done (at least MIN_EVENTS, at most MAX_EVENTS)
MIN_EVENTS = 12000
MAX_EVENTS = 60000
BUCKET = 50


def stream():
    """The first 8,000 messages with 100 malformed ones mixed in, then valid events."""
    yield from js.make_stream(8000, seed=31, malformed=100, tag="l")
    yield from js.make_stream(MAX_EVENTS - 8000, seed=32, tag="m")


def aligned(offsets):
    return {p: n // BUCKET * BUCKET for p, n in offsets.items()}


class Sampler(threading.Thread):
    """Reads serving (the materialised table and the query) every 0.2 s."""

    def __init__(self, store):
        super().__init__(daemon=True)
        self.store = store
        self.samples = []
        self.errors = []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            try:
                table = self.store.read_view("serving", 0)
                if table.offsets:
                    self.samples.append(("table", table.offsets, dict(table.counts), table.invalid, None))
                query = serving.compute(self.store)
                if query.offsets:
                    self.samples.append(("query", query.offsets, query.counts, query.invalid, query.batch_version))
            except Exception as error:  # noqa: BLE001 - reported by the test
                self.errors.append(repr(error))
            self.halt.wait(0.2)


def pointer_version(lab):
    pointer = lab.store.read_pointer("batch")
    return pointer.version if pointer else 0


def test_lambda_serving_is_exact_at_every_sample_through_crashes(lab, spark):
    env = dict(BUCKET_SIZE=BUCKET, BATCH_INTERVAL_S=6, INGEST_TRIGGER_MS=1000, BATCH_WAIT_TIMEOUT_S=60)
    # The first runs of the ingest and the speed layer kill themselves at the worst moments: the ingest after
    # writing a micro-batch's files but before recording its progress (so those records land in HDFS twice),
    # the speed layer after writing one Kafka partition's buckets but not the others'.
    ingest = lab.job("hdfs_ingest.py", ARCHLAB_CRASH_AT="ingest:after-files@2", **env).start()
    speed = lab.job("speed_layer.py", ARCHLAB_CRASH_AT="speed:after-partition-write@4", **env).start()
    batch = lab.job("batch_layer.py", **env).start()
    jobs = [ingest, speed, batch]
    producer = lab.producer()
    done = threading.Event()
    flowing = threading.Thread(target=producer.send_all, args=(stream(), RATE, done), daemon=True)
    flowing.start()
    sampler = Sampler(lab.store)
    sampler.start()
    events = []

    try:
        js.restart_after_crashes([speed, ingest], 180, [batch])
        events.append(("crash points passed", pointer_version(lab), len(producer.acked)))
        js.wait_until("the first batch view", lambda: pointer_version(lab) >= 1, 180, jobs)
        first_cutoff = lab.store.read_pointer("batch").cutoff
        events.append(("first batch", pointer_version(lab), len(producer.acked)))

        speed.kill()                                   # speed layer crash
        time.sleep(1)
        speed.start()
        version = pointer_version(lab)
        js.wait_until("another batch cycle", lambda: pointer_version(lab) > version, 120, jobs)
        events.append(("speed layer restarted", pointer_version(lab), len(producer.acked)))

        js.restart_broker(lab.beds.kafka, kill=True)   # broker crash, between two batches
        version = pointer_version(lab)
        events.append(("broker restarted", version, len(producer.acked)))
        js.wait_until("a batch cycle after the broker restart", lambda: pointer_version(lab) > version, 180, jobs)

        ingest.kill()                                  # ingest crash
        time.sleep(1)
        ingest.start()
        events.append(("ingest restarted", pointer_version(lab), len(producer.acked)))

        js.wait_until("the batch layer in a cycle",
                      lambda: (lab.status("batch_layer").state in ("waiting", "counting")), 60, jobs, interval=0.1)
        batch.kill()                                   # batch layer crash, mid-cycle
        time.sleep(1)
        batch.start()
        events.append(("batch layer restarted", pointer_version(lab), len(producer.acked)))

        js.wait_until(f"{MIN_EVENTS} events", lambda: len(producer.acked) >= MIN_EVENTS, 120, jobs)
        done.set()
        flowing.join()
        producer.flush()
        truth = producer.truth()
        truth.check_dense()
        ends = truth.ends()
        js.wait_until("serving caught up", lambda: js.view(lab.store, "serving")[1] == ends, 120, jobs)
        js.wait_until("the batch view at the last cut-off",
                      lambda: lab.store.read_pointer("batch").cutoff == aligned(ends), 120, jobs)
        js.wait_until("serving after the last batch", lambda: serving.compute(lab.store).cutoff == aligned(ends), 30, jobs)
    finally:
        sampler.halt.set()
        sampler.join(10)

    # Final: serving, the batch view and the speed layer all exact; 100 invalid messages.
    assert MIN_EVENTS <= len(truth.acked) <= MAX_EVENTS
    assert js.view(lab.store, "serving") == (truth.at()[0], ends, 100)
    final = serving.compute(lab.store)
    assert (final.counts, final.offsets, final.invalid) == (truth.at()[0], ends, 100)
    pointer = lab.store.read_pointer("batch")
    counts, offsets, invalid = js.view(lab.store, "batch", pointer.version)
    assert offsets == pointer.cutoff == aligned(ends)
    assert (counts, invalid) == truth.at(pointer.cutoff)
    # The serving partition names what it adds up (what the extension shows): that batch version plus the speed
    # layer's counts since its cut-off, exactly the query's figures.
    breakdown = lab.store.read_serving_breakdown()
    assert (breakdown["batch_version"], breakdown["cutoff"]) == (pointer.version, pointer.cutoff)
    assert (breakdown["speed"], breakdown["speed_invalid"]) == (final.speed, final.speed_invalid)
    speed_truth = Counter(truth.at()[0])
    speed_truth.subtract(truth.at(pointer.cutoff)[0])
    assert final.speed == {k: v for k, v in speed_truth.items() if v}
    assert final.speed_invalid == 100 - invalid
    assert pointer.version >= 4, f"expected several batch cycles, got {pointer.version}: {events}"

    # Every sample equals the truth at the offsets it reflects: never an over- or undercount.
    assert not sampler.errors, sampler.errors[:3]
    wrong = [(kind, offs, counts, inv, truth.at(offs)) for kind, offs, counts, inv, _ in sampler.samples
             if (counts, inv) != truth.at(offs)]
    assert not wrong, f"{len(wrong)} of {len(sampler.samples)} samples wrong, e.g. {wrong[:2]}"
    after_batch = [s for s in sampler.samples if s[0] == "query" and s[4]]
    (lab.workdir / "summary.log").write_text(
        f"{len(truth.acked)} messages; {len(sampler.samples)} serving samples checked "
        f"({sum(s[0] == 'table' for s in sampler.samples)} of the table, {len(after_batch)} queries after the first "
        f"batch, batch versions {sorted({s[4] for s in after_batch})}); final batch version {pointer.version}\n"
        + "".join(f"{e}\n" for e in events))
    assert len(after_batch) >= 50 and len({s[4] for s in after_batch}) >= 3, (len(after_batch), events)

    # Progress reports.
    js.wait_until("ingest progress at the end", lambda: lab.status("hdfs_ingest").offsets == ends, 30, [ingest])
    js.wait_until("speed progress at the end", lambda: lab.status("speed_layer").offsets == ends, 30, [speed])
    assert lab.status("speed_layer").invalid == 100
    status = lab.status("batch_layer")
    assert (status.version, status.cutoff, status.invalid) == (pointer.version, pointer.cutoff, truth.at(pointer.cutoff)[1])

    # The crashed ingest wrote some records twice; the batch layer counted them once.
    master = spark.read.parquet(lab.env()["HDFS_URL"] + lab.env()["MASTER_DATASET"])
    assert master.count() > master.select("partition", "offset").distinct().count() == len(truth.acked)

    # Speed buckets below the previous cut-off are deleted: the table stays small.
    for p in ends:
        assert min(b for b, _ in lab.store.read_speed(p).counts) * BUCKET >= first_cutoff[p] > 0
    # A full recount of the master dataset (on demand) equals the incremental view.
    batch.stop()
    full = lab.job("batch_layer.py", "--once", "--full", name="batch_full", **env).start()
    assert full.wait(240) == 0, full.tail()
    recount = lab.store.read_pointer("batch")
    assert recount.version > pointer.version and recount.cutoff == pointer.cutoff
    assert js.view(lab.store, "batch", recount.version) == (counts, offsets, invalid)
    assert '"mode": "full"' in lab.status("batch_layer").detail
