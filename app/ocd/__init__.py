"""Open Civic Data: identifiers for departments, officers and jails, and Open Civic Data JSON
export, validation and import of a department and its officers.

Importing this package installs the id rules on the models (``rules``).
"""
from . import rules  # noqa: F401
