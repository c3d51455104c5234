"""Whatever a docket site sends - truncated pages, garbage, wrong JSON, errors - a scrape ends
with a result and one error line per problem, never an exception."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.scrapers.fetch import CassetteFetcher, Fetcher, Page, cassette_key, decode_body
from app.scrapers.jails import JAILS, get
from app.scrapers.platforms import get_scraper
from app.scrapers.platforms.base import RosterRow
from app.scrapers.records import BookingRecord, RecordRejected
from tests.scrapers.support import basic

# "URL: field: reason" (a mangled href may leave the URL with spaces).
ERROR_LINE = re.compile(r"^.+?: [\w #/.-]+: .+", re.DOTALL)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=8),
    max_leaves=30,
)
markup = st.text(alphabet="<>/=\"' abcdehilprt:#$&;0123456789\n", max_size=80)

# What can happen to one page on its way from the site.
mutations = st.one_of(
    st.just(("keep",)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("splice"), st.floats(0, 1), markup),
    st.tuples(st.just("text"), st.text(max_size=200)),
    st.tuples(st.just("bytes"), st.binary(max_size=200)),
    st.tuples(st.just("json"), json_values),
    st.tuples(st.just("status"), st.sampled_from([404, 500, 503])),
)


def mutate(body: bytes, mutation) -> tuple[int, bytes]:
    kind = mutation[0]
    if kind == "truncate":
        return 200, body[:int(len(body) * mutation[1])]
    if kind == "splice":
        at = int(len(body) * mutation[1])
        return 200, body[:at] + mutation[2].encode() + body[at:]
    if kind == "text":
        return 200, mutation[1].encode("utf-8", "surrogatepass")
    if kind == "bytes":
        return 200, mutation[1]
    if kind == "json":
        return 200, json.dumps(mutation[1]).encode()
    if kind == "status":
        return mutation[1], b""
    return 200, body


class AlteredSite(Fetcher):
    """A recorded docket whose pages are each altered as the test says (the site is outside
    our walls; this stands in for it)."""

    def __init__(self, moment_dir, draw):
        super().__init__()
        self.recorded = CassetteFetcher(moment_dir)
        self.draw = draw
        self.seen: dict[tuple, tuple[int, bytes]] = {}

    def _exchange(self, method, url, data):
        key = cassette_key(method, url)
        if key not in self.seen:
            entry = self.recorded._entries.get(key)
            body = entry.path.read_bytes() if entry else b""
            self.seen[key] = mutate(body, self.draw(mutations)) if entry else (404, b"")
        status, body = self.seen[key]
        page = Page(method=method, url=url, status=status, headers={}, body=body,
                    text=decode_body(body, None), fetched_at=self.recorded.captured_at)
        self._received(page)
        return page


@pytest.mark.parametrize("code", [jail.code for jail in JAILS])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_altered_docket_never_crashes_a_scrape(code, data):
    site = AlteredSite(basic(code, "t0"), data.draw)
    result = get_scraper(get(code)).scrape(site, now=site.recorded.captured_at, known_keys={"x": "x"})
    for line in result.errors:
        assert ERROR_LINE.match(line), line
    for record in result.records:
        assert isinstance(record, BookingRecord) and record.booking_key
    assert result.roster_keys <= {record.booking_key for record in result.records}
    if result.complete:      # a complete read had every roster page whole
        assert not [line for line in result.errors if ": roster page: " in line or ": roster: " in line]


@pytest.mark.parametrize("code", [jail.code for jail in JAILS if jail.platform != "jasper"])
@settings(max_examples=60, deadline=None)
@given(html=st.one_of(st.text(max_size=400), markup, json_values.map(json.dumps)))
def test_a_detail_parser_given_anything_returns_a_record_or_rejects_it(code, html):
    """The parsers themselves, not only the framework's safety net, cope with any input."""
    scraper = get_scraper(get(code))
    url = "https://docket.example/detail?id=1&booking_num=1&iid=1&ID=1"
    row = RosterRow(list_id="1", source_url=url, detail_url=url,
                    record=BookingRecord(booking_key="1" if scraper.key_is_list_id else "", bk="1", link=url))
    page = Page(method="GET", url=url, status=200, headers={}, body=html.encode("utf-8", "surrogatepass"),
                text=html, fetched_at=CassetteFetcher(basic(code, "t0")).captured_at)
    try:
        record = scraper.parse_detail(page, row)
    except RecordRejected as rejected:
        assert ": " in str(rejected)
    else:
        assert isinstance(record, BookingRecord)
