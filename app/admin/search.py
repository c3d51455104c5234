"""Index-friendly search for the big lists (officers, bookings).

Flask-Admin's own search wraps every column in ``CAST(... AS VARCHAR) ILIKE '%term%'``,
which no index can serve: on a million bookings that is a full scan per keystroke. These
lists search instead by name prefix (a range on ``lower(name)``, served by an expression
index) and by exact identifiers; each word of the query must match.
"""
from __future__ import annotations

from flask import g
from sqlalchemy import func


def starts_with(column, term: str):
    """``lower(column)`` begins with ``term``, as a range an index on ``lower(column)`` can
    answer. Exact wherever text sorts by code point (SQLite, PostgreSQL's C collation)."""
    lowered = term.lower()
    upper = lowered[:-1] + chr(ord(lowered[-1]) + 1)
    expression = func.lower(column)
    return (expression >= lowered) & (expression < upper)


class WordSearchMixin:
    """For a ModelView: ``search_criterion(word)`` decides what one word matches."""

    search_hint = "Search"

    def search_criterion(self, word: str):
        raise NotImplementedError

    def init_search(self):
        self._search_fields = []
        return True

    def search_placeholder(self):
        return self.search_hint

    def _apply_search(self, query, count_query, joins, count_joins, search):
        g.searching = bool(search.split())
        for word in search.split():
            criterion = self.search_criterion(word)
            query = query.filter(criterion)
            if count_query is not None:
                count_query = count_query.filter(criterion)
        return query, count_query, joins, count_joins

    def _order_by(self, query, joins, sort_joins, sort_field, sort_desc):
        # With a search, the matches are found through the name and number indexes and then
        # sorted. Left alone, the planner may instead walk the sort column's index and test
        # every row, which reads the whole table when the name is rare. Sorting by
        # coalesce(x, x) (the same order) keeps it from choosing that plan.
        if sort_field is not None and g.get("searching") and not sort_joins:
            sort_field = func.coalesce(sort_field, sort_field)
        return super()._order_by(query, joins, sort_joins, sort_field, sort_desc)
