"""Lambda serving: the published batch view plus the speed buckets at or after the batch cut-off.

For each Kafka partition p, with the batch pointer's cut-off c[p] (a multiple of the bucket size) and the speed
layer's progress n[p]:
    serving = batch_view(pointer version)  +  speed buckets b with b * bucket_size >= c[p]
It reflects exactly the offsets R[p] = max(c[p], n[p]): the batch covers [0, c[p]), the speed buckets cover
[c[p], n[p]) when n[p] > c[p]; nothing is counted twice and nothing is left out.

compute() is the query (consistent: the pointer is read before and after the reads, and each speed partition is
read in one isolated read); publish() materialises it as view_counts('serving', 0) with a compare-and-set that
only moves forward, so the dashboards read one small partition. The same partition keeps the breakdown (the batch
version and cut-off it adds to, the speed counts since the cut-off), written in the same batch: this is the one
definition of serving, and the extension shows what this partition holds instead of computing it again.
"""
from __future__ import annotations

from dataclasses import dataclass

from .store import Store, ViewState

SERVING = ("serving", 0)


@dataclass
class Serving:
    counts: dict[str, int]
    offsets: dict[int, int]
    invalid: int
    batch_version: int | None
    cutoff: dict[int, int]
    # What the speed layer adds on top of the batch version: its counts at or after the cut-off, and invalid.
    speed: dict[str, int]
    speed_invalid: int


def compute(store: Store, partitions=None, attempts: int = 20) -> Serving:
    for _ in range(attempts):
        pointer = store.read_pointer("batch")
        counts: dict[str, int] = {}
        invalid = 0
        cutoff: dict[int, int] = {}
        if pointer is not None:
            batch = store.read_view("batch", pointer.version, serial=True)
            counts = dict(batch.counts)
            invalid = batch.invalid
            cutoff = dict(pointer.cutoff)
        offsets: dict[int, int] = {}
        since: dict[str, int] = {}
        since_invalid = 0
        for p in sorted(set(partitions or store.speed_partitions()) | set(cutoff)):
            c = cutoff.get(p, 0)
            speed = store.read_speed(p, serial=True)
            size = speed.bucket_size or (pointer.bucket_size if pointer else None)
            if speed.next_offset is not None and pointer is not None and size and c % size != 0:
                raise RuntimeError(f"batch cut-off {c} of partition {p} is not aligned to the speed layer's "
                                   f"bucket size {size}: BUCKET_SIZE must be the same for both layers")
            first = c // size if size else 0
            for (bucket, item), n in speed.counts.items():
                if bucket >= first:
                    since[item] = since.get(item, 0) + n
            since_invalid += sum(n for bucket, n in speed.bucket_invalid.items() if bucket >= first)
            offsets[p] = max(c, speed.next_offset or 0)
        for item, n in since.items():
            counts[item] = counts.get(item, 0) + n
        again = store.read_pointer("batch")
        if (again.version if again else None) == (pointer.version if pointer else None):
            return Serving({k: v for k, v in counts.items() if v}, offsets, invalid + since_invalid,
                           pointer.version if pointer else None, cutoff, {k: v for k, v in since.items() if v},
                           since_invalid)
    raise RuntimeError("serving: the batch pointer kept moving while reading")


def _dominates(a: dict[int, int], b: dict[int, int]) -> bool:
    return all(a.get(p, 0) >= n for p, n in b.items())


def publish(store: Store, partitions=None, attempts: int = 30) -> Serving | ViewState:
    """Materialises serving as view_counts('serving', 0); never moves it backwards."""
    for _ in range(attempts):
        snapshot = compute(store, partitions)
        current = store.read_view(*SERVING, serial=True)
        if current.exists and _dominates(current.offsets, snapshot.offsets):
            if not _dominates(snapshot.offsets, current.offsets):
                return current  # already fresher (someone else published it)
            if store.read_serving_breakdown()["batch_version"] == snapshot.batch_version:
                return current  # the same offsets from the same batch version: nothing to write
            # The same offsets, from a newer batch version: its breakdown must be the one served.
        elif not _dominates(snapshot.offsets, current.offsets):
            continue  # read some partitions before a newer publish: read again
        items = {**{k: 0 for k in current.counts}, **snapshot.counts}
        breakdown = {"batch_version": snapshot.batch_version, "cutoff": snapshot.cutoff or None,
                     "speed": snapshot.speed or None, "speed_invalid": snapshot.speed_invalid}
        if store.cas_view(current, items, snapshot.offsets, snapshot.invalid, breakdown):
            return snapshot
    raise RuntimeError("serving: could not publish (compare-and-set kept failing)")
