"""The validity rule is the same in the Spark jobs (Spark SQL) and in the validation consumer (plain Python),
and schema.cql loads under any keyspace name."""
import jobs_support as js
from archlab_jobs.events import SNACK_NAMES, item_of
from archlab_jobs.sparkjobs import item_column
from archlab_jobs.store import schema_statements

VALID = [
    (b'{"event_id": "e1", "item": "apple"}', "apple"),
    (b'  \n{"event_id": "e2", "item": "milkyway", "price": 3, "healthy_food": false}', "milkyway"),
    (b'{"event_id": 7, "item": "twix"}', "twix"),                         # any non-null event_id
    (b'{"event_id": "e3", "item": "pear", "item": "mars"}', "mars"),     # duplicated key: the last one wins
    (b'{"event_id": "e4", "item": "app\\u006ce"}', "apple"),             # JSON escapes
    (b'{"event_id": "e5", "item": "orange", "x": NaN}', "orange"),
    (b'{"event_id": "e6", "item": "banana"} trailing text', "banana"),   # text after the object is ignored
    (b'{"event_id": "e7\xff", "item": "snickers"}', "snickers"),         # bad UTF-8 inside a string
]
INVALID = js.MALFORMED + [
    b'{"event_id": "x", "item": "apple "}', b'{"Item": "apple", "event_id": "x"}', b"\xef\xbb\xbf{}",
    b'{"event_id": "x", "item": "apple",}', b'"apple"', b"null", b"{}",
    b'{"event_id": "x", "item": null}', b'{"event_id": "x", "item": {"name": "apple"}}', b"\x0c{}",
    b'{"event_id": "x", "item": "ap\tple"}', b'{"event_id": "x", "item": "apple" /* comment */}',
]


def test_validity_rule_is_the_same_in_spark_and_in_python(spark):
    cases = [v for v, _ in VALID] + INVALID
    python = [item_of(v) for v in cases]
    df = spark.createDataFrame([(i, v) for i, v in enumerate(cases)], "i int, value binary")
    in_spark = [r["item"] for r in df.select("i", item_column().alias("item")).orderBy("i").collect()]

    assert in_spark == python
    expected = [item for _, item in VALID] + [None] * len(INVALID)
    assert python == expected
    assert set(SNACK_NAMES) == {"apple", "banana", "orange", "blueberries", "snickers", "mars", "twix", "milkyway"}


def test_schema_loads_under_another_keyspace():
    statements = schema_statements("lab_x1")
    assert statements[0].startswith("CREATE KEYSPACE IF NOT EXISTS lab_x1")
    assert all("archlab." not in s for s in statements)
    assert sum(s.startswith("CREATE TABLE IF NOT EXISTS lab_x1.") for s in statements) == 4
