"""Command groups shared by several areas (``flask export ...``, ``flask import ...``)."""
from flask.cli import AppGroup

export_group = AppGroup("export", help="Write data out in documented formats.")
import_group = AppGroup("import", help="Load data from documented formats.")
