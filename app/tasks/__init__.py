"""Celery tasks: thin wrappers around the plain service functions in ``app.services``."""
