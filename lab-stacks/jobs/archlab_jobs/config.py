"""Job settings, read from the environment (documented in lab-stacks/jobs/README.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .contract import KEYSPACE, TOPIC


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError as error:
        raise SystemExit(f"{name}={value!r} is not an integer") from error


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Config:
    kafka_bootstrap: str = "kafka:9092"
    topic: str = TOPIC
    cassandra_hosts: tuple[str, ...] = ("cassandra",)
    cassandra_port: int = 9042
    cassandra_local_dc: str | None = None
    keyspace: str = KEYSPACE
    ensure_schema: bool = True
    checkpoint_dir: str = "/tmp/archlab-checkpoints"
    hdfs_url: str = ""
    master_dataset: str = "/archlab/master"
    bucket_size: int = 100
    segment_size: int = 100_000
    batch_interval_s: int = 60
    batch_wait_timeout_s: int = 120
    batch_mode: str = "incremental"
    trigger_ms: int = 500
    ingest_trigger_ms: int = 2000
    max_offsets_per_trigger: int = 100_000
    fail_on_data_loss: bool = True
    spark_master: str | None = None
    max_restarts: int = 20
    validation_max_batch: int = 5000
    extra: dict = field(default_factory=dict)

    @property
    def master_path(self) -> str:
        """The master dataset's full URL: MASTER_DATASET, prefixed with HDFS_URL when it has no scheme."""
        if "://" in self.master_dataset or not self.hdfs_url:
            return self.master_dataset
        return self.hdfs_url.rstrip("/") + "/" + self.master_dataset.lstrip("/")

    def checkpoint(self, *parts: str) -> str:
        return "/".join([self.checkpoint_dir.rstrip("/"), *parts])


def load() -> Config:
    env = os.environ.get
    batch_mode = env("BATCH_MODE", "incremental").strip().lower()
    if batch_mode not in ("incremental", "full"):
        raise SystemExit(f"BATCH_MODE={batch_mode!r}: use incremental or full")
    bucket_size = _int("BUCKET_SIZE", 100)
    if bucket_size <= 0:
        raise SystemExit("BUCKET_SIZE must be positive")
    return Config(
        kafka_bootstrap=env("KAFKA_BOOTSTRAP", "kafka:9092"),
        topic=env("KAFKA_TOPIC", TOPIC),
        cassandra_hosts=tuple(h.strip() for h in env("CASSANDRA_HOST", "cassandra").split(",") if h.strip()),
        cassandra_port=_int("CASSANDRA_PORT", 9042),
        cassandra_local_dc=env("CASSANDRA_LOCAL_DC") or None,
        keyspace=env("CASSANDRA_KEYSPACE", KEYSPACE),
        ensure_schema=_bool("CASSANDRA_ENSURE_SCHEMA", True),
        checkpoint_dir=env("CHECKPOINT_DIR", "/tmp/archlab-checkpoints"),
        hdfs_url=env("HDFS_URL", ""),
        master_dataset=env("MASTER_DATASET", "/archlab/master"),
        bucket_size=bucket_size,
        segment_size=_int("SEGMENT_SIZE", 100_000),
        batch_interval_s=_int("BATCH_INTERVAL_S", 60),
        batch_wait_timeout_s=_int("BATCH_WAIT_TIMEOUT_S", 120),
        batch_mode=batch_mode,
        trigger_ms=_int("TRIGGER_MS", 500),
        ingest_trigger_ms=_int("INGEST_TRIGGER_MS", 2000),
        max_offsets_per_trigger=_int("MAX_OFFSETS_PER_TRIGGER", 100_000),
        fail_on_data_loss=_bool("KAFKA_FAIL_ON_DATA_LOSS", True),
        spark_master=env("SPARK_MASTER") or None,
        max_restarts=_int("JOB_MAX_RESTARTS", 20),
        validation_max_batch=_int("VALIDATION_MAX_BATCH", 5000),
    )
