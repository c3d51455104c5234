"""Plain service functions: the logic behind CLI commands, Celery tasks and admin views."""
