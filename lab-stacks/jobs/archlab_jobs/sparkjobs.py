"""Spark helpers shared by the Spark jobs (not imported by validation.py).

No Python UDFs: parsing, the validity rule, fencing and the aggregation are Spark SQL expressions, so executors
need nothing but Spark; only the driver talks to Cassandra (the micro-batch aggregates are tiny).
"""
from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType, StructField, StructType

from .config import Config
from .contract import MAX_NUMBER_RUN, NUMBER_RUN_PATTERN, SNACK_NAMES

EVENT_FIELDS = StructType([StructField("event_id", StringType()), StructField("item", StringType())])
# Strict JSON: Spark's reader accepts 'single quotes' and NaN/Infinity by default; the contract does not.
JSON_OPTIONS = {"allowSingleQuotes": "false", "allowNonNumericNumbers": "false"}


def logger(name: str):
    def log(message: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        print(f"{stamp} [{name}] {message}", flush=True)
    return log


def session(app: str, cfg: Config) -> SparkSession:
    """A SparkSession; the master comes from SPARK_MASTER or from spark-submit (never hard-coded)."""
    builder = SparkSession.builder.appName(app)
    if cfg.spark_master:
        builder = builder.master(cfg.spark_master)
    builder = builder.config("spark.sql.session.timeZone", "UTC")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    if not spark.sparkContext.getConf().contains("spark.sql.shuffle.partitions"):
        spark.conf.set("spark.sql.shuffle.partitions", "3")  # tiny aggregates: 200 partitions only cost time
    return spark


def starting_offsets(spark: SparkSession, cfg: Config, offsets: dict[int, int]) -> str:
    """Spark's startingOffsets for a query without a checkpoint: the given offsets (where a view's counts end), the
    earliest offset (-2) for the topic's other partitions; "earliest" when none is given."""
    if not offsets:
        return "earliest"
    partitions = kafka_end_offsets(spark, cfg) or dict.fromkeys(offsets, 0)
    return json.dumps({cfg.topic: {str(p): int(offsets.get(p, -2)) for p in sorted(set(partitions) | set(offsets))}})


def kafka_stream(spark: SparkSession, cfg: Config, max_offsets: int | None = None, start: str = "earliest") -> DataFrame:
    """The topic from `start` (when the query has no checkpoint yet); where a job resumes comes from its checkpoint,
    what it counts from the offsets stored in Cassandra (the fence), so losing a checkpoint costs time, never
    exactness."""
    reader = (spark.readStream.format("kafka")
              .option("kafka.bootstrap.servers", cfg.kafka_bootstrap)
              .option("subscribe", cfg.topic)
              .option("startingOffsets", start)
              .option("failOnDataLoss", str(cfg.fail_on_data_loss).lower())
              .option("kafka.default.api.timeout.ms", "120000")
              .option("fetchOffset.numRetries", "10"))
    if max_offsets:
        reader = reader.option("maxOffsetsPerTrigger", str(max_offsets))
    return reader.load()


def item_column(value: Column | None = None) -> Column:
    """The snack a message counts for, or null if invalid: the contract's validity rule (events.item_of) in Spark SQL.

    Spark's JSON reader ignores text after the first value and takes the first element of a top-level array, so the
    value is parsed twice, wrapped: as `[value]` (an array of exactly one object) and as `{"v": value}`. Text after
    the value breaks at least one of the two (`]` the second, `}` the first, `,` the size), so together they accept
    exactly one JSON object. The wrappers add one level of nesting to Spark's limit of 1000, hence 999 in the contract.
    """
    value = F.col("value") if value is None else value
    text = value.cast("string")
    as_array = F.from_json(F.concat(F.lit("["), text, F.lit("]")), ArrayType(EVENT_FIELDS), JSON_OPTIONS)
    as_member = F.from_json(F.concat(F.lit('{"v":'), text, F.lit("}")), StructType([StructField("v", EVENT_FIELDS)]), JSON_OPTIONS)
    event = F.element_at(as_array, 1)
    no_number_run = (F.octet_length(value) < MAX_NUMBER_RUN) | ~text.rlike(NUMBER_RUN_PATTERN)
    counted = ((F.size(as_array) == 1) & as_member["v"].isNotNull() & no_number_run
               & event["event_id"].isNotNull() & (F.length(event["event_id"]) > 0) & event["item"].isin(*SNACK_NAMES))
    return F.when(counted, event["item"])


def fence(offsets: dict[int, int]) -> Column:
    """Rows not counted yet: offset >= the stored next offset of their partition (all rows of other partitions)."""
    if not offsets:
        return F.lit(True)
    known = [(F.col("partition") == p) & (F.col("offset") >= n) for p, n in offsets.items()]
    return reduce(lambda a, b: a | b, known) | ~F.col("partition").isin(*offsets.keys())


@dataclass
class PartitionCounts:
    next_offset: int = 0
    counts: dict = field(default_factory=lambda: defaultdict(int))  # item or (bucket, item) -> n
    invalid: dict = field(default_factory=lambda: defaultdict(int))  # None or bucket -> n
    rows: int = 0


def count_rows(df: DataFrame, offsets: dict[int, int], bucket_size: int | None = None) -> dict[int, PartitionCounts]:
    """Counts the rows of a Kafka micro-batch at or after `offsets`, per partition (and bucket): one Spark job."""
    rows = df.where(fence(offsets)).select("partition", "offset", item_column().alias("item"))
    keys = ["partition", "item"]
    if bucket_size:
        rows = rows.withColumn("bucket", F.expr(f"offset div {int(bucket_size)}"))
        keys = ["partition", "bucket", "item"]
    result: dict[int, PartitionCounts] = {}
    for row in rows.groupBy(*keys).agg(F.count(F.lit(1)).alias("n"), F.max("offset").alias("last")).collect():
        part = result.setdefault(row["partition"], PartitionCounts())
        part.next_offset = max(part.next_offset, row["last"] + 1)
        part.rows += row["n"]
        bucket = row["bucket"] if bucket_size else None
        if row["item"] is None:
            part.invalid[bucket] += row["n"]
        else:
            part.counts[(bucket, row["item"]) if bucket_size else row["item"]] += row["n"]
    return result


def hadoop_path(spark: SparkSession, path: str):
    jvm = spark.sparkContext._jvm
    jpath = jvm.org.apache.hadoop.fs.Path(path)
    return jpath, jpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


def drop_orphan_checkpoint(spark: SparkSession, path: str, has_state: bool, log) -> None:
    """A checkpoint whose Cassandra state is gone (new keyspace, truncated tables) would resume past offsets that
    were never counted: delete it so the job starts from the earliest offset again."""
    jpath, fs = hadoop_path(spark, path)
    if not has_state and fs.exists(jpath):
        log(f"checkpoint {path} exists but Cassandra has no state for it: deleting it (starting from the earliest offset)")
        fs.delete(jpath, True)


def kafka_end_offsets(spark: SparkSession, cfg: Config, timeout_s: int = 30) -> dict[int, int]:
    """The topic's end offsets per partition, asked with the Kafka client of the connector (through py4j)."""
    jvm = spark.sparkContext._jvm
    props = jvm.java.util.Properties()
    props.put("bootstrap.servers", cfg.kafka_bootstrap)
    props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
    props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
    props.put("allow.auto.create.topics", "false")
    props.put("client.id", "archlab-batch-layer")
    consumer = jvm.org.apache.kafka.clients.consumer.KafkaConsumer(props)
    try:
        timeout = jvm.java.time.Duration.ofSeconds(timeout_s)
        infos = consumer.partitionsFor(cfg.topic, timeout)
        partitions = jvm.java.util.ArrayList()
        for info in (infos or []):
            partitions.add(jvm.org.apache.kafka.common.TopicPartition(cfg.topic, info.partition()))
        if partitions.isEmpty():
            return {}
        ends = consumer.endOffsets(partitions, timeout)
        return {int(tp.partition()): int(ends.get(tp)) for tp in partitions}
    finally:
        consumer.close()


def crash_point(point: str, batch_id: int) -> None:
    """Fault injection for the tests: with ARCHLAB_CRASH_AT=<point>@<batch id>, the job kills itself (SIGKILL to
    its process group: the driver and, in local mode, its Spark JVM) when it reaches that point in a micro-batch
    with at least that id. Used to crash exactly between writing to Cassandra/HDFS and Spark's checkpoint commit."""
    wanted = os.environ.get("ARCHLAB_CRASH_AT", "")
    name, _, at = wanted.partition("@")
    if name == point and batch_id >= int(at or 0):
        print(f"[crash] {point} in batch {batch_id}: kill -9", flush=True)
        os.killpg(os.getpgid(0), signal.SIGKILL)


class Heartbeat:
    """Writes job_status.updated_at every few seconds from a thread of its own, while the job's process lives: a
    report older than that means the job is stalled or gone (Archlab shows it so), whatever its state column says.
    `job` is called each time (kappa's replay reports under another name once it has switched)."""

    def __init__(self, store, job, interval_s: float = 5.0):
        self.store, self.job, self.interval_s = store, job, interval_s
        self.event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="archlab-heartbeat", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.event.wait(self.interval_s):
            name = self.job() if callable(self.job) else self.job
            if name:
                self.store.report(name)

    def stop(self) -> None:
        self.event.set()


class Stopper:
    """SIGTERM/SIGINT ask the job to stop after the current micro-batch (the query is stopped cleanly)."""

    def __init__(self, log):
        self.event = threading.Event()
        self.log = log
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)

    def _handle(self, signum, _frame):
        self.log(f"signal {signum}: stopping")
        self.event.set()

    @property
    def stopping(self) -> bool:
        return self.event.is_set()


