"""The jobs image installs lab-stacks/jobs/requirements.txt on the official Spark image's Python 3.10 (Ubuntu 22.04),
while the stand-in runs Debian's 3.11. pip resolves the file from PyPI for both interpreters: every package it would
install is pinned in the file at that version, so both images get the same, reproducible set."""
import json
import os
import re
import subprocess
import sys

import pytest
from packaging.requirements import Requirement

import jobs_support as js

REQUIREMENTS = js.REPO / "lab-stacks" / "jobs" / "requirements.txt"
CACHE = os.environ.get("ARCHLAB_CACHE_DIR", str(js.REPO / ".cache"))


def pins() -> dict[str, str]:
    found = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^;\s]+)", line.strip())
        if m:
            found[m.group(1).lower().replace("_", "-")] = m.group(2)
    return found


def resolve(tmp_path) -> dict[str, dict]:
    """What pip installs from the file for the stand-in's CPython on x86_64: {name: report entry}."""
    report = tmp_path / "report.json"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--disable-pip-version-check", "--ignore-installed",
         "--only-binary=:all:", "--target", str(tmp_path / "target"), "--cache-dir", os.path.join(CACHE, "pip"),
         "--report", str(report), "-r", str(REQUIREMENTS)],
        check=True, timeout=600,
    )
    return {norm(i["metadata"]["name"]): i for i in json.loads(report.read_text(encoding="utf-8"))["install"]}


def norm(name: str) -> str:
    return name.lower().replace("_", "-")


def closure(python_version: str, resolved: dict[str, dict]) -> set[str]:
    """The packages an interpreter of python_version installs. pip evaluates markers for its own interpreter only
    (pypa/pip#11010, even with --python-version), so the markers of the file and of each package's metadata are
    evaluated here for the other one."""
    env = {"python_version": python_version, "python_full_version": f"{python_version}.12", "extra": ""}
    wanted = [Requirement(line.split("#")[0]) for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines() if line.split("#")[0].strip()]
    names: set[str] = set()
    while wanted:
        req = wanted.pop()
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = norm(req.name)
        if name in names:
            continue
        names.add(name)
        meta = resolved.get(name, {}).get("metadata", {})
        wanted.extend(Requirement(r) for r in meta.get("requires_dist", []))
    return names


@pytest.mark.parametrize("python_version", ["3.10", "3.11"])
def test_every_package_the_jobs_image_installs_is_pinned(python_version, tmp_path):
    resolved = resolve(tmp_path)
    pinned = pins()
    for name, entry in resolved.items():
        assert pinned.get(name) == entry["metadata"]["version"], f"{name} resolves to the version pinned in {REQUIREMENTS.name}"
    needed = closure(python_version, resolved)
    unpinned = sorted(needed - pinned.keys())
    assert unpinned == [], f"Python {python_version} installs these unpinned: pin them in {REQUIREMENTS.name}"
    assert {"cassandra-driver", "confluent-kafka"} <= needed
    if python_version == "3.10":
        assert "typing-extensions" in needed, "confluent-kafka pulls it on 3.10 (the official Spark image's Python)"
