"""Cassandra side of the jobs: schema, offset-fenced view state, pointers, speed buckets, job status.

Exactness rests on two rules applied everywhere:
1. A view's counts and the offsets they reflect are written in ONE single-partition batch (atomic and isolated).
2. That batch is a lightweight transaction conditioned on the offsets read before computing it (compare-and-set).
   A writer only counts messages at or after the stored offsets ("fencing"); if the condition fails (another
   instance, a re-run, a timeout that may or may not have applied) it re-reads the state and recomputes.
So a crash at any point, a Spark micro-batch that runs twice, or two instances of a job never count twice.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.policies import ConstantReconnectionPolicy, DCAwareRoundRobinPolicy, RoundRobinPolicy
from cassandra.query import BatchStatement, BatchType

from .contract import KEYSPACE, TABLES

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.cql"


def now() -> datetime:
    return datetime.now(timezone.utc)


def _map(value) -> dict:
    return {int(k): int(v) for k, v in (value or {}).items()}


def schema_statements(keyspace: str) -> list[str]:
    """The statements of schema.cql with the contract's keyspace renamed to `keyspace`."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,47}", keyspace):
        raise ValueError(f"invalid keyspace name {keyspace!r}")
    text = "\n".join(line.split("--", 1)[0] for line in SCHEMA_FILE.read_text(encoding="utf-8").splitlines())
    text = re.sub(rf"\b{KEYSPACE}\.", f"{keyspace}.", text)
    text = re.sub(rf"(CREATE KEYSPACE IF NOT EXISTS)\s+{KEYSPACE}\b", rf"\1 {keyspace}", text)
    return [s.strip() for s in text.split(";") if s.strip()]


def connect(hosts, port: int, local_dc: str | None = None):
    policy = DCAwareRoundRobinPolicy(local_dc=local_dc) if local_dc else RoundRobinPolicy()
    profile = ExecutionProfile(load_balancing_policy=policy, request_timeout=30,
                               consistency_level=ConsistencyLevel.LOCAL_QUORUM,
                               serial_consistency_level=ConsistencyLevel.LOCAL_SERIAL)
    # Reconnect every second while a node is down (the default backs off up to minutes).
    cluster = Cluster(list(hosts), port=port, execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                      connect_timeout=15, idle_heartbeat_interval=10,
                      reconnection_policy=ConstantReconnectionPolicy(1.0, max_attempts=None))
    return cluster, cluster.connect()


def apply_schema(session, keyspace: str) -> None:
    for statement in schema_statements(keyspace):
        session.execute(statement, timeout=60)
    session.cluster.control_connection.wait_for_schema_agreement()


@dataclass
class ViewState:
    """One partition of view_counts: counts per item and the offsets/invalid they reflect."""
    view: str
    version: int
    counts: dict[str, int] = field(default_factory=dict)
    offsets: dict[int, int] = field(default_factory=dict)
    invalid: int = 0
    updated_at: datetime | None = None
    exists: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.invalid


@dataclass
class Pointer:
    view: str
    version: int
    cutoff: dict[int, int]
    bucket_size: int | None
    published_at: datetime | None


@dataclass
class SpeedState:
    """One Kafka partition of speed_buckets."""
    partition: int
    counts: dict[tuple[int, str], int] = field(default_factory=dict)
    next_offset: int | None = None
    invalid: int = 0
    bucket_invalid: dict[int, int] = field(default_factory=dict)
    bucket_size: int | None = None


