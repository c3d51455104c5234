"""Entry point for the web server and for Celery.

    flask --app wsgi run
    celery -A wsgi:celery_app worker
    celery -A wsgi:celery_app beat
"""
from app import create_app

app = create_app()
celery_app = app.extensions["celery"]
