"""Celery entry point for the tests that start real worker and beat processes: the real app
factory, given the test's settings (JSON in OVERSIGHT_TEST_SETTINGS) the way the ``app``
fixture gives them in-process.

    celery -A tests.pipeline.worker_app:celery_app worker
"""
import json
import os

from app import create_app

app = create_app(json.loads(os.environ["OVERSIGHT_TEST_SETTINGS"]))
celery_app = app.extensions["celery"]
