"""What an import did (or, in a dry run, would do): counts per kind of record and every
change, with old and new values for updates."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, time
from typing import Mapping

# Kinds in the order a report lists them: dependencies first.
KINDS = ("job", "unit", "officer", "assignment", "salary", "location", "license_plate",
         "incident", "link")
PLURALS = {"salary": "salaries", "license_plate": "license plates"}
ACTIONS = ("created", "replaced", "updated", "unchanged", "skipped")
_MARKS = {"created": "+", "replaced": "!", "updated": "~", "skipped": "-"}


def plural(kind: str) -> str:
    return PLURALS.get(kind, kind + "s")


def show(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (set, frozenset, list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


@dataclass(slots=True)
class Change:
    kind: str
    action: str  # created | replaced | updated | skipped
    label: str
    where: str | None
    # created/replaced: field -> value; updated: field -> (old, new); skipped: {"reason": text}
    fields: Mapping

    def render(self) -> str:
        fields = self.fields
        head = f"{_MARKS[self.action]} {self.kind.replace('_', ' ')} {self.label}"
        if self.where:
            head += f" ({self.where})"
        if self.action == "updated":
            body = "; ".join(f"{name} {show(old)} → {show(new)}" for name, (old, new) in fields.items())
        elif self.action == "skipped":
            body = fields["reason"]
        else:
            body = ", ".join(f"{name}={show(value)}" for name, value in fields.items()
                             if value is not None and value != "")
        return f"{head}: {body}" if body else head


class ImportReport:
    """Counts (created / replaced / updated / unchanged / skipped per kind) and the list of
    changes. ``committed`` says whether the changes were written."""

    def __init__(self, *, dry_run: bool = False):
        self.dry_run = dry_run
        self.committed = False
        self.warnings: list[str] = []
        self._counts: dict[tuple[str, str], int] = {}  # (kind, action) -> count
        # Kept as plain tuples and made into Change objects when asked for: a large import
        # records hundreds of thousands and may never show them. A label or fields given as
        # a callable is called then, so a record the import created is named by the id it
        # was given and shown with its final values.
        self._entries: list[tuple] = []

    def _add(self, kind: str, action: str, label, where: str | None, fields: Mapping) -> None:
        key = (kind, action)
        self._counts[key] = self._counts.get(key, 0) + 1
        self._entries.append((kind, action, label, where, fields))

    @property
    def changes(self) -> list[Change]:
        return [Change(kind, action, label() if callable(label) else label, where,
                       fields() if callable(fields) else fields)
                for kind, action, label, where, fields in self._entries]

    def created(self, kind: str, label, where: str | None = None, values: Mapping | None = None) -> None:
        key = (kind, "created")  # _add inlined: called for every row of a large first import
        self._counts[key] = self._counts.get(key, 0) + 1
        self._entries.append((kind, "created", label, where, values or {}))

    def replaced(self, kind: str, label, where: str | None = None, values: Mapping | None = None) -> None:
        """An existing record deleted and created again with the same id (--force-create)."""
        self._add(kind, "replaced", label, where, values or {})

    def updated(self, kind: str, label, where: str | None, diffs: Mapping) -> None:
        self._add(kind, "updated", label, where, diffs)

    def skipped(self, kind: str, label: str, where: str | None, reason: str) -> None:
        self._add(kind, "skipped", label, where, {"reason": reason})

    def unchanged(self, kind: str, count: int = 1) -> None:
        if count:
            key = (kind, "unchanged")
            self._counts[key] = self._counts.get(key, 0) + count

    def count(self, kind: str, action: str) -> int:
        return self._counts.get((kind, action), 0)

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return {kind: {action: counter[action] for action in ACTIONS if counter[action]}
                for kind, counter in self._ordered_counts()}

    @property
    def has_changes(self) -> bool:
        return any(number for (_, action), number in self._counts.items()
                   if action in ("created", "replaced", "updated"))

    def _ordered_counts(self) -> list[tuple[str, Counter]]:
        per_kind: dict[str, Counter] = {}
        for (kind, action), number in self._counts.items():
            per_kind.setdefault(kind, Counter())[action] += number
        order = {kind: i for i, kind in enumerate(KINDS)}
        return sorted(per_kind.items(), key=lambda item: order.get(item[0], len(order)))

    def render_text(self) -> str:
        """The full report: one line per change, then any warnings, then the summary."""
        lines = [change.render() for change in self.changes]
        if not lines:
            lines.append("No changes.")
        lines.extend(f"warning: {w}" for w in self.warnings)
        lines.append(self.summary_line())
        return "\n".join(lines)

    def summary_line(self) -> str:
        parts = []
        for kind, counter in self._ordered_counts():
            counted = ", ".join(f"{counter[a]} {a}" for a in ACTIONS if counter[a])
            if counted:
                parts.append(f"{plural(kind).replace('_', ' ')}: {counted}")
        text = "; ".join(parts) if parts else "nothing to import"
        if self.dry_run:
            return f"{text} (dry run: nothing committed)"
        if self.committed:
            return f"{text} (committed)"
        return text
