"""Celery settings that do not depend on the environment (the broker URL does; see
app/config.py), and the beat schedule.

Beat runs in UTC: Celery beat's DST handling is unreliable with local zones, so jail-local
days are computed inside the tasks. Every time limit and retry countdown stays below the
broker's visibility timeout, or Redis would hand a still-running task to a second worker.
"""
from datetime import timedelta

from celery.schedules import crontab, schedule
from kombu import Queue

HOUR = 3600

timezone = "UTC"
enable_utc = True
task_ignore_result = True
# Long tasks: a worker takes one message at a time, so a slow scrape never sits on a queue
# of prefetched work that another worker could be doing.
worker_prefetch_multiplier = 1
broker_connection_retry_on_startup = True
include = ["app.tasks.scrape", "app.tasks.documents", "app.tasks.polish", "app.tasks.snapshot"]

# PDFs and uploads have a queue of their own: a backlog of them (the first scrape of a big
# docket, DocumentCloud down for a day) never holds up the hourly scrapes. A worker consumes
# every queue declared here.
task_default_queue = "celery"
task_queues = (Queue("celery"), Queue("documents"))
task_routes = {"app.tasks.documents.*": {"queue": "documents"}}

# The Redis transport's visibility timeout (its default, one hour; not set here because the
# embedded SQLite transport would pass it to create_engine). Every task's time limit and every
# retry countdown stays below it.
VISIBILITY_TIMEOUT = HOUR
# Defaults for any task that does not set its own (each pipeline task does).
task_soft_time_limit = 20 * 60
task_time_limit = 25 * 60


def build_beat_schedule(speedup: int = 1) -> dict:
    """The periodic jobs. ``speedup`` > 1 compresses the clock (60: an hour passes in a minute)
    for tests and the demo; cron times become plain intervals of the same proportions.

    Every entry expires before its next run is due, so after an outage the queue holds one
    round of work, not a backlog of stale ones.
    """
    if speedup <= 1:
        timing = {
            "scrape": crontab(minute=15),                      # every active jail, hourly at :15
            "polish": crontab(minute=40, hour="*/4"),
            # 11:00 UTC is 05:00 or 06:00 in Chicago: yesterday there is over, in CST and CDT.
            "snapshot": crontab(minute=0, hour=11),
            "documents": crontab(minute=45),
        }
    else:
        timing = {
            "scrape": schedule(timedelta(seconds=HOUR / speedup)),
            "polish": schedule(timedelta(seconds=4 * HOUR / speedup)),
            "snapshot": schedule(timedelta(seconds=24 * HOUR / speedup)),
            "documents": schedule(timedelta(seconds=HOUR / speedup)),
        }
    return {
        "scrape-every-active-jail": {
            "task": "app.tasks.scrape.scrape_all_jails",
            "schedule": timing["scrape"],
            "options": {"expires": 50 * 60 / speedup},
        },
        "polish": {
            "task": "app.tasks.polish.polish",
            "schedule": timing["polish"],
            "options": {"expires": 3 * HOUR / speedup},
        },
        "daily-snapshot": {
            "task": "app.tasks.snapshot.daily_snapshot",
            "schedule": timing["snapshot"],
            "options": {"expires": 12 * HOUR / speedup},
        },
        "intake-sheet-documents": {
            "task": "app.tasks.documents.sweep_documents",
            "schedule": timing["documents"],
            "options": {"expires": 50 * 60 / speedup},
        },
    }


beat_schedule = build_beat_schedule()
