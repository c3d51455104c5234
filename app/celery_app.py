"""Celery wired the way Flask documents it: every task runs inside an app context."""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from celeryconfig import build_beat_schedule


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    # Schedule, limits and retry policy live in celeryconfig.py; the environment decides
    # only where the broker is (app.config["CELERY"]).
    celery_app.config_from_object("celeryconfig")
    celery_app.conf.update(app.config["CELERY"])
    celery_app.conf.beat_schedule = build_beat_schedule(app.config.get("SCHEDULE_SPEEDUP", 1))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
