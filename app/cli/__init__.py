"""The ``flask`` command line. Commands are thin: they parse arguments, call an importer or
a service, print its report and choose the exit code (0 done, 1 failed, 2 usage)."""
from __future__ import annotations

from importlib import import_module

from .groups import export_group, import_group

# One module per area; each exposes COMMANDS (click commands or groups) and may attach
# subcommands to the shared ``export`` and ``import`` groups.
COMMAND_MODULES = (
    "users",
    "reference",
    "officer_imports",
    "scrape",
    "pipeline",
    "ocd",
    "simulate",
)


def register_commands(app) -> None:
    for name in COMMAND_MODULES:
        module = import_module(f"{__name__}.{name}")
        for command in getattr(module, "COMMANDS", ()):
            app.cli.add_command(command)
    app.cli.add_command(export_group)
    app.cli.add_command(import_group)
