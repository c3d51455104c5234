"""Oversight: jail dockets and an officer database, for the people who hold police and jails
to account."""
from __future__ import annotations

import os
import sys

from flask import Flask, redirect, url_for

from .config import ConfigError, load_settings
from .extensions import csrf, db, login_manager, migrate

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    # OVERSIGHT_INSTANCE_PATH moves the SQLite file, the generated secret, documents and the
    # page archive out of the source tree (e.g. onto a data volume).
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("OVERSIGHT_INSTANCE_PATH") or None)
    os.makedirs(app.instance_path, exist_ok=True)
    try:
        app.config.from_mapping(load_settings(app.instance_path))
    except ConfigError as exc:
        # One clear line, then stop: a half-configured app does more harm than none.
        print(f"Oversight configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if test_config:
        celery_overrides = test_config.pop("CELERY", None)
        app.config.from_mapping(test_config)
        if celery_overrides:
            app.config["CELERY"] = {**app.config["CELERY"], **celery_overrides}

    from . import models  # noqa: F401  (registers every table on the metadata)
    from . import ocd  # noqa: F401  (OCD ids never change once minted; default divisions)

    db.init_app(app)
    from .models.migration_render import render_item

    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True,
                     render_item=render_item)
    csrf.init_app(app)
    login_manager.init_app(app)

    from .celery_app import celery_init_app

    celery_init_app(app)

    from . import auth

    app.register_blueprint(auth.bp)

    from .admin import init_admin

    init_admin(app)

    from .cli import register_commands

    register_commands(app)

    @app.get("/")
    def index():
        return redirect(url_for("admin.index"))

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
