"""The validity rule of lab-stacks/lab-contract.json is the same in the validation consumer (plain Python) and in the
Spark jobs (Spark SQL): both give every golden message (test/fixtures/golden-messages.json, also checked by the
TypeScript unit tests) its expected verdict. schema.cql loads under any keyspace name."""
import json

import jobs_support as js
from archlab_jobs import contract
from archlab_jobs.events import SNACK_NAMES, item_of
from archlab_jobs.sparkjobs import item_column
from archlab_jobs.store import schema_statements


def test_the_python_consumer_gives_every_golden_message_its_verdict():
    wrong = [(name, item_of(value), counts) for name, value, counts in js.golden_messages() if item_of(value) != counts]
    assert wrong == []


def test_spark_sql_gives_every_golden_message_its_verdict(spark):
    golden = js.golden_messages()
    df = spark.createDataFrame([(i, value) for i, (_, value, _) in enumerate(golden)], "i int, value binary")
    in_spark = [r["item"] for r in df.select("i", item_column().alias("item")).orderBy("i").collect()]
    wrong = [(name, got, counts) for (name, _, counts), got in zip(golden, in_spark) if got != counts]
    assert wrong == []


def test_the_catalog_and_names_come_from_the_contract_file():
    doc = json.loads((js.REPO / "lab-stacks" / "lab-contract.json").read_text(encoding="utf-8"))
    assert list(SNACK_NAMES) == [s["name"] for s in doc["snacks"]]
    assert contract.TOPIC == doc["topic"]["name"] and contract.PARTITIONS == doc["topic"]["partitions"]
    assert contract.KEYSPACE == doc["keyspace"]


def test_schema_loads_under_another_keyspace():
    statements = schema_statements("lab_x1")
    assert statements[0].startswith("CREATE KEYSPACE IF NOT EXISTS lab_x1")
    assert all(f"{contract.KEYSPACE}." not in s for s in statements)
    assert sum(s.startswith("CREATE TABLE IF NOT EXISTS lab_x1.") for s in statements) == len(contract.TABLES)
