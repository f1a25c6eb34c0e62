"""Helpers for the pipeline-job tests (test_jobs_*.py) and bench_freshness.py.

The jobs in lab-stacks/jobs run as subprocesses (their own process group, so a test can kill -9 the driver and its
Spark JVM at once) against the test bed's real Kafka, Cassandra and HDFS, with Spark in local mode and the
connectors from the test bed's Ivy cache. The truth is kept here, independently of the jobs: what Kafka
acknowledged (partition and offset of every message, from the producer's delivery reports) and whether the test
made that message valid.
"""
from __future__ import annotations

import bisect
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import testbed

REPO = testbed.REPO_ROOT
JOBS_DIR = REPO / "lab-stacks" / "jobs"
PYTHON = sys.executable
if str(JOBS_DIR) not in sys.path:
    sys.path.insert(0, str(JOBS_DIR))

from archlab_jobs.events import SNACK_NAMES, SNACKS  # noqa: E402
from archlab_jobs.store import Store  # noqa: E402

PARTITIONS = 3


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def golden_messages() -> list[tuple[str, bytes | None, str | None]]:
    """test/fixtures/golden-messages.json: (name, value, the snack it counts for or None), shared with the TypeScript
    unit tests (test/unit/contract.test.ts)."""
    import base64
    doc = json.loads((REPO / "test" / "fixtures" / "golden-messages.json").read_text(encoding="utf-8"))
    out = []
    for m in doc["messages"]:
        value = m["text"].encode() if "text" in m else base64.b64decode(m["base64"]) if "base64" in m else None
        out.append((m["name"], value, m["counts"]))
    return out


# ---- events ---------------------------------------------------------------------------------------------------
MALFORMED = [
    b"not json at all",
    b'{"event_id": "bad-1", "item": "pizza", "price": 9}',          # unknown snack
    b'{"event_id": "bad-2", "price": 1}',                            # no item
    b'{"item": "apple", "price": 1}',                                # no event_id
    b'{"event_id": null, "item": "apple"}',                          # null event_id
    b'[{"event_id": "bad-3", "item": "apple"}]',                     # not an object
    b"",                                                             # empty
    None,                                                            # tombstone (null value)
    b'{"event_id": "bad-4", "item": 5}',                             # item not a string
    b"{'event_id': 'bad-5', 'item': 'apple'}",                       # single quotes: not JSON
    b'{"event_id": "bad-6", "item": "apple"',                        # truncated
    b'{"event_id": "bad-7", "item": "Apple"}',                       # wrong case
    b"\xff\xfe\x00garbage",                                          # not UTF-8
    b'{"event_id": "bad-8", "item": ["apple"]}',                     # array item
    b'{"event_id": "bad-9", "item": "apple", "price": 01}',          # invalid number
    b"42",
]


def event(rng: random.Random, seq: int, tag: str) -> tuple[bytes, str]:
    item = rng.choice(SNACK_NAMES)
    body = {
        "event_id": f"{tag}-{seq}", "snack_automat_id": f"SNACK--{rng.randrange(126)}",
        "customer_id": rng.randrange(201), "item": item, "price": SNACKS[item]["price"],
        "healthy_food": SNACKS[item]["category"] == "healthy", "category": SNACKS[item]["category"],
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
    }
    return json.dumps(body).encode(), item


def make_stream(count: int, seed: int, malformed: int = 0, tag: str = "e") -> list[tuple[bytes | None, str | None]]:
    """`count` messages: valid events (value, item) with `malformed` invalid ones (value, None) mixed in."""
    rng = random.Random(seed)
    messages = [event(rng, i, tag) for i in range(count - malformed)]
    for i in range(malformed):
        messages.insert(rng.randrange(len(messages) + 1), (MALFORMED[i % len(MALFORMED)], None))
    return messages


