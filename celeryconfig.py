"""Celery settings that do not depend on the environment (the broker URL does; see
app/config.py). Beat runs in UTC: Celery beat's DST handling is unreliable with local zones,
so jail-local days are computed inside the tasks."""

timezone = "UTC"
enable_utc = True
task_ignore_result = True
worker_prefetch_multiplier = 1
broker_connection_retry_on_startup = True
include = ["app.tasks"]
