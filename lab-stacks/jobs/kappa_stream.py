"""Kappa: one Spark Structured Streaming job over the log, counting per snack into a versioned view.

    kappa_stream.py            the live job: serves view_counts('kappa', v) for v = view_pointer('kappa').version
                               (version 1 and the pointer are created on the first start). When a replay has
                               switched the pointer to a newer version, it carries on counting that version.
    kappa_stream.py --replay   a replay: a new version counted from offset 0 (its own checkpoint); when it has caught
                               up with the served version (its offsets >= the served version's offsets in every
                               partition) it switches the pointer and exits; the live job takes the new version over
                               where the replay left it. An interrupted replay is resumed by the next --replay.

Exactness: each micro-batch counts only the messages at or after the offsets stored with the view (the fence) and
writes the new absolute counts with the new offsets in one compare-and-set batch on the view's partition, so a
micro-batch that Spark re-runs after a crash, a lost checkpoint, or two jobs writing one version during the
handover never count a message twice or skip one. A query without a checkpoint starts at the view's offsets.
"""
from __future__ import annotations

import argparse
import sys
import time

from archlab_jobs import config
from archlab_jobs.sparkjobs import (Heartbeat, Stopper, count_rows, crash_point, drop_orphan_checkpoint, logger,
                                   run_reported, session, start_stream, starting_offsets)
from archlab_jobs.store import Store, ViewState, retry

VIEW = "kappa"


def dominates(a: dict[int, int], b: dict[int, int]) -> bool:
    return all(a.get(p, 0) >= n for p, n in b.items())


def served_version(store: Store) -> int:
    pointer = store.read_pointer(VIEW)
    if pointer is None:
        store.cas_pointer(VIEW, 1, None)
        pointer = store.read_pointer(VIEW)
    return pointer.version


def replay_version(store: Store, log) -> int | None:
    """The version a replay counts: the interrupted one, or a new one after the served version."""
    served = served_version(store)
    status = store.read_status("kappa_replay", serial=True)
    if status is not None and status.state in ("starting", "replaying") and status.version and status.version > served:
        log(f"resuming the interrupted replay of version {status.version}")
        return status.version
    version = store.claim_version(VIEW, served + 1)
    log(f"replay: new version {version} from offset 0 (served version: {served})")
    return version


class VersionCounter:
    """Counts the topic into one version of the view: the micro-batch handler, fenced by the stored offsets."""

    def __init__(self, store: Store, version: int, job: str, log, replay: bool):
        self.store, self.version, self.job, self.log, self.replay = store, version, job, log, replay
        self.state: ViewState = store.read_view(VIEW, version, serial=True)
        self.batches = 0

    def reload(self) -> None:
        self.state = retry("read view", lambda: self.store.read_view(VIEW, self.version, serial=True), log=self.log)

    def process(self, df, batch_id):
        started = time.time()
        for _attempt in range(20):
            old: ViewState = self.state
            parts = count_rows(df, old.offsets)
            if not parts:
                self.log(f"batch {batch_id}: nothing new (already counted)")
                return
            counts = dict(old.counts)
            for part in parts.values():
                for item, n in part.counts.items():
                    counts[item] = counts.get(item, 0) + n
            changed = {item: counts[item] for part in parts.values() for item in part.counts}
            offsets = {**old.offsets, **{p: part.next_offset for p, part in parts.items()}}
            invalid = old.invalid + sum(sum(part.invalid.values()) for part in parts.values())
            try:
                applied = self.store.cas_view(old, changed, offsets, invalid)
            except Exception as error:  # noqa: BLE001 - outcome unknown: re-read and recompute
                self.log(f"batch {batch_id}: write failed ({type(error).__name__}: {error}); re-reading")
                applied = False
            if applied:
                self.state = ViewState(VIEW, self.version, counts, offsets, invalid, None, True)
                break
            self.reload()
        else:
            raise RuntimeError(f"batch {batch_id}: could not write the view (compare-and-set kept failing)")
        self.batches += 1
        state = self.state
        rows = sum(part.rows for part in parts.values())
        elapsed_ms = int((time.time() - started) * 1000)
        self.log(f"batch {batch_id}: +{rows} messages, offsets {dict(sorted(state.offsets.items()))}, "
                 f"invalid {state.invalid}, {elapsed_ms} ms")
        self.store.report(self.job, state="replaying" if self.replay else "running", version=self.version,
                          offsets=state.offsets, rows_written=state.total, invalid=state.invalid,
                          detail={"batch_id": batch_id, "batch_rows": rows, "batch_ms": elapsed_ms, "replay": self.replay})
        crash_point("kappa:after-write", batch_id)