# ---- Kafka ----------------------------------------------------------------------------------------------------
def create_topic(bootstrap: str, name: str, partitions: int = PARTITIONS) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(name, partitions, 1)])[name].result(30)
    deadline = time.time() + 30
    while time.time() < deadline:
        topic = admin.list_topics(name, timeout=10).topics.get(name)
        if topic is not None and topic.error is None and len(topic.partitions) == partitions:
            return
        time.sleep(0.2)
    raise AssertionError(f"topic {name} not ready")


def delete_topic(bootstrap: str, name: str) -> None:
    from confluent_kafka.admin import AdminClient
    try:
        AdminClient({"bootstrap.servers": bootstrap}).delete_topics([name])[name].result(30)
    except Exception:  # noqa: BLE001 - best effort clean-up
        pass


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique("archlab-test"), "enable.auto.commit": False})
    try:
        meta = consumer.list_topics(topic, timeout=30).topics[topic]
        return {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)[1] for p in meta.partitions}
    finally:
        consumer.close()


def read_topic(bootstrap: str, topic: str) -> dict[tuple[int, int], bytes | None]:
    """Every message of the topic, read back from the broker: (partition, offset) -> value."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
    ends = end_offsets(bootstrap, topic)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique("archlab-test"), "enable.auto.commit": False,
                         "enable.partition.eof": True})
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in ends])
    out: dict[tuple[int, int], bytes | None] = {}
    done = {p for p, end in ends.items() if end == 0}
    deadline = time.time() + 60
    try:
        while len(done) < len(ends) and time.time() < deadline:
            for msg in consumer.consume(1000, 1.0):
                if msg.error():
                    if msg.error().code() == -191:  # _PARTITION_EOF
                        if msg.offset() >= ends[msg.partition()]:
                            done.add(msg.partition())
                        continue
                    raise AssertionError(f"reading {topic}: {msg.error()}")
                out[(msg.partition(), msg.offset())] = msg.value()
                if msg.offset() + 1 >= ends[msg.partition()]:
                    done.add(msg.partition())
    finally:
        consumer.close()
    return out


class Producer:
    """Idempotent producer (acks=all); the delivery reports are the truth: (partition, offset) -> item or None."""

    def __init__(self, bootstrap: str, topic: str):
        from confluent_kafka import Producer as KafkaProducer
        self.topic = topic
        self.acked: dict[tuple[int, int], str | None] = {}
        self.sent_at: dict[tuple[int, int], float] = {}
        self.failed: list[str] = []
        self.halt = threading.Event()  # set by the test's clean-up: stops send_all early
        self._lock = threading.Lock()
        self._producer = KafkaProducer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all",
                                        "linger.ms": 5, "message.timeout.ms": 300000, "retry.backoff.ms": 200})

    def send(self, value: bytes | None, item: str | None, key: bytes | None = None) -> None:
        sent = time.time()

        def delivered(error, msg):
            with self._lock:
                if error is not None:
                    self.failed.append(str(error))
                else:
                    self.acked[(msg.partition(), msg.offset())] = item
                    self.sent_at[(msg.partition(), msg.offset())] = sent

        while True:
            try:
                self._producer.produce(self.topic, value=value, key=key, on_delivery=delivered)
                break
            except BufferError:
                self._producer.poll(0.1)
        self._producer.poll(0)

    def send_all(self, messages, rate: float | None = None, stop: threading.Event | None = None) -> None:
        started = time.time()
        for i, (value, item) in enumerate(messages):
            if self.halt.is_set() or (stop is not None and stop.is_set()):
                break
            if rate:
                delay = started + i / rate - time.time()
                if delay > 0:
                    time.sleep(delay)
            self.send(value, item, key=str(i).encode())
        self.flush()

    def flush(self, timeout: float = 300) -> None:
        remaining = self._producer.flush(timeout)
        assert remaining == 0, f"{remaining} messages not delivered"
        assert not self.failed, f"delivery failed: {self.failed[:3]}"

    def truth(self) -> "Truth":
        with self._lock:
            return Truth(dict(self.acked))


class Truth:
    """Per-snack counts of the acknowledged messages, overall or below given per-partition offsets."""

    def __init__(self, acked: dict[tuple[int, int], str | None]):
        self.acked = acked
        self.by_partition: dict[int, list[tuple[int, str | None]]] = defaultdict(list)
        for (p, offset), item in sorted(acked.items()):
            self.by_partition[p].append((offset, item))

    def ends(self) -> dict[int, int]:
        return {p: rows[-1][0] + 1 for p, rows in self.by_partition.items()}

    def _prefix(self, p: int) -> dict:
        """Cumulative counts per item (None = invalid) over partition p's messages in offset order."""
        if not hasattr(self, "_prefixes"):
            self._prefixes = {}
        if p not in self._prefixes:
            rows = self.by_partition.get(p, [])
            keys = sorted({item for _, item in rows}, key=str)
            running = dict.fromkeys(keys, 0)
            table = {k: [0] for k in keys}
            for _, item in rows:
                running[item] += 1
                for k in keys:
                    table[k].append(running[k])
            self._prefixes[p] = ([o for o, _ in rows], table)
        return self._prefixes[p]

    def at(self, offsets: dict[int, int] | None = None) -> tuple[dict[str, int], int]:
        """(counts, invalid) of the messages with offset < offsets[p] (all messages if offsets is None)."""
        counts: Counter = Counter()
        invalid = 0
        for p in self.by_partition:
            positions, table = self._prefix(p)
            n = len(positions) if offsets is None else bisect.bisect_left(positions, offsets.get(p, 0))
            for item, cumulative in table.items():
                if item is None:
                    invalid += cumulative[n]
                elif cumulative[n]:
                    counts[item] += cumulative[n]
        return dict(counts), invalid

    def check_dense(self) -> None:
        for p, rows in self.by_partition.items():
            assert [o for o, _ in rows] == list(range(len(rows))), f"offsets of partition {p} are not 0..n-1"


