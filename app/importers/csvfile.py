"""Reading an import CSV into memory, checked before anything is written.

Both importers read files the same way:

* the text must be UTF-8; a byte-order mark (as Excel writes it) is dropped;
* headers are compared case-insensitively, surrounding spaces are ignored and inner spaces
  count as ``_`` (``Officer ID`` is ``officer_id``); a few alternative names are accepted
  per file (``star_date`` for ``start_date`` and so on);
* every cell is stripped of surrounding spaces; completely blank lines are skipped;
* a record with more or fewer cells than the header is an error, as is malformed quoting.

Errors name the file, the physical line a record starts on and the column as written.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from typing import IO, Collection, Mapping, Union

from .errors import ImportFailed

Source = Union[str, os.PathLike, IO[str], IO[bytes]]


def normalise_header(text: str) -> str:
    return "_".join(text.strip().lower().split())


def source_name(source: Source, default: str) -> str:
    """How messages name a file: a path names itself, a stream takes ``default``."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return default


@dataclass
class CsvTable:
    filename: str
    positions: dict[str, int]  # canonical column name -> cell index
    written: dict[str, str]  # canonical column name -> header as it appears in the file
    rows: list[tuple[int, list[str]]]  # (line the record starts on, stripped cells)
    unknown: list[str] = field(default_factory=list)  # headers left unused, as written

    def has(self, column: str) -> bool:
        return column in self.positions

    def error(self, message: str, *, line: int | None = None, column: str | None = None,
              value: str | None = None) -> ImportFailed:
        shown = self.written.get(column, column) if column is not None else None
        return ImportFailed(message, file=self.filename, line=line, column=shown, value=value)


def _read_text(source: Source, filename: str) -> str:
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as handle:
                data = handle.read()
        else:
            data = source.read()
    except OSError as exc:
        raise ImportFailed(f"cannot be read: {exc.strerror or exc}", file=filename) from None
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFailed(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as \"CSV UTF-8\"",
            file=filename, line=line) from None


def read_csv(source: Source, *, filename: str, columns: Collection[str],
             aliases: Mapping[str, str] | None = None, unknown: str = "fail") -> CsvTable:
    """Read ``source`` whole. ``columns`` are the canonical names this file may have,
    ``aliases`` maps other accepted names onto them; ``unknown`` is ``"fail"`` or
    ``"ignore"`` for any other header (an ignored blank header is e.g. a spreadsheet's
    index column)."""
    aliases = aliases or {}
    text = _read_text(source, filename)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise ImportFailed("is empty: the first line must name the columns", file=filename, line=1)
        positions: dict[str, int] = {}
        written: dict[str, str] = {}
        ignored: list[str] = []
        for index, raw in enumerate(header):
            name = normalise_header(raw)
            name = aliases.get(name, name)
            if name not in columns:
                if unknown == "fail":
                    if not name:
                        raise ImportFailed(f"column {index + 1} has no header", file=filename, line=1)
                    raise ImportFailed(
                        f"unknown column; this file may have: {', '.join(sorted(columns))}",
                        file=filename, line=1, column=raw)
                ignored.append(raw)
                continue
            if name in positions:
                raise ImportFailed(f"duplicate column (same as {written[name]!r})",
                                   file=filename, line=1, column=raw)
            positions[name] = index
            written[name] = raw.strip()

        width = len(header)
        rows: list[tuple[int, list[str]]] = []
        line_done = reader.line_num
        for record in reader:
            start, line_done = line_done + 1, reader.line_num
            cells = list(map(str.strip, record))
            if not any(cells):
                continue  # a blank line, or a spreadsheet's empty row
            if len(cells) != width:
                raise ImportFailed(f"has {len(cells)} cells but the header has {width}",
                                   file=filename, line=start)
            rows.append((start, cells))
    except csv.Error as exc:
        raise ImportFailed(f"is not valid CSV: {exc}", file=filename, line=reader.line_num) from None
    return CsvTable(filename=filename, positions=positions, written=written, rows=rows,
                    unknown=ignored)
