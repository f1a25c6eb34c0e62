"""Resolves spark.jars.packages into the Ivy cache once, with a trivial local-mode session.

Usage: python warm_ivy.py '<json of Spark settings>' (run by test/services/spark.mjs install()).
"""
import glob
import json
import os
import sys

from pyspark.sql import SparkSession

conf = json.loads(sys.argv[1])
builder = SparkSession.builder.appName("archlab-ivy-warmup")
for key, value in conf.items():
    builder = builder.config(key, value)
spark = builder.getOrCreate()
try:
    assert spark.range(10).count() == 10
finally:
    spark.stop()

jars = sorted(os.path.basename(j) for j in glob.glob(os.path.join(conf["spark.jars.ivy"], "jars", "*.jar")))
wanted = ["{0}_{1}-{2}.jar".format(*p.split(":")) for p in conf["spark.jars.packages"].split(",")]
missing = [w for w in wanted if w not in jars]
if missing:
    sys.exit(f"connector jars missing from the Ivy cache: {missing}; have {jars}")
print(f"{len(jars)} jars in {conf['spark.jars.ivy']}/jars")
