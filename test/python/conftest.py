"""pytest fixtures over the real test-bed services (node test/services/bed.mjs start ...).

Run: .cache/venv/bin/python -m pytest test/python -q
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree (test modules and lab-stacks/jobs)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import testbed  # noqa: E402


def _require(name: str) -> dict:
    try:
        return testbed.require_service(name)
    except testbed.ServiceNotRunning as error:
        message = str(error)
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def spark_info() -> dict:
    return _require("spark")


@pytest.fixture(scope="session")
def hdfs() -> dict:
    """{url: 'hdfs://127.0.0.1:PORT', version, pids, extra: {webhdfs, ...}}"""
    return _require("hdfs")


@pytest.fixture(scope="session")
def kafka() -> dict:
    """{bootstrap: '127.0.0.1:PORT', version, pids, perfTest}"""
    return _require("kafka")


@pytest.fixture(scope="session")
def cassandra() -> dict:
    """{contactPoint: '127.0.0.1:PORT', localDataCenter, version, pids}"""
    return _require("cassandra")


@pytest.fixture(scope="session")
def spark(spark_info):
    """A local-mode SparkSession with the Kafka and Cassandra connectors from the test bed's Ivy cache."""
    from pyspark.sql import SparkSession

    extra = spark_info.get("extra", {})
    os.environ.update(extra.get("env", {}))
    conf = dict(extra.get("conf", {}))
    conf["spark.jars.packages"] = ",".join(spark_info["packages"])
    conf["spark.jars.ivy"] = spark_info["ivyDir"]
    builder = SparkSession.builder.appName("archlab-pytest")
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def beds(kafka, cassandra, spark_info, hdfs):
    """The services as the environment of the lab jobs (lab-stacks/jobs), run as subprocesses by the job tests."""
    import jobs_support
    return jobs_support.Beds(kafka, cassandra, spark_info, hdfs)


@pytest.fixture()
def lab(beds, request):
    """A fresh topic (3 partitions), keyspace (schema.cql) and work folder for one job test; removed afterwards
    with every job the test started (killed if still running)."""
    import jobs_support as js
    name = js.unique(request.node.name.replace("test_", "")[:20].lower())
    topic, keyspace, workdir = name, name, js.workdir(name)
    js.create_topic(beds.bootstrap, topic)
    store = js.create_keyspace(beds.cassandra, keyspace)
    lab = js.Lab(beds, topic, keyspace, workdir, store)
    yield lab
    lab.close()
    js.keep_logs(workdir, request.node.name)
    js.drop_keyspace(store)
    js.delete_topic(beds.bootstrap, topic)
    if beds.hdfs and lab.uses_hdfs:
        js.delete_hdfs(beds.hdfs, f"/archlab-tests/{keyspace}")
    js.remove(workdir)