class Store:
    """Prepared statements over one keyspace."""

    def __init__(self, hosts, port: int, keyspace: str, local_dc: str | None = None, ensure_schema: bool = True):
        self.keyspace = keyspace
        self.cluster, self.session = connect(hosts, port, local_dc)
        if ensure_schema:
            apply_schema(self.session, keyspace)
        ks = keyspace
        views, pointer, speed, status, requests = (f"{ks}.{TABLES[t]}" for t in ("viewCounts", "viewPointer", "speedBuckets", "jobStatus", "jobRequests"))
        p = self.session.prepare
        self._request_select = p(f"SELECT requested_at FROM {requests} WHERE job = ?")
        self._view_select = p(f'SELECT item, count, offsets, invalid, updated_at FROM {views} '
                              f'WHERE "view" = ? AND version = ?')
        self._serving_select = p(f'SELECT batch_version, cutoff, speed, speed_invalid FROM {views} '
                                 f'WHERE "view" = \'serving\' AND version = 0 LIMIT 1')
        self._view_count = p(f'UPDATE {views} SET count = ? WHERE "view" = ? AND version = ? AND item = ?')
        self._view_cas = p(f'UPDATE {views} SET offsets = ?, invalid = ?, updated_at = ? '
                           f'WHERE "view" = ? AND version = ? IF offsets = ?')
        self._serving_cas = p(f'UPDATE {views} SET offsets = ?, invalid = ?, updated_at = ?, batch_version = ?, '
                              f'cutoff = ?, speed = ?, speed_invalid = ? WHERE "view" = ? AND version = ? IF offsets = ?')
        self._view_claim = p(f'INSERT INTO {views} ("view", version, invalid, updated_at) '
                             f'VALUES (?, ?, 0, ?) IF NOT EXISTS')
        self._view_delete = p(f'DELETE FROM {views} WHERE "view" = ? AND version = ?')
        self._view_versions = p(f'SELECT DISTINCT "view", version FROM {views}')
        self._pointer_select = p(f'SELECT "view", version, cutoff, bucket_size, published_at FROM {pointer} '
                                 f'WHERE "view" = ?')
        self._pointer_insert = p(f'INSERT INTO {pointer} ("view", version, cutoff, bucket_size, published_at) '
                                 f'VALUES (?, ?, ?, ?, ?) IF NOT EXISTS')
        self._pointer_cas = p(f'UPDATE {pointer} SET version = ?, cutoff = ?, bucket_size = ?, published_at = ? '
                              f'WHERE "view" = ? IF version = ?')
        self._speed_select = p(f'SELECT bucket, item, count, next_offset, invalid, bucket_invalid, bucket_size '
                               f'FROM {speed} WHERE kafka_partition = ?')
        self._speed_count = p(f'UPDATE {speed} SET count = ? WHERE kafka_partition = ? AND bucket = ? AND item = ?')
        self._speed_cas = p(f'UPDATE {speed} SET next_offset = ?, invalid = ?, bucket_size = ?, updated_at = ?, '
                            f'bucket_invalid = bucket_invalid + ? WHERE kafka_partition = ? IF next_offset = ?')
        self._speed_partitions = p(f'SELECT DISTINCT kafka_partition FROM {speed}')
        self._speed_gc_rows = p(f'DELETE FROM {speed} WHERE kafka_partition = ? AND bucket < ?')
        self._speed_gc_invalid = p(f'UPDATE {speed} SET bucket_invalid = bucket_invalid - ? WHERE kafka_partition = ?')
        self._status_select = p(f'SELECT job, state, version, offsets, cutoff, rows_written, invalid, detail, updated_at '
                                f'FROM {status} WHERE job = ?')
        self._status_offsets_cas = p(f'UPDATE {status} SET offsets = ?, rows_written = ?, state = ?, detail = ?, '
                                     f'updated_at = ? WHERE job = ? IF offsets = ?')

    def close(self) -> None:
        self.cluster.shutdown()

    # ---- statements -------------------------------------------------------------------------------------------
    def _run(self, prepared, values, serial: bool = False, paging: bool = False):
        bound = prepared.bind(values)
        if serial:
            bound.consistency_level = ConsistencyLevel.LOCAL_SERIAL
        if not paging:
            bound.fetch_size = None  # one read command: isolated against single-partition batches
        return self.session.execute(bound)

    # ---- view_counts ------------------------------------------------------------------------------------------
    def read_view(self, view: str, version: int, serial: bool = False) -> ViewState:
        state = ViewState(view, version)
        for row in self._run(self._view_select, (view, version), serial):
            state.exists = True
            state.offsets = _map(row.offsets)
            state.invalid = int(row.invalid or 0)
            state.updated_at = row.updated_at
            if row.item is not None and row.count is not None:
                state.counts[row.item] = int(row.count)
        return state

    def read_serving_breakdown(self) -> dict:
        """Lambda serving's breakdown as published with its counts: batch_version, cutoff, speed, speed_invalid."""
        row = self._run(self._serving_select, (), serial=True).one()
        if row is None:
            return {"batch_version": None, "cutoff": {}, "speed": {}, "speed_invalid": 0}
        return {"batch_version": row.batch_version, "cutoff": _map(row.cutoff),
                "speed": {k: int(v) for k, v in (row.speed or {}).items()}, "speed_invalid": int(row.speed_invalid or 0)}

    def cas_view(self, old: ViewState, counts: dict[str, int], offsets: dict[int, int], invalid: int,
                 serving: dict | None = None) -> bool:
        """Writes absolute counts (only the items given) with offsets and invalid, if the stored offsets are
        still old.offsets. True if applied. An exception means "unknown": re-read (serial) and recompute.
        `serving`: lambda serving's breakdown (batch_version, cutoff, speed, speed_invalid), in the same batch."""
        batch = BatchStatement(batch_type=BatchType.LOGGED)
        for item, count in counts.items():
            batch.add(self._view_count, (int(count), old.view, old.version, item))
        if serving is None:
            batch.add(self._view_cas, (offsets, int(invalid), now(), old.view, old.version, old.offsets or None))
        else:
            batch.add(self._serving_cas, (offsets, int(invalid), now(), serving["batch_version"], serving["cutoff"],
                                          serving["speed"], int(serving["speed_invalid"]), old.view, old.version,
                                          old.offsets or None))
        return self.session.execute(batch).was_applied

    def claim_version(self, view: str, first: int) -> int:
        """Claims the first free version >= first of a versioned view (an empty partition created IF NOT EXISTS)."""
        version = max(1, first)
        while not self._run(self._view_claim, (view, version, now())).was_applied:
            version += 1
        return version

    def delete_view(self, view: str, version: int) -> None:
        self._run(self._view_delete, (view, version))

    def view_versions(self, view: str) -> list[int]:
        return sorted(r.version for r in self.session.execute(self._view_versions) if r.view == view)

    # ---- view_pointer -----------------------------------------------------------------------------------------
    def read_pointer(self, view: str) -> Pointer | None:
        row = self._run(self._pointer_select, (view,), serial=True).one()
        if row is None or row.version is None:
            return None
        return Pointer(view, row.version, _map(row.cutoff), row.bucket_size, row.published_at)

    def cas_pointer(self, view: str, version: int, expected: int | None, cutoff: dict[int, int] | None = None,
                    bucket_size: int | None = None) -> bool:
        """Switches the pointer to `version` if it still points to `expected` (None: if there is no pointer yet)."""
        if expected is None:
            return self._run(self._pointer_insert, (view, version, cutoff, bucket_size, now())).was_applied
        return self._run(self._pointer_cas, (version, cutoff, bucket_size, now(), view, expected)).was_applied

    # ---- speed_buckets ----------------------------------------------------------------------------------------
    def read_speed(self, partition: int, serial: bool = False) -> SpeedState:
        state = SpeedState(partition)
        for row in self._run(self._speed_select, (partition,), serial):
            state.next_offset = row.next_offset
            state.invalid = int(row.invalid or 0)
            state.bucket_invalid = _map(row.bucket_invalid)
            state.bucket_size = row.bucket_size
            if row.bucket is not None and row.count is not None:
                state.counts[(int(row.bucket), row.item)] = int(row.count)
        return state

    def speed_partitions(self) -> list[int]:
        return sorted(r.kafka_partition for r in self.session.execute(self._speed_partitions))

    def cas_speed(self, partition: int, expected_next: int | None, counts: dict[tuple[int, str], int], next_offset: int,
                  invalid: int, bucket_invalid: dict[int, int], bucket_size: int) -> bool:
        batch = BatchStatement(batch_type=BatchType.LOGGED)
        for (bucket, item), count in counts.items():
            batch.add(self._speed_count, (int(count), partition, int(bucket), item))
        batch.add(self._speed_cas, (int(next_offset), int(invalid), int(bucket_size), now(),
                                    {int(b): int(n) for b, n in bucket_invalid.items()}, partition, expected_next))
        return self.session.execute(batch).was_applied

    def gc_speed(self, partition: int, below_bucket: int, invalid_keys) -> None:
        """Deletes the buckets below `below_bucket` (the batch layer calls it with the previous cut-off)."""
        self._run(self._speed_gc_rows, (partition, int(below_bucket)))
        keys = {int(k) for k in invalid_keys if int(k) < below_bucket}
        if keys:
            self._run(self._speed_gc_invalid, (keys, partition))

    # ---- job_status -------------------------------------------------------------------------------------------
    def read_status(self, job: str, serial: bool = False):
        return self._run(self._status_select, (job,), serial).one()

    def read_request(self, job: str):
        """When Archlab last asked this job to act now (job_requests), or None."""
        row = self._run(self._request_select, (job,)).one()
        return row.requested_at.replace(tzinfo=timezone.utc) if row is not None and row.requested_at is not None else None

    def report(self, job: str, **fields) -> bool:
        """Writes the given job_status columns (state, version, offsets, cutoff, rows_written, invalid, detail).
        Reporting is best effort: a failure (Cassandra down) is printed, never raised."""
        fields["updated_at"] = now()
        if isinstance(fields.get("detail"), dict):
            fields["detail"] = json.dumps(fields["detail"], default=str, sort_keys=True)
        names = sorted(fields)
        cql = (f"UPDATE {self.keyspace}.{TABLES['jobStatus']} SET {', '.join(f'{n} = %s' for n in names)} WHERE job = %s")
        try:
            self.session.execute(cql, [fields[n] for n in names] + [job], timeout=10)
            return True
        except Exception as error:  # noqa: BLE001
            print(f"job_status({job}) not written: {type(error).__name__}: {error}", flush=True)
            return False

    def cas_status_offsets(self, job: str, expected: dict[int, int] | None, offsets: dict[int, int], rows_written: int,
                           state: str, detail: dict) -> bool:
        return self._run(self._status_offsets_cas, (offsets, int(rows_written), state, json.dumps(detail, default=str),
                                                     now(), job, expected or None)).was_applied


def retry(what: str, attempt_fn, attempts: int = 60, delay_s: float = 0.2, log=print):
    """Runs attempt_fn() until it returns a value other than None; exceptions count as failed attempts."""
    last = None
    for attempt in range(1, attempts + 1):
        try:
            result = attempt_fn()
            if result is not None:
                return result
        except Exception as error:  # noqa: BLE001 - Cassandra timeouts/unavailable: retried, then re-raised
            last = error
            log(f"{what}: attempt {attempt} failed: {type(error).__name__}: {error}")
        time.sleep(min(delay_s * attempt, 5))
    raise RuntimeError(f"{what}: gave up after {attempts} attempts") from last