# ---- Cassandra ------------------------------------------------------------------------------------------------
def cassandra_endpoint(cassandra: dict) -> tuple[str, int]:
    return testbed.host_port(cassandra["contactPoint"])


def create_keyspace(cassandra: dict, keyspace: str) -> Store:
    """A fresh keyspace with the jobs' schema (schema.cql), and a Store over it."""
    host, port = cassandra_endpoint(cassandra)
    return Store([host], port, keyspace, cassandra["localDataCenter"], ensure_schema=True)


def drop_keyspace(store: Store) -> None:
    try:
        store.session.execute(f"DROP KEYSPACE IF EXISTS {store.keyspace}", timeout=60)
    finally:
        store.close()


def view(store: Store, name: str, version: int = 0):
    """(counts without zeros, offsets, invalid) of view_counts(name, version)."""
    state = store.read_view(name, version)
    return {k: v for k, v in state.counts.items() if v}, state.offsets, state.invalid


# ---- jobs -----------------------------------------------------------------------------------------------------
class Beds:
    """The test bed's services, as the jobs' environment."""

    def __init__(self, kafka: dict, cassandra: dict, spark: dict, hdfs: dict | None = None):
        self.kafka, self.cassandra, self.spark, self.hdfs = kafka, cassandra, spark, hdfs

    @property
    def bootstrap(self) -> str:
        return self.kafka["bootstrap"]

    def submit_args(self) -> str:
        conf = dict(self.spark.get("extra", {}).get("conf", {}))
        conf.pop("spark.master", None)
        conf.pop("spark.jars.packages", None)
        conf.pop("spark.driver.memory", None)
        conf["spark.jars.ivy"] = self.spark["ivyDir"]
        conf["spark.sql.shuffle.partitions"] = "2"
        conf["spark.ui.enabled"] = "false"
        conf["spark.ui.showConsoleProgress"] = "false"
        conf["spark.driver.extraJavaOptions"] = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss1m"
        # The jobs need the Kafka connector only (they write to Cassandra with the Python driver).
        kafka_packages = [p for p in self.spark["packages"] if "spark-sql-kafka" in p]
        args = ["--driver-memory", "1g", "--packages", ",".join(kafka_packages)]
        for key, value in conf.items():
            args += ["--conf", f"{key}={value}"]
        return " ".join(f"'{a}'" if " " in a else a for a in args) + " pyspark-shell"

    def env(self, topic: str, keyspace: str, workdir: Path, **overrides) -> dict[str, str]:
        host, port = cassandra_endpoint(self.cassandra)
        env = dict(os.environ)
        env.update(self.spark.get("extra", {}).get("env", {}))
        env.update({
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
            "KAFKA_BOOTSTRAP": self.bootstrap, "KAFKA_TOPIC": topic,
            "CASSANDRA_HOST": host, "CASSANDRA_PORT": str(port), "CASSANDRA_KEYSPACE": keyspace,
            "CASSANDRA_LOCAL_DC": self.cassandra["localDataCenter"], "CASSANDRA_ENSURE_SCHEMA": "0",
            "CHECKPOINT_DIR": str(workdir / "checkpoints"),
            "SPARK_MASTER": "local[2]", "PYSPARK_SUBMIT_ARGS": self.submit_args(),
            "TRIGGER_MS": "500", "JOB_MAX_RESTARTS": "5",
        })
        if self.hdfs:
            env["HDFS_URL"] = self.hdfs["url"]
            env["MASTER_DATASET"] = f"/archlab-tests/{keyspace}/master"
        env.update({k: str(v) for k, v in overrides.items()})
        return env


