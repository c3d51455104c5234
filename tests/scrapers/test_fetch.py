"""The fetchers: HttpFetcher against a real local HTTP server, CassetteFetcher against the
cassette format's matching rule."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from werkzeug import Response

from app.scrapers.fetch import (
    DEFAULT_USER_AGENT, CassetteFetcher, FetchError, HostThrottle, HttpFetcher, decode_body,
)
from tests.scrapers.support import DOCKETS


class SleepLog:
    """Records the pauses a fetcher asks for, and takes them for real."""

    def __init__(self):
        self.pauses = []

    def __call__(self, seconds):
        self.pauses.append(seconds)
        time.sleep(seconds)


def fetcher(**overrides):
    settings = dict(user_agent=DEFAULT_USER_AGENT, timeout=2.0, max_retries=3, backoff=0.01,
                    min_interval_per_host=0.0, throttle=HostThrottle())
    settings.update(overrides)
    return HttpFetcher(**settings)


# ---- HttpFetcher --------------------------------------------------------------------------

def test_a_500_is_retried_until_the_page_comes(httpserver):
    for _ in range(2):
        httpserver.expect_ordered_request("/roster").respond_with_data("busy", status=500)
    httpserver.expect_ordered_request("/roster").respond_with_data("<p>ok</p>", content_type="text/html")
    seen = []
    sleep = SleepLog()
    http = fetcher(on_page=seen.append, sleep=sleep)

    page = http.get(httpserver.url_for("/roster"))

    assert page.status == 200 and page.text == "<p>ok</p>"
    assert [p.status for p in seen] == [500, 500, 200]      # the archive sees the failures too
    assert http.requests_sent == 3 and http.pages_fetched == 1
    assert sleep.pauses == [0.01, 0.02]                      # exponential backoff


def test_retry_after_on_a_429_is_honoured(httpserver):
    httpserver.expect_ordered_request("/list").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"})
    httpserver.expect_ordered_request("/list").respond_with_data("fine")
    sleep = SleepLog()
    started = time.monotonic()

    page = fetcher(sleep=sleep).get(httpserver.url_for("/list"))

    assert page.text == "fine"
    assert sleep.pauses == [1.0]
    assert time.monotonic() - started >= 1.0


def test_retry_after_as_an_http_date(httpserver):
    when = datetime.now(timezone.utc) + timedelta(seconds=2)
    httpserver.expect_ordered_request("/x").respond_with_data(
        "", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    httpserver.expect_ordered_request("/x").respond_with_data("back")
    pauses = []

    assert fetcher(sleep=pauses.append).get(httpserver.url_for("/x")).text == "back"
    assert len(pauses) == 1 and 0.5 < pauses[0] <= 2.0


def test_a_longer_retry_after_than_we_wait_fails_at_once(httpserver):
    httpserver.expect_request("/x").respond_with_data("", status=429, headers={"Retry-After": "3600"})
    http = fetcher(max_wait=30, sleep=pytest.fail)

    with pytest.raises(FetchError) as failure:
        http.get(httpserver.url_for("/x"))
    assert failure.value.status == 429 and "3600" in failure.value.reason
    assert http.requests_sent == 1


def test_gives_up_after_the_retries_with_a_fetch_error(httpserver):
    httpserver.expect_request("/down").respond_with_data("unavailable", status=503)
    http = fetcher(max_retries=2, sleep=lambda s: None)

    with pytest.raises(FetchError) as failure:
        http.get(httpserver.url_for("/down"))

    assert failure.value.status == 503
    assert failure.value.url == httpserver.url_for("/down")
    assert failure.value.reason == "Service Unavailable"
    assert http.requests_sent == 3 and http.pages_fetched == 0


def test_a_404_is_an_answer_not_retried(httpserver):
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    http = fetcher(sleep=pytest.fail)

    with pytest.raises(FetchError) as failure:
        http.get(httpserver.url_for("/gone"))
    assert failure.value.status == 404 and http.requests_sent == 1


def test_a_slow_server_times_out(httpserver):
    def slow(request):
        time.sleep(1.5)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    http = fetcher(timeout=0.3, max_retries=1, sleep=lambda s: None)
    started = time.monotonic()

    with pytest.raises(FetchError) as failure:
        http.get(httpserver.url_for("/slow"))

    assert failure.value.status is None and "timed out" in failure.value.reason
    assert http.requests_sent == 2                       # a timeout is retried like a network error
    assert time.monotonic() - started < 1.5


def test_a_refused_connection_is_a_network_error():
    http = fetcher(max_retries=1, sleep=lambda s: None)
    with pytest.raises(FetchError) as failure:
        http.get("http://127.0.0.1:9/nothing-listens-here")
    assert failure.value.status is None and http.requests_sent == 2


def test_a_timeout_is_mandatory():
    with pytest.raises(ValueError):
        HttpFetcher(user_agent=DEFAULT_USER_AGENT, timeout=None)
    with pytest.raises(ValueError):
        HttpFetcher(user_agent="", timeout=5)


def test_sends_the_browser_user_agent_query_and_form(httpserver):
    received = {}

    def echo(request):
        received.update(agent=request.headers.get("User-Agent"), args=dict(request.args),
                        form=dict(request.form), method=request.method)
        return Response("[1, 2]", content_type="application/json")

    httpserver.expect_request("/api").respond_with_handler(echo)
    http = fetcher()

    page = http.post(httpserver.url_for("/api?Function=list"), params={"Page": 2}, data={"Search": "0"})

    assert page.json() == [1, 2]
    assert received == {"agent": DEFAULT_USER_AGENT, "args": {"Function": "list", "Page": "2"},
                        "form": {"Search": "0"}, "method": "POST"}
    assert page.method == "POST" and page.url.endswith("/api?Function=list&Page=2")
    assert page.fetched_at.tzinfo is not None


def test_requests_to_one_host_are_spaced_out(httpserver):
    httpserver.expect_request("/p").respond_with_data("x")
    http = fetcher(min_interval_per_host=0.3)
    started = time.monotonic()
    for _ in range(3):
        http.get(httpserver.url_for("/p"))
    assert time.monotonic() - started >= 0.6


def test_the_throttle_is_shared_by_every_fetcher_on_the_host():
    clock = [100.0]
    throttle = HostThrottle(clock=lambda: clock[0])
    assert throttle.delay_for("a.example", 1.0) == 0
    assert throttle.delay_for("a.example", 1.0) == 1.0       # a second fetcher, same host
    assert throttle.delay_for("b.example", 1.0) == 0          # another host is not held up
    clock[0] += 5
    assert throttle.delay_for("a.example", 1.0) == 0


def test_the_page_is_decoded_with_its_charset(httpserver):
    httpserver.expect_request("/w").respond_with_data(
        "GRAND LARCENY\u00e3".encode("windows-1252"), content_type="text/html; charset=windows-1252")
    assert fetcher().get(httpserver.url_for("/w")).text == "GRAND LARCENY\u00e3"


def test_decoding_without_a_declared_charset():
    assert decode_body('caf\u00e9'.encode(), "text/html") == "caf\u00e9"
    assert decode_body('caf\u00e9'.encode("windows-1252"), "text/html") == "caf\u00e9"
    assert decode_body(b'<meta charset="windows-1252">\xe3', None).endswith("\u00e3")
    assert decode_body(b"x", "text/html; charset=no-such-charset") == "x"


# ---- CassetteFetcher ----------------------------------------------------------------------

def test_replays_a_recorded_page_as_of_the_capture_time():
    seen = []
    cassette = CassetteFetcher(DOCKETS / "mcdc" / "basic" / "t0", on_page=seen.append)

    page = cassette.get("http://mydcstraining.com/agencyinfo/MS/4360/inmate/ICURRENT.HTM")

    assert cassette.captured_at == datetime(2019, 11, 5, 20, 15, tzinfo=timezone.utc)
    assert page.fetched_at == cassette.captured_at and page.fetched_at.tzinfo == timezone.utc
    assert "TOTAL INMATES" in page.text and page.headers["Content-Type"].endswith("windows-1252")
    assert seen == [page] and cassette.pages_fetched == 1 and cassette.requests_sent == 1


def test_cassette_matching_ignores_query_order_fragments_and_empty_parameters():
    cassette = CassetteFetcher(DOCKETS / "hcdc" / "basic" / "t0")
    base = "http://www.co.hinds.ms.us/pgs/apps/inmate/inmate_list.asp"
    first = cassette.get(base, params={"ScrollAction": "Page 2", "SS1": "1", "name_sch": "Date"})
    second = cassette.get(f"{base}?SS1=1&ScrollAction=Page+2&name_sch=Date#top")
    assert first.body == second.body and "Page 2 of 2" in first.text

    kemper = CassetteFetcher(DOCKETS / "kcdc" / "basic" / "t0")
    assert kemper.get("https://www.kempercountysheriff.com/roster.php?grp=20").body == \
        kemper.get("https://www.kempercountysheriff.com/roster.php?&grp=20").body


def test_an_unrecorded_request_is_a_404_the_archive_also_sees():
    seen = []
    cassette = CassetteFetcher(DOCKETS / "jcadc" / "basic" / "t0", on_page=seen.append)
    url = "https://services.co.jackson.ms.us/jaildocket/_inmateList.php?Function=count"

    with pytest.raises(FetchError) as failure:
        cassette.get(url)                       # recorded as a POST only
    assert failure.value.status == 404 and failure.value.url == url
    assert [p.status for p in seen] == [404] and seen[0].body == b""
    assert cassette.post(url).json() == 17


def test_a_broken_cassette_index_is_reported(tmp_path):
    (tmp_path / "index.json").write_text(json.dumps({"jail": "x", "captured_at": "2020-01-01T10:00:00"}))
    with pytest.raises(ValueError, match="UTC offset"):
        CassetteFetcher(tmp_path)
    (tmp_path / "index.json").write_text("{not json")
    with pytest.raises(ValueError, match="not a readable cassette index"):
        CassetteFetcher(tmp_path)
