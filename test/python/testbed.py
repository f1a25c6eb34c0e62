"""Endpoints of the real services started by test/services/bed.mjs, read from .testbed/state.json.

The Python twin of test/support/testbed.ts. The state folder is `<repo>/.testbed`, or $ARCHLAB_TESTBED_DIR.
A missing service is an error that says how to start it: nothing is skipped silently.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("kafka", "cassandra", "hdfs", "spark", "docker")


class ServiceNotRunning(RuntimeError):
    """A test needs a test-bed service that is not running."""


def bed_dir() -> Path:
    return Path(os.environ.get("ARCHLAB_TESTBED_DIR") or REPO_ROOT / ".testbed")


def state_file() -> Path:
    return bed_dir() / "state.json"


def read_state() -> dict[str, Any]:
    file = state_file()
    if not file.exists():
        return {}
    return json.loads(file.read_text(encoding="utf-8"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def require_service(name: str) -> dict[str, Any]:
    """The running service's info (see test/support/testbed.ts for the shapes), or ServiceNotRunning."""
    if name not in SERVICES:
        raise ValueError(f"unknown test service {name!r} (known: {', '.join(SERVICES)})")
    info = read_state().get(name)
    how = f"start it with `node test/services/bed.mjs start {name}`"
    if not info:
        raise ServiceNotRunning(f'test service "{name}" is not running ({state_file()} has no entry): {how}')
    dead = [pid for pid in info.get("pids", []) if not _alive(pid)]
    if dead:
        raise ServiceNotRunning(
            f'test service "{name}" is recorded in {state_file()} but its process(es) {dead} are gone: '
            f"`node test/services/bed.mjs stop {name}`, then {how}")
    return info


def host_port(endpoint: str) -> tuple[str, int]:
    """'127.0.0.1:9042' -> ('127.0.0.1', 9042)."""
    host, _, port = endpoint.rpartition(":")
    return host, int(port)