def run_version(spark, cfg, store: Store, stopper: Stopper, version: int, replay: bool) -> str:
    """Counts `version` until stopped (-> 'stopped'), superseded by a newer served version ('superseded'), or, for a
    replay, until it has caught up and switched the pointer ('switched')."""
    job = "kappa_replay" if replay else "kappa"
    log = logger(f"kappa v{version}{' replay' if replay else ''}")
    counter = VersionCounter(store, version, job, log, replay)
    checkpoint = cfg.checkpoint("kappa", f"v{version}", "replay" if replay else "live")
    drop_orphan_checkpoint(spark, checkpoint, bool(counter.state.offsets), log)
    store.report(job, state="starting", version=version, detail={"replay": replay})

    def tick():
        pointer = store.read_pointer(VIEW)
        if pointer is None or pointer.version == version:
            return None
        if pointer.version > version:
            log(f"version {pointer.version} is served now")
            return "superseded"
        if not replay:
            return None
        live = store.read_view(VIEW, pointer.version, serial=True)
        mine = counter.state
        if dominates(mine.offsets, live.offsets) and (mine.offsets or not live.offsets):
            if store.cas_pointer(VIEW, version, pointer.version):
                log(f"caught up with version {pointer.version} (offsets {mine.offsets} >= {live.offsets}): serving version {version}")
                store.report(job, state="switched", version=version, offsets=mine.offsets, rows_written=mine.total,
                             invalid=mine.invalid, detail={"replaced": pointer.version})
                for old_version in store.view_versions(VIEW):
                    if old_version < pointer.version:
                        store.delete_view(VIEW, old_version)
                return "switched"
        return None

    def start():
        counter.reload()
        if replay:
            store.report(job, state="replaying", version=version, offsets=counter.state.offsets)
        begin = "earliest" if replay else starting_offsets(spark, cfg, counter.state.offsets)
        return start_stream(spark, cfg, f"kappa-v{version}-{'replay' if replay else 'live'}", counter.process, checkpoint,
                            cfg.trigger_ms, begin)

    def failed(message):
        store.report(job, state="error", version=version, detail={"error": message})

    outcome = run_reported(start, cfg, log, stopper, failed, tick=tick)
    if outcome == "stopped":
        store.report(job, state="stopped", version=version)
    log(outcome)
    return outcome


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replay", action="store_true", help="count a new version from offset 0, then switch to it")
    args = parser.parse_args(argv)
    cfg = config.load()
    log = logger("kappa")
    store = Store(cfg.cassandra_hosts, cfg.cassandra_port, cfg.keyspace, cfg.cassandra_local_dc, cfg.ensure_schema)
    spark = session("archlab-kappa-replay" if args.replay else "archlab-kappa", cfg)
    stopper = Stopper(log)
    heartbeat = Heartbeat(store, "kappa_replay" if args.replay else "kappa")
    try:
        if args.replay:
            run_version(spark, cfg, store, stopper, replay_version(store, log), replay=True)
        else:
            # The live job follows the pointer: a replay that switched it hands its version over to this job.
            while not stopper.stopping:
                if run_version(spark, cfg, store, stopper, served_version(store), replay=False) != "superseded":
                    break
    finally:
        heartbeat.stop()
        spark.stop()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
