"""Shared code of the Archlab lab jobs (lab-stacks/jobs/*.py).

config    settings from the environment (see ../README.md)
events    the snack catalog and the validity rule (Python side; the Spark side is in sparkjobs)
store     Cassandra: schema, offset-fenced view state with compare-and-set writes, pointers, job status
serving   lambda serving = batch view + speed buckets at or after the cut-off (query and materialised view)
sparkjobs Spark helpers (session, Kafka source, fencing filter, restart loop); imported only by the Spark jobs
"""
