"""Kappa: one Structured Streaming job (Spark local mode) counting the topic into a versioned view; exact through
crashes (kill -9 of the driver and its JVM right after a view write, so that Spark runs that micro-batch again,
and at a random moment mid-stream); a replay from offset 0 switches serving once caught up, gives the same counts
as the live view, and the live job takes the new version over."""
import threading

import jobs_support as js


def test_kappa_is_exact_through_a_crash_and_its_replay_matches_the_live_view(lab):
    producer = lab.producer()
    producer.send_all(js.make_stream(3000, seed=21, malformed=50, tag="k0"))
    # Small micro-batches; the first run kills itself right after writing micro-batch 2 to Cassandra (before
    # Spark commits it): the restarted job runs micro-batch 2 again and must not count it twice.
    kappa = lab.job("kappa_stream.py", MAX_OFFSETS_PER_TRIGGER=300, ARCHLAB_CRASH_AT="kappa:after-write@2").start()
    kappa.restart_after_crash(120)
    js.wait_until("micro-batch 2 re-run", lambda: "batch 2: nothing new (already counted)" in kappa.tail(200), 120, [kappa])

    more = js.make_stream(3000, seed=22, malformed=50, tag="k1")
    flowing = threading.Thread(target=producer.send_all, args=(more, 300), daemon=True)
    flowing.start()
    js.wait_until("kappa counting", lambda: sum(js.view(lab.store, "kappa", 1)[1].values()) >= 2400, 120, [kappa])
    kappa.kill()
    at_crash = sum(js.view(lab.store, "kappa", 1)[1].values())
    assert at_crash < 6000
    kappa.start()
    flowing.join()
    producer.flush()
    truth = producer.truth()
    truth.check_dense()

    js.wait_until("kappa caught up", lambda: js.view(lab.store, "kappa", 1)[1] == truth.ends(), 120, [kappa])
    counts, _, invalid = js.view(lab.store, "kappa", 1)
    assert (counts, invalid) == truth.at()
    assert invalid == 100
    assert lab.store.read_pointer("kappa").version == 1
    js.wait_until("status", lambda: lab.status("kappa").offsets == truth.ends(), 10, [kappa])
    status = lab.status("kappa")
    assert (status.state, status.version, status.rows_written, status.invalid) == ("running", 1, 6000, 100)

    # Replay: version 2 from offset 0 while the live job keeps serving new messages; the pointer switches once
    # version 2 has caught up with version 1, the replay exits, and the live job carries on counting version 2.
    replay = lab.job("kappa_stream.py", "--replay", name="kappa_replay", MAX_OFFSETS_PER_TRIGGER=1000).start()
    producer.send_all(js.make_stream(600, seed=23, tag="k2"), rate=300)
    truth = producer.truth()
    js.wait_until("kappa v1 has the new messages", lambda: js.view(lab.store, "kappa", 1)[1] == truth.ends(), 60, [kappa])
    js.wait_until("serving switched to version 2", lambda: lab.store.read_pointer("kappa").version == 2, 180, [replay, kappa])
    assert replay.wait(60) == 0, replay.tail()
    assert lab.status("kappa_replay").state == "switched"
    js.wait_until("the live job counts version 2", lambda: lab.status("kappa").version == 2, 60, [kappa])
    js.wait_until("kappa v2 caught up", lambda: js.view(lab.store, "kappa", 2)[1] == truth.ends(), 60, [kappa])

    live, replayed = js.view(lab.store, "kappa", 1), js.view(lab.store, "kappa", 2)
    assert replayed == live
    assert replayed == (truth.at()[0], truth.ends(), 100)
    assert kappa.running, "the live job was not stopped by the switch"

    # The live job serves version 2 now: new messages reach it, version 1 stays as it was.
    producer.send_all(js.make_stream(300, seed=24, malformed=3, tag="k3"))
    truth = producer.truth()
    js.wait_until("kappa v2 live", lambda: js.view(lab.store, "kappa", 2)[1] == truth.ends(), 60, [kappa])
    assert js.view(lab.store, "kappa", 2) == (truth.at()[0], truth.ends(), 103)
    assert js.view(lab.store, "kappa", 1) == live
    assert kappa.stop() == 0
