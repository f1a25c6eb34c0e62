"""The combined smoke test: a PySpark local job reads 1,000 messages from a real Kafka topic and writes per-item
counts to a real Cassandra table; the counts match the truth kept when producing.

Messages are produced with Spark's own Kafka sink (no extra Python Kafka client); the topic is created with Kafka's
Admin client from the connector's kafka-clients jar (through py4j); Cassandra is checked with the Python driver,
independently of Spark.
"""
import json
import random
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.policies import DCAwareRoundRobinPolicy
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, StringType, StructField, StructType

import testbed

SNACKS = ["Crunchy Chips", "Choco Bar", "Gummy Bears", "Salted Pretzels", "Cola", "Still Water", "Peanut Cookies"]
MESSAGES = 1000
PARTITIONS = 3
KEYSPACE = "archlab_smoke"
EVENT_SCHEMA = StructType([
    StructField("event_id", StringType()),
    StructField("item", StringType()),
    StructField("price", DoubleType()),
    StructField("event_time", StringType()),
])


def make_events(seed=42):
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    events = [{
        "event_id": f"smoke-{i}",
        "item": rng.choice(SNACKS),
        "price": round(rng.uniform(0.5, 3.0), 2),
        "event_time": (start + timedelta(milliseconds=i * 37)).isoformat().replace("+00:00", "Z"),
    } for i in range(MESSAGES)]
    return events, Counter(e["item"] for e in events)


@pytest.fixture()
def topic(spark, kafka):
    """A fresh topic with 3 partitions, created (and deleted afterwards) with Kafka's Admin client."""
    jvm = spark._jvm
    props = jvm.java.util.Properties()
    props.put("bootstrap.servers", kafka["bootstrap"])
    admin = jvm.org.apache.kafka.clients.admin.Admin.create(props)
    name = f"archlab-smoke-{uuid.uuid4().hex[:8]}"
    topics = jvm.java.util.ArrayList()
    topics.add(jvm.org.apache.kafka.clients.admin.NewTopic(name, PARTITIONS, jvm.java.lang.Short.parseShort("1")))
    admin.createTopics(topics).all().get()
    yield name
    names = jvm.java.util.ArrayList()
    names.add(name)
    admin.deleteTopics(names).all().get()
    admin.close()


@pytest.fixture()
def cql(cassandra):
    host, port = testbed.host_port(cassandra["contactPoint"])
    profile = ExecutionProfile(load_balancing_policy=DCAwareRoundRobinPolicy(local_dc=cassandra["localDataCenter"]))
    cluster = Cluster([host], port=port, execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    session = cluster.connect()
    session.execute(f"CREATE KEYSPACE IF NOT EXISTS {KEYSPACE} "
                    "WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    yield session
    cluster.shutdown()


def test_spark_counts_kafka_messages_into_cassandra(spark, kafka, cassandra, topic, cql):
    events, truth = make_events()
    table = f"item_counts_{uuid.uuid4().hex[:8]}"
    cql.execute(f"CREATE TABLE {KEYSPACE}.{table} (item text PRIMARY KEY, events bigint)")
    host, port = testbed.host_port(cassandra["contactPoint"])
    cassandra_options = {
        "keyspace": KEYSPACE,
        "table": table,
        "spark.cassandra.connection.host": host,
        "spark.cassandra.connection.port": str(port),
        "spark.cassandra.connection.localDC": cassandra["localDataCenter"],
    }

    # Produce with Spark's Kafka sink (acks=all).
    produced = spark.createDataFrame([(e["event_id"], json.dumps(e)) for e in events], "key string, value string")
    (produced.write.format("kafka")
        .option("kafka.bootstrap.servers", kafka["bootstrap"])
        .option("kafka.acks", "all")
        .option("topic", topic)
        .save())

    # The batch job: read the whole topic, count per item, write to Cassandra.
    raw = (spark.read.format("kafka")
           .option("kafka.bootstrap.servers", kafka["bootstrap"])
           .option("subscribe", topic)
           .option("startingOffsets", "earliest")
           .option("endingOffsets", "latest")
           .load())
    parsed = raw.select(F.from_json(F.col("value").cast("string"), EVENT_SCHEMA).alias("e")).select("e.*")
    counts = parsed.groupBy("item").agg(F.count(F.lit(1)).alias("events"))
    counts.write.format("org.apache.spark.sql.cassandra").options(**cassandra_options).mode("append").save()

    assert raw.count() == MESSAGES
    assert raw.select("partition").distinct().count() == PARTITIONS
    # Read back with the Python driver, independently of Spark.
    stored = {row.item: row.events for row in cql.execute(f"SELECT item, events FROM {KEYSPACE}.{table}")}
    assert stored == dict(truth)
    assert sum(stored.values()) == MESSAGES
    # And through the connector's read path.
    read_back = spark.read.format("org.apache.spark.sql.cassandra").options(**cassandra_options).load()
    assert {r["item"]: r["events"] for r in read_back.collect()} == dict(truth)
    cql.execute(f"DROP TABLE {KEYSPACE}.{table}")
