"""Account commands."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..services.users import UserError, create_admin

COMMANDS = []


@click.command("create-admin")
@click.option("--email", required=True)
@click.option("--username", required=True)
@click.option("--password", required=True, help="At least 8 characters.")
@with_appcontext
def create_admin_command(email, username, password):
    """Create an administrator account (non-interactive)."""
    try:
        user = create_admin(email=email, username=username, password=password)
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created administrator {user.username} <{user.email}>.")


COMMANDS.append(create_admin_command)
