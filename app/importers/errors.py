"""The one exception an import raises. Whatever raised it, nothing was written."""
from __future__ import annotations


class ImportFailed(Exception):
    """An import stopped on bad input (or a clash with stored data) and changed nothing.

    ``file``, ``line``, ``column`` and ``value`` say where: the file as the user named it,
    the physical line the record starts on, the column header as written in the file, and
    the offending cell. Any of them may be None when the problem is not tied to one cell
    (a missing column has no line; a missing department has no file).
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: str | None = None, value: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.value = value

    @property
    def location(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location
        return f"{where}: {self.message}" if where else self.message
