#!/usr/bin/env python3
"""Healthchecks of the lab's Spark roles, run by Docker inside the container (standard library only).

  healthcheck.py master            the master's web UI answers and reports status ALIVE
  healthcheck.py worker            this worker is registered with the master and ALIVE there
  healthcheck.py driver            the driver's SparkContext answers (REST API lists its application)
  healthcheck.py process NEEDLE    a live process whose command line contains NEEDLE (plain Python jobs)

Exit 0 when healthy, 1 otherwise (with the reason on stdout, which `docker inspect` shows).
"""
import json
import os
import sys
import urllib.request

TIMEOUT_S = 5


def get_json(url):
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
        return json.load(response)


def master():
    status = get_json(os.environ.get("ARCHLAB_MASTER_UI", "http://localhost:8080") + "/json/").get("status")
    return status == "ALIVE", f"master status {status}"


def worker():
    me = get_json("http://localhost:" + os.environ.get("SPARK_WORKER_WEBUI_PORT", "8081") + "/json/")
    cluster = get_json(os.environ.get("ARCHLAB_MASTER_UI", "http://spark-master:8080") + "/json/")
    for entry in cluster.get("workers", []):
        if entry.get("id") == me.get("id"):
            return entry.get("state") == "ALIVE", f"worker {me.get('id')} is {entry.get('state')} at the master"
    return False, f"worker {me.get('id')} is not registered with the master"


def driver():
    apps = get_json("http://localhost:" + os.environ.get("ARCHLAB_DRIVER_UI_PORT", "4040") + "/api/v1/applications")
    return len(apps) > 0, f"{len(apps)} application(s) in this driver"


def process(needle):
    me = os.getpid()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == me:
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in cmdline and "healthcheck.py" not in cmdline and state != "Z":
            return True, f"pid {pid}: {cmdline.strip()}"
    return False, f"no live process runs {needle}"


def main(argv):
    checks = {"master": master, "worker": worker, "driver": driver, "process": process}
    if len(argv) < 2 or argv[1] not in checks:
        print(__doc__)
        return 2
    try:
        ok, reason = checks[argv[1]](*argv[2:])
    except Exception as error:  # any failure to answer is "unhealthy", with the reason
        ok, reason = False, f"{type(error).__name__}: {error}"
    print(reason)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
