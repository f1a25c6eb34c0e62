"""The extension shows lambda exactly as the serving layer serves it, whatever the partition count: on a topic with
5 partitions, after a batch cycle and more events through the speed layer, the extension's reader
(src/services/labViews.ts, compiled to out/, run by node) gives the same serving counts, offsets and invalid as
serving.compute(), the same batch version and cut-off, and the speed layer's counts since that cut-off."""
import json
import shutil
import subprocess

import jobs_support as js
from archlab_jobs import serving

PARTITIONS = 5
BUCKET = 10


def read_as_the_extension(lab) -> dict:
    host, port = js.cassandra_endpoint(lab.beds.cassandra)
    out = js.REPO / "out" / "src"
    assert (out / "services" / "labViews.js").exists(), "compile the tests first (node scripts/test.mjs python does)"
    script = f"""
const {{ DriverCassandraClient }} = require({json.dumps(str(out / 'clients' / 'cassandra' / 'driverClient.js'))});
const {{ LabViewsReader }} = require({json.dumps(str(out / 'services' / 'labViews.js'))});
(async () => {{
  const client = new DriverCassandraClient({{ contactPoints: [{json.dumps(f'{host}:{port}')}], localDataCenter: {json.dumps(lab.beds.cassandra['localDataCenter'])} }});
  try {{ process.stdout.write(JSON.stringify(await new LabViewsReader(client, {json.dumps(lab.keyspace)}).readAll())); }}
  finally {{ await client.close(); }}
}})().catch((e) => {{ console.error(e); process.exit(1); }});
"""
    result = subprocess.run([shutil.which("node"), "-e", script], capture_output=True, text=True, timeout=120, cwd=js.REPO)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def numbered(offsets: dict) -> dict[int, int]:
    return {int(p): int(n) for p, n in offsets.items()}


def test_the_extension_reads_serving_as_served_with_five_partitions(lab):
    topic = f"{lab.topic}_p5"
    js.create_topic(lab.beds.bootstrap, topic, PARTITIONS)
    try:
        producer = js.Producer(lab.beds.bootstrap, topic)
        producer.send_all(js.make_stream(2000, seed=51, malformed=20, tag="p5a"))
        env = dict(KAFKA_TOPIC=topic, BUCKET_SIZE=BUCKET, INGEST_TRIGGER_MS=500, BATCH_WAIT_TIMEOUT_S=120)
        jobs = [lab.job("speed_layer.py", **env).start(), lab.job("hdfs_ingest.py", **env).start()]
        ends = producer.truth().ends()
        assert len(ends) == PARTITIONS
        js.wait_until("the ingest at the end offsets", lambda: dict(lab.status("hdfs_ingest").offsets or {}) == ends, 240, jobs)
        batch = lab.job("batch_layer.py", "--once", **env).start()
        assert batch.wait(300) == 0, batch.tail()
        # More events after the cut-off: serving = that batch version + the speed layer's buckets since the cut-off.
        producer.send_all(js.make_stream(500, seed=52, malformed=5, tag="p5b"))
        truth = producer.truth()
        js.wait_until("serving at the end offsets", lambda: js.view(lab.store, "serving")[1] == truth.ends(), 240, jobs)

        served = serving.compute(lab.store)
        pointer = lab.store.read_pointer("batch")
        shown = read_as_the_extension(lab)
        assert (served.counts, served.offsets, served.invalid) == (truth.at()[0], truth.ends(), 25)
        assert served.speed, "the speed layer adds events since the cut-off"

        assert shown["serving"]["counts"] == served.counts
        assert numbered(shown["serving"]["offsets"]) == served.offsets
        assert shown["serving"]["invalid"] == served.invalid
        assert shown["speed"]["counts"] == served.speed, "speed since the cut-off, as serving added it"
        assert shown["speed"]["invalid"] == served.speed_invalid
        assert shown["batch"]["version"] == served.batch_version == pointer.version
        assert numbered(shown["batch"]["cutoff"]) == served.cutoff == pointer.cutoff
        batch_counts = {k: v for k, v in shown["batch"]["counts"].items() if v}
        assert batch_counts == truth.at(pointer.cutoff)[0]
        total = {item: batch_counts.get(item, 0) + shown["speed"]["counts"].get(item, 0) for item in set(batch_counts) | set(served.speed)}
        assert {k: v for k, v in total.items() if v} == shown["serving"]["counts"], "batch + speed = serving in what the extension shows"
    finally:
        js.delete_topic(lab.beds.bootstrap, topic)