class Job:
    """One job subprocess (own process group); kill() is a crash (SIGKILL to the driver and its JVM)."""

    def __init__(self, script: str, env: dict[str, str], workdir: Path, args: tuple[str, ...] = (), name: str | None = None):
        self.script, self.env, self.args = script, env, args
        self.name = name or Path(script).stem
        self.log_file = workdir / f"{self.name}.log"
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> "Job":
        assert self.proc is None or self.proc.poll() is not None, f"{self.name} already running"
        self.starts += 1
        log = open(self.log_file, "a", encoding="utf-8")
        log.write(f"\n===== start #{self.starts} at {time.strftime('%H:%M:%S')} =====\n")
        log.flush()
        self.proc = subprocess.Popen([PYTHON, str(JOBS_DIR / self.script), *self.args], cwd=str(JOBS_DIR), env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """kill -9 of the whole process group (Python driver + Spark JVM)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)
        self._reap_group()

    def stop(self, timeout: float = 60) -> int | None:
        """SIGTERM to the driver (it stops its query and Spark cleanly), SIGKILL to the group after `timeout`."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        return self.proc.returncode

    def _reap_group(self) -> None:
        # the Spark JVM is in the same process group: make sure nothing of it is left
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            time.sleep(0.2)

    def restart_after_crash(self, timeout: float, others=()) -> None:
        """Waits until the job killed itself at its ARCHLAB_CRASH_AT point, then starts it again without it."""
        wait_until(f"{self.name} to crash at {self.env.get('ARCHLAB_CRASH_AT')}", lambda: self.proc.poll() is not None,
                   timeout, others)
        assert "[crash]" in self.tail(5), f"{self.name} exited with {self.proc.returncode}, not at its crash point:\n{self.tail()}"
        self._reap_group()
        self.env.pop("ARCHLAB_CRASH_AT")
        self.start()

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text[-lines:])


def restart_after_crashes(crashing: list["Job"], timeout: float, others=()) -> None:
    """Waits until each job killed itself at its ARCHLAB_CRASH_AT point, in whatever order they get there (a busy
    machine changes it), and starts each again without it as soon as it has."""
    pending = list(crashing)
    deadline = time.time() + timeout
    while pending:
        for job in [j for j in pending if j.proc.poll() is not None]:
            assert "[crash]" in job.tail(5), f"{job.name} exited with {job.proc.returncode}, not at its crash point:\n{job.tail()}"
            job._reap_group()
            job.env.pop("ARCHLAB_CRASH_AT")
            job.start()
            pending.remove(job)
        for other in others:
            if other.proc is not None and other.proc.poll() is not None and other.proc.returncode not in (0, None):
                raise AssertionError(f"{other.name} exited with {other.proc.returncode} while waiting for the crashes\n{other.tail(60)}")
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {[j.name for j in pending]} to crash\n" + "\n".join(j.tail(30) for j in pending))
        time.sleep(0.5)


