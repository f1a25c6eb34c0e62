"""The kappa job (Spark) and the validation consumer keep counting exactly while Cassandra, where their counts
and offsets live, goes down and comes back mid-stream: they retry, re-read the stored state and resume from it."""
import threading
import time

import jobs_support as js


def test_kappa_and_validation_stay_exact_through_a_cassandra_restart(lab):
    kappa = lab.job("kappa_stream.py").start()
    validation = lab.job("validation.py").start()
    jobs = [kappa, validation]
    producer = lab.producer()
    producer.send_all(js.make_stream(500, seed=41, malformed=5, tag="c0"))
    js.wait_until("both jobs counting", lambda: js.view(lab.store, "kappa", 1)[1] == producer.truth().ends()
                  and js.view(lab.store, "validation")[1] == producer.truth().ends(), 120, jobs)

    def stream():  # 20 malformed messages among the first 1,000, then valid ones until Cassandra is back
        yield from js.make_stream(1000, seed=42, malformed=20, tag="c1")
        yield from js.make_stream(20000, seed=43, tag="c2")

    done = threading.Event()
    flowing = threading.Thread(target=producer.send_all, args=(stream(), 200, done), daemon=True)
    flowing.start()
    time.sleep(3)
    js.cassandra_node(lab.beds.cassandra, "node-stop")
    time.sleep(3)
    js.cassandra_node(lab.beds.cassandra, "node-start")
    js.wait_until("1,500 messages", lambda: len(producer.acked) >= 1500, 60, jobs)
    time.sleep(2)  # messages keep flowing for a moment after Cassandra is back
    done.set()
    flowing.join()
    producer.flush()
    truth = producer.truth()

    expected = (truth.at()[0], truth.ends(), 25)
    js.wait_until("both jobs caught up", lambda: js.view(lab.store, "kappa", 1)[1] == truth.ends()
                  and js.view(lab.store, "validation")[1] == truth.ends(), 180, jobs)
    assert js.view(lab.store, "kappa", 1) == expected
    assert js.view(lab.store, "validation") == expected
    assert "NoHostAvailable" in kappa.tail(400) + validation.tail(400), "Cassandra was not down for the jobs"
