"""PySpark (bundled Hadoop 3.3 client) writes Parquet to the test bed's HDFS (Hadoop 3.4) and reads it back."""
import json
import urllib.request
import uuid

from pyspark.sql import Row


def test_parquet_round_trip_through_hdfs(spark, hdfs):
    rows = [Row(event_id=f"e{i}", item=f"snack-{i % 7}", price=round(0.5 + i % 13 * 0.25, 2)) for i in range(1000)]
    path = f"/smoke/parquet-{uuid.uuid4().hex[:8]}"
    url = f"{hdfs['url']}{path}"

    spark.createDataFrame(rows).repartition(3).write.mode("overwrite").parquet(url)
    back = spark.read.parquet(url)

    assert sorted(back.collect()) == sorted(rows)
    # The files really are on that HDFS (asked through the NameNode's WebHDFS, not through Spark).
    with urllib.request.urlopen(f"{hdfs['extra']['webhdfs']}/webhdfs/v1{path}?op=LISTSTATUS", timeout=10) as response:
        names = [s["pathSuffix"] for s in json.load(response)["FileStatuses"]["FileStatus"]]
    assert "_SUCCESS" in names
    assert len([n for n in names if n.endswith(".parquet")]) == 3
