"""Reference data and first-run set-up."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..services.reference import seed_reference_data
from ..services.users import ensure_first_admin

COMMANDS = []


@click.command("seed")
@with_appcontext
def seed_command():
    """Load the jails, agencies and agency aliases (idempotent)."""
    report = seed_reference_data()
    click.echo(report.summary())


@click.command("ensure-admin")
@with_appcontext
def ensure_admin_command():
    """Create the first administrator if there is none, and print its password once."""
    user, password = ensure_first_admin()
    if password:
        click.echo("=" * 64)
        click.echo("First administrator created. Sign in at /auth/login with:")
        click.echo(f"    username: {user.username}")
        click.echo(f"    password: {password}")
        click.echo("This password is shown only now; change it after signing in.")
        click.echo("=" * 64)


COMMANDS += [seed_command, ensure_admin_command]
