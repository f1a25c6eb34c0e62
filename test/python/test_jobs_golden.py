"""The golden messages end to end: a topic holding every message of test/fixtures/golden-messages.json, counted by the
real jobs (validation, kappa, the speed layer, the HDFS ingest and a batch cycle; Spark local mode). Every view
gives each message its golden verdict: its counts and invalid equal the golden expectation, at the same offsets in
every view, so validation and kappa agree message for message."""
import jobs_support as js


def test_every_job_gives_the_golden_messages_their_verdict_at_the_same_offsets(lab):
    golden = js.golden_messages()
    producer = lab.producer()
    # Twice, so that each partition holds valid and invalid messages in both orders.
    producer.send_all([(value, counts) for _, value, counts in golden + golden])
    truth = producer.truth()
    truth.check_dense()
    expected = truth.at()
    ends = truth.ends()
    assert expected[1] == 2 * sum(counts is None for _, _, counts in golden)

    env = dict(BUCKET_SIZE=1, BATCH_WAIT_TIMEOUT_S=120)
    jobs = [lab.job("validation.py").start(), lab.job("kappa_stream.py").start(), lab.job("speed_layer.py", **env).start(),
            lab.job("hdfs_ingest.py", INGEST_TRIGGER_MS=500, **env).start()]
    for name, version in (("validation", 0), ("kappa", 1), ("serving", 0)):
        js.wait_until(f"{name} at the end offsets", lambda: js.view(lab.store, name, version)[1] == ends, 240, jobs)
    js.wait_until("the ingest at the end offsets", lambda: dict(lab.status("hdfs_ingest").offsets or {}) == ends, 240, jobs)
    batch = lab.job("batch_layer.py", "--once", **env).start()
    assert batch.wait(300) == 0, batch.tail()

    views = {name: js.view(lab.store, name, version) for name, version in (("validation", 0), ("kappa", 1), ("serving", 0))}
    pointer = lab.store.read_pointer("batch")
    views["batch"] = js.view(lab.store, "batch", pointer.version)
    for name, (counts, offsets, invalid) in views.items():
        assert offsets == ends, name
        assert (counts, invalid) == expected, name
