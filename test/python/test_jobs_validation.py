"""Validation (plain Python consumer, no Spark): exact per-snack counts, restart-safe, invalid counted."""
import threading
import time

import jobs_support as js


def test_validation_counts_exactly_through_a_crash_and_restarts(lab):
    producer = lab.producer()
    producer.send_all(js.make_stream(2000, seed=11, malformed=40, tag="v0"))
    validation = lab.job("validation.py", VALIDATION_MAX_BATCH=200).start()

    # More messages while it runs; it is killed (-9) mid-stream and started again.
    more = js.make_stream(4000, seed=12, malformed=60, tag="v1")
    flowing = threading.Thread(target=producer.send_all, args=(more, 500), daemon=True)
    flowing.start()
    js.wait_until("validation counting", lambda: sum(js.view(lab.store, "validation")[1].values()) > 2500, 60, [validation])
    validation.kill()
    assert flowing.is_alive(), "the crash should happen while messages are still flowing"
    time.sleep(1.0)
    validation.start()
    flowing.join()
    producer.flush()
    truth = producer.truth()
    truth.check_dense()
    assert len(truth.acked) == 6000

    js.wait_until("validation caught up", lambda: js.view(lab.store, "validation")[1] == truth.ends(), 60, [validation])
    counts, offsets, invalid = js.view(lab.store, "validation")
    assert (counts, invalid) == truth.at()
    assert invalid == 100
    status = lab.status("validation")
    js.wait_until("status reported", lambda: lab.status("validation").offsets == truth.ends(), 10, [validation])
    status = lab.status("validation")
    assert status.rows_written == 6000 and status.invalid == 100 and status.state == "running"

    # A clean restart resumes from the stored offsets: nothing is counted twice.
    assert validation.stop() == 0
    validation.start()
    js.wait_until("restarted", lambda: lab.status("validation").state == "running"
                  and lab.status("validation").updated_at > status.updated_at, 30, [validation])
    time.sleep(2)
    assert js.view(lab.store, "validation") == (truth.at()[0], truth.ends(), 100)

    # The truth (delivery reports) is what the topic really holds.
    back = js.read_topic(lab.beds.bootstrap, lab.topic)
    assert set(back) == set(truth.acked)
