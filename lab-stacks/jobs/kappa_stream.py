"""Kappa: one Spark Structured Streaming job over the log, counting per snack into a versioned view.

    kappa_stream.py            the live job: serves view_counts('kappa', v) for v = view_pointer('kappa').version
                               (version 1 and the pointer are created on the first start)
    kappa_stream.py --replay   a replay: a new version counted from offset 0 (its own checkpoint); when it has caught
                               up with the served version (its offsets >= the served version's offsets in every
                               partition) it switches the pointer and carries on as the live job, and the old live
                               job, seeing the pointer move past it, stops. A replay that was interrupted is resumed.

Exactness: each micro-batch counts only the messages at or after the offsets stored with the view (the fence) and
writes the new absolute counts with the new offsets in one compare-and-set batch on the view's partition, so a
micro-batch that Spark re-runs after a crash, or a lost checkpoint, never counts a message twice or skips one.
"""
from __future__ import annotations

import argparse
import sys
import time

from archlab_jobs import config
from archlab_jobs.sparkjobs import (Stopper, count_rows, crash_point, drop_orphan_checkpoint, logger, run_reported,
                                   session, start_stream)
from archlab_jobs.store import Store, ViewState, retry

VIEW = "kappa"


def dominates(a: dict[int, int], b: dict[int, int]) -> bool:
    return all(a.get(p, 0) >= n for p, n in b.items())


def choose_version(store: Store, replay: bool, log) -> tuple[int, str]:
    pointer = store.read_pointer(VIEW)
    if pointer is None:
        store.cas_pointer(VIEW, 1, None)
        pointer = store.read_pointer(VIEW)
        if replay:
            log("no served version yet: running as the live job")
        return pointer.version, "kappa"
    if not replay:
        return pointer.version, "kappa"
    status = store.read_status("kappa_replay", serial=True)
    if (status is not None and status.state in ("starting", "replaying") and status.version
            and status.version > pointer.version):
        log(f"resuming the interrupted replay of version {status.version}")
        return status.version, "kappa_replay"
    version = store.claim_version(VIEW, pointer.version + 1)
    log(f"replay: new version {version} from offset 0 (served version: {pointer.version})")
    return version, "kappa_replay"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replay", action="store_true", help="count a new version from offset 0, then switch to it")
    args = parser.parse_args(argv)
    cfg = config.load()
    log = logger("kappa")
    store = Store(cfg.cassandra_hosts, cfg.cassandra_port, cfg.keyspace, cfg.cassandra_local_dc, cfg.ensure_schema)
    version, job = choose_version(store, args.replay, log)
    me = {"job": job, "version": version, "batches": 0}
    log = logger(f"kappa v{version}")
    store.report(job, state="starting", version=version, detail={"replay": args.replay})

    spark = session(f"archlab-kappa-v{version}", cfg)
    checkpoint = cfg.checkpoint("kappa", f"v{version}")
    holder = {"state": store.read_view(VIEW, version, serial=True)}
    drop_orphan_checkpoint(spark, checkpoint, bool(holder["state"].offsets), log)
    stopper = Stopper(log)

    def process(df, batch_id):
        started = time.time()
        for _attempt in range(20):
            old: ViewState = holder["state"]
            parts = count_rows(df, old.offsets)
            if not parts:
                log(f"batch {batch_id}: nothing new (already counted)")
                return
            counts = dict(old.counts)
            for part in parts.values():
                for item, n in part.counts.items():
                    counts[item] = counts.get(item, 0) + n
            changed = {item: counts[item] for part in parts.values() for item in part.counts}
            offsets = {**old.offsets, **{p: part.next_offset for p, part in parts.items()}}
            invalid = old.invalid + sum(sum(part.invalid.values()) for part in parts.values())
            try:
                applied = store.cas_view(old, changed, offsets, invalid)
            except Exception as error:  # noqa: BLE001 - outcome unknown: re-read and recompute
                log(f"batch {batch_id}: write failed ({type(error).__name__}: {error}); re-reading")
                applied = False
            if applied:
                holder["state"] = ViewState(VIEW, version, counts, offsets, invalid, None, True)
                break
            holder["state"] = retry("re-read view", lambda: store.read_view(VIEW, version, serial=True), log=log)
        else:
            raise RuntimeError(f"batch {batch_id}: could not write the view (compare-and-set kept failing)")
        me["batches"] += 1
        state = holder["state"]
        rows = sum(part.rows for part in parts.values())
        elapsed_ms = int((time.time() - started) * 1000)
        log(f"batch {batch_id}: +{rows} messages, offsets {dict(sorted(state.offsets.items()))}, "
            f"invalid {state.invalid}, {elapsed_ms} ms")
        store.report(me["job"], state="running", version=version, offsets=state.offsets, rows_written=state.total,
                     invalid=state.invalid,
                     detail={"batch_id": batch_id, "batch_rows": rows, "batch_ms": elapsed_ms, "replay": args.replay})
        crash_point("kappa:after-write", batch_id)

    def tick():
        pointer = store.read_pointer(VIEW)
        if pointer is None or pointer.version == version:
            return None
        if pointer.version > version:
            log(f"version {pointer.version} is served now: this job (version {version}) stops")
            return "superseded"
        live = store.read_view(VIEW, pointer.version, serial=True)
        mine = holder["state"]
        if dominates(mine.offsets, live.offsets) and (mine.offsets or not live.offsets):
            if store.cas_pointer(VIEW, version, pointer.version):
                log(f"caught up with version {pointer.version} (offsets {mine.offsets} >= {live.offsets}): "
                    f"serving version {version}")
                store.report("kappa_replay", state="switched", version=version, offsets=mine.offsets,
                             detail={"replaced": pointer.version})
                me["job"] = "kappa"
                store.report("kappa", state="running", version=version, offsets=mine.offsets,
                             rows_written=mine.total, invalid=mine.invalid, detail={"switched_from": pointer.version})
                for old_version in store.view_versions(VIEW):
                    if old_version < pointer.version:
                        store.delete_view(VIEW, old_version)
        return None

    def start():
        holder["state"] = retry("read view", lambda: store.read_view(VIEW, version, serial=True), log=log)
        if me["job"] == "kappa_replay":
            store.report("kappa_replay", state="replaying", version=version)
        return start_stream(spark, cfg, f"kappa-v{version}", process, checkpoint, cfg.trigger_ms)

    def failed(message):
        store.report(me["job"], state="error", version=version, detail={"error": message})

    outcome = run_reported(start, cfg, log, stopper, failed, tick=tick)
    try:
        still_served = store.read_pointer(VIEW).version == version
    except Exception:  # noqa: BLE001 - Cassandra down: report anyway (best effort)
        still_served = True
    if outcome == "stopped" and (still_served or me["job"] == "kappa_replay"):
        store.report(me["job"], state="stopped", version=version)
    log(f"{outcome}")
    spark.stop()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
