"""Kappa freshness benchmark: how long from producing an event until the kappa view reflects it.

Runs the kappa job (lab-stacks/jobs/kappa_stream.py, Spark local mode) against the test bed's Kafka and Cassandra,
produces seeded events at a fixed rate, and polls the view's offsets every 20 ms. An event is visible when the
view's stored offset of its partition is past the event's offset (counts and offsets are written together), so
its freshness is (first poll that shows it) - (time it was handed to the producer). Prints p50/p95/p99/max over
the measured events (the warm-up is excluded) and checks that the final counts equal the truth.

    ARCHLAB_TESTBED_DIR=... .cache/venv/bin/python test/python/bench_freshness.py [--rate 1000] [--seconds 30]

Needs the test bed's kafka, cassandra and spark services (node test/services/bed.mjs start kafka cassandra spark).
"""
from __future__ import annotations

import argparse
import bisect
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import jobs_support as js  # noqa: E402
import testbed  # noqa: E402


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


class Poller(threading.Thread):
    def __init__(self, store, interval_s=0.02):
        super().__init__(daemon=True)
        self.store, self.interval_s = store, interval_s
        self.timeline: list[tuple[float, dict[int, int]]] = []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            state = self.store.read_view("kappa", 1)
            self.timeline.append((time.time(), state.offsets))
            self.halt.wait(self.interval_s)

    def visible_at(self, partition: int, offset: int) -> float | None:
        """Time of the first poll whose offset for the partition is past `offset` (the timeline is monotone)."""
        if not hasattr(self, "_index"):
            self._times = [t for t, _ in self.timeline]
            self._index = {}
        if partition not in self._index:
            self._index[partition] = [o.get(partition, 0) for _, o in self.timeline]
        i = bisect.bisect_right(self._index[partition], offset)
        return self._times[i] if i < len(self._times) else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=1000, help="events per second (default 1000)")
    parser.add_argument("--seconds", type=float, default=30, help="measured production time (default 30)")
    parser.add_argument("--trigger-ms", type=int, default=500, help="kappa micro-batch trigger (default 500)")
    args = parser.parse_args()
    try:
        beds = js.Beds(testbed.require_service("kafka"), testbed.require_service("cassandra"),
                       testbed.require_service("spark"))
    except testbed.ServiceNotRunning as error:
        print(error, file=sys.stderr)
        return 2
    name = js.unique("bench_fresh")
    workdir = js.workdir(name)
    js.create_topic(beds.bootstrap, name)
    store = js.create_keyspace(beds.cassandra, name)
    lab = js.Lab(beds, name, name, workdir, store)
    try:
        kappa = lab.job("kappa_stream.py", TRIGGER_MS=args.trigger_ms).start()
        producer = lab.producer()
        warmup = js.make_stream(300, seed=1, tag="warm")
        producer.send_all(warmup)
        js.wait_until("the kappa job to count the warm-up", lambda: sum(js.view(store, "kappa", 1)[1].values()) >= 300,
                      180, [kappa])
        warm_keys = set(producer.truth().acked)
        poller = Poller(store)
        poller.start()
        count = int(args.rate * args.seconds)
        started = time.time()
        producer.send_all(js.make_stream(count, seed=2, tag="bench"), rate=args.rate)
        produced_s = time.time() - started
        truth = producer.truth()
        js.wait_until("the kappa view to catch up", lambda: js.view(store, "kappa", 1)[1] == truth.ends(), 120, [kappa])
        time.sleep(0.1)
        poller.halt.set()
        poller.join()

        latencies = []
        for key, sent in producer.sent_at.items():
            if key in warm_keys:
                continue
            seen = poller.visible_at(*key)
            latencies.append((seen - sent) * 1000 if seen else float("inf"))
        exact = js.view(store, "kappa", 1) == (truth.at()[0], truth.ends(), truth.at()[1])
        result = {
            "events": len(latencies), "rate_target": args.rate, "rate_achieved": round(count / produced_s, 1),
            "trigger_ms": args.trigger_ms, "p50_ms": round(percentile(latencies, 50)),
            "p95_ms": round(percentile(latencies, 95)), "p99_ms": round(percentile(latencies, 99)),
            "max_ms": round(max(latencies)), "mean_ms": round(statistics.fmean(latencies)),
            "polls": len(poller.timeline), "exact": exact,
        }
        print(f"kappa freshness at {result['rate_achieved']} events/s (Spark local mode, trigger {args.trigger_ms} ms, "
              f"{result['events']} events): p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
              f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms; counts exact: {exact}")
        print(json.dumps({"bench": "kappa_freshness", **result}))
        return 0 if exact else 1
    finally:
        lab.close()
        js.keep_logs(workdir, "bench_freshness")
        js.drop_keyspace(store)
        js.delete_topic(beds.bootstrap, name)
        js.remove(workdir)


if __name__ == "__main__":
    sys.exit(main())
