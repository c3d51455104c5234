"""HTML helpers shared by the parsers: read values by their labels and URLs by their query
parameters, never by position, and produce the text a version is compared on."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .standardize import clean


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "lxml")


def lines(element: Tag | None) -> list[str]:
    """The element's text nodes, cleaned, empties dropped, in document order."""
    if element is None:
        return []
    return [text for text in (clean(s) for s in element.stripped_strings) if text]


def text_of(element: Tag | None) -> str:
    return " ".join(lines(element))


def label_key(text: str) -> str:
    """``Booking #:`` -> ``BOOKING #``; ``- Case#:`` -> ``CASE#``: how labels are looked up."""
    return clean(text).strip(" -:").upper()


def query_param(url: str | None, name: str) -> str | None:
    """A query parameter's value (names compared without case), or None."""
    if not url:
        return None
    wanted = name.lower()
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() == wanted:
            return clean(value) or None
    return None


def absolute(base: str, href: str | None) -> str | None:
    href = clean(href)
    return urljoin(base, href) if href else None


@dataclass
class Field:
    """One labelled value on a page: its text lines and the nodes that show it."""

    values: list[str] = field(default_factory=list)
    nodes: list = field(default_factory=list)

    @property
    def value(self) -> str | None:
        return " ".join(self.values) if self.values else None


class Labels(dict):
    """Label key -> Field, in page order. A label the page lacks reads as None."""

    def value(self, key: str) -> str | None:
        found = self.get(key)
        return found.value if found else None

    def lines_of(self, key: str) -> list[str]:
        """Each line of a value that spans several (charges, a two-line address)."""
        found = self.get(key)
        return list(found.values) if found else []

    def forget(self, *keys: str) -> None:
        """Take these labels and their values out of the page, so the text that is left
        (for version comparison) no longer carries them."""
        for key in keys:
            for node in self.get(key, Field()).nodes:
                node.extract()


def _node_lines(node) -> list[str]:
    if isinstance(node, Comment):
        return []
    if isinstance(node, NavigableString):
        text = clean(str(node))
        return [text] if text else []
    return lines(node)


def inline_labels(root: Tag | None, tags: Iterable[str] = ("b", "strong")) -> Labels:
    """``<b>Label:</b> value`` pairs: the value is whatever follows the label inside the same
    parent, up to the next label (so two labels may share a cell)."""
    found = Labels()
    if root is None:
        return found
    tags = tuple(tags)

    def is_label(node) -> bool:
        return isinstance(node, Tag) and node.name in tags and clean(node.get_text()).endswith(":")

    for label in root.find_all(tags):
        if not is_label(label):
            continue
        item = Field(nodes=[label])
        for sibling in label.next_siblings:
            if is_label(sibling):
                break
            item.nodes.append(sibling)
            item.values.extend(_node_lines(sibling))
        found.setdefault(label_key(label.get_text()), item)
    return found


def paired_labels(root: Tag | None, label_selector: str, value_selector: str) -> Labels:
    """Labels and values in their own elements (``<td class="text1">Age:</td>
    <td class="text2">22</td>``): each value element belongs to the label before it; a label
    with no value element before the next label has an empty value."""
    found = Labels()
    if root is None:
        return found
    label_elements = set(map(id, root.select(label_selector)))
    current = None
    for element in root.select(f"{label_selector}, {value_selector}"):
        if id(element) in label_elements:
            key = label_key(element.get_text())
            current = found.setdefault(key, Field()) if key else None
            if current is not None:
                current.nodes.append(element)
        elif current is not None:
            current.nodes.append(element)
            current.values.extend(lines(element))
    return found


def own_rows(table: Tag) -> list[Tag]:
    """The table's own rows, not those of tables nested in it."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def table_with_header(root: Tag, column: str) -> tuple[Tag, dict[str, int]] | None:
    """The innermost table whose header row (``<th>`` cells) names ``column``, and its
    column positions by label."""
    for table in reversed(root.find_all("table")):
        for tr in own_rows(table):
            header = [label_key(th.get_text()) for th in tr.find_all("th")]
            if column in header:
                return table, {name: n for n, name in enumerate(header)}
    return None


def cell_text(cells: list[Tag], columns: dict[str, int], name: str) -> str | None:
    """The text of a row's cell under header ``name`` (see table_with_header); None when
    the table has no such column or the row is short of it."""
    index = columns.get(name)
    return cells[index].get_text() if index is not None and index < len(cells) else None


def lines_from(all_lines: list[str], label: str) -> list[str]:
    """The lines from the first one that is ``label`` (e.g. the sheet's NAME), or all of them."""
    start = next((n for n, line in enumerate(all_lines) if label_key(line) == label), 0)
    return all_lines[start:]


def lines_before(all_lines: list[str], prefixes: Iterable[str]) -> list[str]:
    """The lines up to the first one starting with any of ``prefixes`` (a disclaimer)."""
    prefixes = tuple(prefixes)
    for index, line in enumerate(all_lines):
        if line.startswith(prefixes):
            return all_lines[:index]
    return all_lines