def start_stream(spark, cfg: Config, name: str, process, checkpoint: str, trigger_ms: int, start: str = "earliest"):
    """The topic as a stream, each micro-batch handed to `process`, checkpointed, on a processing-time trigger."""
    return (kafka_stream(spark, cfg, cfg.max_offsets_per_trigger, start).writeStream
            .queryName(name)
            .foreachBatch(process)
            .option("checkpointLocation", checkpoint)
            .trigger(processingTime=f"{trigger_ms} milliseconds")
            .start())


def run_reported(start, cfg: Config, log, stopper: "Stopper", failed, **options) -> str:
    """run_query, with a final failure also handed to `failed` (its first line) before it propagates."""
    try:
        return run_query(start, cfg, log, stopper, on_failure=failed, **options)
    except Exception as error:
        failed(str(error).splitlines()[0][:500] if str(error) else type(error).__name__)
        raise


def run_query(start, cfg: Config, log, stopper: Stopper, on_failure=None, tick=None, tick_s: float = 1.0) -> str:
    """Runs a streaming query and restarts it from its checkpoint when it fails (e.g. Kafka or Cassandra briefly
    down); returns 'stopped' or what `tick` returned to end it (tick is called every tick_s seconds)."""
    from pyspark.errors import StreamingQueryException

    failures = 0
    while True:
        query = start()
        try:
            while True:
                if query.awaitTermination(tick_s):
                    return "stopped"
                if stopper.stopping:
                    query.stop()
                    return "stopped"
                if tick is not None:
                    try:
                        verdict = tick()
                    except Exception as error:  # noqa: BLE001 - e.g. Cassandra briefly down: try again later
                        log(f"check failed: {type(error).__name__}: {error}")
                        verdict = None
                    if verdict:
                        query.stop()
                        return verdict
                if query.lastProgress and query.lastProgress.get("numInputRows", 0) > 0:
                    failures = 0
        except StreamingQueryException as error:
            failures += 1
            message = str(error).strip().splitlines()[0][:500]
            log(f"query failed ({failures}/{cfg.max_restarts}): {message}")
            if on_failure is not None:
                on_failure(message)
            if failures > cfg.max_restarts or stopper.stopping:
                raise
            time.sleep(min(2 * failures, 30))