def wait_until(what: str, probe, timeout: float, jobs=(), interval: float = 0.5):
    """Polls probe() until it returns a truthy value; on timeout fails with the jobs' log tails."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            value = probe()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - shown if it times out
            last = error
        for job in jobs:
            if job.proc is not None and job.proc.poll() is not None and job.proc.returncode not in (0, None):
                raise AssertionError(f"{job.name} exited with {job.proc.returncode} while waiting for {what}\n"
                                     f"--- {job.log_file} ---\n{job.tail(60)}")
        time.sleep(interval)
    tails = "\n".join(f"--- {job.log_file} ---\n{job.tail(40)}" for job in jobs)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}"
                         f"{f' (last error: {last!r})' if last else ''}\n{tails}")


def restart_broker(kafka: dict, kill: bool = True) -> None:
    """Crashes (SIGKILL) and restarts the test bed's broker with the same data (test/services/kafka.mjs)."""
    control = kafka["extra"]["control"]
    subprocess.run([*control, "restart-broker", *(["--kill"] if kill else [])], check=True, timeout=180,
                   capture_output=True, env={**os.environ, "ARCHLAB_TESTBED_DIR": str(testbed.bed_dir())})


def workdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"archlab-{prefix}-"))


def keep_logs(workdir: Path, test: str) -> None:
    """Copies the jobs' logs to test-results/python-jobs/<test>/ (ignored by git) for diagnosis."""
    target = REPO / "test-results" / "python-jobs" / test
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    for log in workdir.glob("*.log"):
        shutil.copy(log, target / log.name)


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def delete_hdfs(hdfs: dict, path: str) -> None:
    """Removes a folder from the test bed's HDFS (WebHDFS DELETE), best effort."""
    import urllib.request
    url = f"{hdfs['extra']['webhdfs']}/webhdfs/v1{path}?op=DELETE&recursive=true&user.name={os.environ.get('USER', 'root')}"
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=30).read()
    except Exception:  # noqa: BLE001 - clean-up only
        pass


class Lab:
    """One test's topic, keyspace, work folder and jobs."""

    def __init__(self, beds: Beds, topic: str, keyspace: str, workdir: Path, store: Store):
        self.beds, self.topic, self.keyspace, self.workdir, self.store = beds, topic, keyspace, workdir, store
        self.jobs: list[Job] = []
        self.producers: list[Producer] = []
        self.uses_hdfs = False

    def env(self, **overrides) -> dict[str, str]:
        return self.beds.env(self.topic, self.keyspace, self.workdir, **overrides)

    def job(self, script: str, *args: str, name: str | None = None, **env) -> Job:
        if script in ("hdfs_ingest.py", "batch_layer.py"):
            self.uses_hdfs = True
        job = Job(script, self.env(**env), self.workdir, tuple(args), name)
        self.jobs.append(job)
        return job

    def producer(self) -> Producer:
        producer = Producer(self.beds.bootstrap, self.topic)
        self.producers.append(producer)
        return producer

    def status(self, job: str):
        return self.store.read_status(job)

    def close(self) -> None:
        for producer in self.producers:
            producer.halt.set()
        for job in self.jobs:
            job.kill()


def cassandra_node(cassandra: dict, command: str) -> None:
    """Stops or starts the test bed's Cassandra node, keeping its data (test/services/cassandra.mjs node-stop|node-start)."""
    subprocess.run([*cassandra["extra"]["control"], command], check=True, timeout=300, capture_output=True,
                   env={**os.environ, "ARCHLAB_TESTBED_DIR": str(testbed.bed_dir())})
