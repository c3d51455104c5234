"""Fetching docket pages: the live web (``HttpFetcher``) and recorded cassettes
(``CassetteFetcher``) behind one interface, so a scraper never knows which it reads.

Every response received, good or bad, is handed to the optional ``on_page`` hook before
anything else happens, so the page archive sees all of them. A response that is not 2xx
(after the retries the fetcher allows) raises ``FetchError``.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

# What the sites see when no user agent is configured: a current desktop browser, because
# several of them refuse unknown clients.
DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36"
)

# Worth asking again: the server or something in front of it was busy or failing. Any other
# 4xx is an answer (a firewall's 403 only gets worse when hammered).
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


@dataclass
class Page:
    """One response as received."""

    method: str
    url: str                  # the URL requested, query included (what archives and replays key on)
    status: int
    headers: dict
    body: bytes
    text: str                 # body decoded with the page's charset
    fetched_at: datetime      # aware, UTC
    final_url: str | None = None   # where redirects ended, when that differs from ``url``

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def base_url(self) -> str:
        """The URL relative links on this page resolve against."""
        return self.final_url or self.url

    def json(self):
        return json.loads(self.text)


class FetchError(Exception):
    """A page could not be had: a non-2xx answer after retries (``status`` set) or a network
    failure (``status`` None)."""

    def __init__(self, url: str, status: int | None, reason: str):
        super().__init__(f"{url}: {status if status is not None else 'network error'}: {reason}")
        self.url = url
        self.status = status
        self.reason = reason

    @property
    def what_happened(self) -> str:
        """The failure without its URL, for an error line that names the URL apart."""
        return f"{self.status or 'network error'} {self.reason}"


def with_params(url: str, params: Mapping[str, object] | None) -> str:
    """``url`` with ``params`` appended to its query string."""
    if not params:
        return url
    parts = urlsplit(url)
    extra = urlencode([(k, v) for k, v in params.items() if v is not None])
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, whatever the case of its name."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def decode_body(body: bytes, content_type: str | None) -> str:
    """The body as text: the charset the headers name, else the one the page declares, else
    UTF-8 when it decodes cleanly, else windows-1252 (what old servers mean by no charset)."""
    candidates = []
    if content_type and (found := _HEADER_CHARSET.search(content_type)):
        candidates.append(found.group(1))
    if found := _CHARSET.search(body[:2048]):
        candidates.append(found.group(1).decode("ascii", "replace"))
    for charset in candidates:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:  # a charset name Python does not know
            continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("windows-1252", errors="replace")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Fetcher:
    """What every scraper fetches through. Subclasses implement ``_exchange``."""

    def __init__(self, *, on_page: Callable[[Page], None] | None = None):
        self.on_page = on_page
        self.requests_sent = 0    # HTTP requests made, retries included
        self.pages_fetched = 0    # 2xx pages handed to the scraper

    def get(self, url: str, *, params: Mapping[str, object] | None = None) -> Page:
        return self.request("GET", url, params=params)

    def post(self, url: str, *, data: Mapping[str, object] | None = None,
             params: Mapping[str, object] | None = None) -> Page:
        return self.request("POST", url, params=params, data=data)

    def request(self, method: str, url: str, *, params=None, data=None) -> Page:
        page = self._exchange(method.upper(), with_params(url, params), data)
        if not page.ok:
            raise FetchError(page.url, page.status, _reason(page))
        self.pages_fetched += 1
        return page

    def _exchange(self, method: str, url: str, data) -> Page:
        """Send the request (retrying as the fetcher sees fit) and return the last response,
        after passing every response to ``_received``; raise FetchError for network failures."""
        raise NotImplementedError

    def _received(self, page: Page) -> None:
        self.requests_sent += 1
        if self.on_page is not None:
            self.on_page(page)


def _reason(page: Page) -> str:
    try:
        return HTTPStatus(page.status).phrase
    except ValueError:
        return f"HTTP {page.status}"


class HostThrottle:
    """Spaces requests to the same host at least ``interval`` seconds apart, across every
    fetcher in this process (a worker scraping two jails on one host keeps to one budget)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def delay_for(self, host: str, interval: float) -> float:
        """Reserve the host's next slot; return how long to wait for it."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + interval
            return slot - now


HOST_THROTTLE = HostThrottle()


class HttpFetcher(Fetcher):
    """The live web, politely: a browser user agent, a timeout on every request, a per-host
    rate limit, and retries with exponential backoff for network errors, 408, 429 and 5xx
    that honour ``Retry-After``. A server asking for a longer pause than ``max_wait`` seconds
    is not waited for: the fetch fails and the next scheduled run tries again."""

    def __init__(self, *, user_agent: str, timeout: float, max_retries: int = 3,
                 backoff: float = 1.0, min_interval_per_host: float = 1.0,
                 on_page: Callable[[Page], None] | None = None, max_wait: float = 60.0,
                 session: requests.Session | None = None,
                 throttle: HostThrottle = HOST_THROTTLE,
                 sleep: Callable[[float], None] = time.sleep):
        super().__init__(on_page=on_page)
        if not user_agent:
            raise ValueError("user_agent is required")
        if timeout is None or timeout <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        if max_retries < 0:
            raise ValueError("max_retries cannot be negative")
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.min_interval_per_host = min_interval_per_host
        self.max_wait = max_wait
        self.session = session or requests.Session()
        self.throttle = throttle
        self.sleep = sleep

    def _exchange(self, method: str, url: str, data) -> Page:
        host = urlsplit(url).netloc.lower()
        attempt = 0
        while True:
            wait = self.throttle.delay_for(host, self.min_interval_per_host)
            if wait > 0:
                self.sleep(wait)
            try:
                response = self.session.request(
                    method, url, data=data, timeout=self.timeout,
                    headers={"User-Agent": self.user_agent}, allow_redirects=True,
                )
            except (requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                self.requests_sent += 1
                if attempt >= self.max_retries:
                    raise FetchError(url, None, _network_reason(exc)) from exc
                self.sleep(self._backoff(attempt))
                attempt += 1
                continue
            except requests.RequestException as exc:   # a malformed URL and the like
                raise FetchError(url, None, _network_reason(exc)) from exc

            page = Page(
                method=method, url=url, status=response.status_code,
                headers=dict(response.headers), body=response.content,
                text=decode_body(response.content, response.headers.get("Content-Type")),
                fetched_at=_utcnow(),
                final_url=response.url if response.url != url else None,
            )
            self._received(page)
            if page.ok or page.status not in RETRY_STATUSES or attempt >= self.max_retries:
                return page
            pause = _retry_after(response.headers.get("Retry-After"))
            if pause is None:
                pause = self._backoff(attempt)
            elif pause > self.max_wait:
                raise FetchError(url, page.status,
                                 f"asked to retry after {pause:.0f} s, longer than {self.max_wait:.0f} s")
            self.sleep(pause)
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        return self.backoff * (2 ** attempt)


def _network_reason(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return f"timed out ({type(exc).__name__})"
    return f"{type(exc).__name__}: {exc}"


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - _utcnow()).total_seconds())


def cassette_key(method: str, url: str) -> tuple:
    """The cassette matching rule: same method, scheme, host and path, the same query
    parameters as a multiset; fragment and body ignored."""
    parts = urlsplit(url)
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return method.upper(), parts.scheme.lower(), parts.netloc.lower(), parts.path, query


@dataclass
class _Recorded:
    status: int
    headers: dict
    path: Path


class CassetteFetcher(Fetcher):
    """Replays one moment of a cassette (``<jail>/<scenario>/<moment>/index.json`` plus
    ``pages/``). An unrecorded request is answered 404 with an empty body, as a site answers
    for a page that is gone. Pages carry the cassette's capture time."""

    def __init__(self, moment_dir: str | Path, *, on_page: Callable[[Page], None] | None = None):
        super().__init__(on_page=on_page)
        self.moment_dir = Path(moment_dir)
        index_path = self.moment_dir / "index.json"
        try:
            index = json.loads(index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{index_path}: not a readable cassette index: {exc}") from exc
        try:
            self.captured_at = datetime.fromisoformat(index["captured_at"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{index_path}: captured_at is missing or not ISO 8601") from exc
        if self.captured_at.tzinfo is None:
            raise ValueError(f"{index_path}: captured_at has no UTC offset")
        self.jail = index.get("jail")
        self._entries: dict[tuple, _Recorded] = {}
        for number, entry in enumerate(index.get("requests", [])):
            try:
                key = cassette_key(entry["method"], entry["url"])
                self._entries[key] = _Recorded(int(entry["status"]), dict(entry.get("headers", {})),
                                               self.moment_dir / entry["file"])
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{index_path}: request {number} is malformed: {exc}") from exc

    def _exchange(self, method: str, url: str, data) -> Page:
        recorded = self._entries.get(cassette_key(method, url))
        if recorded is None:
            status, headers, body = 404, {"Content-Type": "text/html"}, b""
        else:
            status, headers, body = recorded.status, recorded.headers, recorded.path.read_bytes()
        page = Page(method=method, url=url, status=status, headers=headers, body=body,
                    text=decode_body(body, header(headers, "Content-Type")),
                    fetched_at=self.captured_at.astimezone(timezone.utc))
        self._received(page)
        return page


__all__ = [
    "DEFAULT_USER_AGENT", "CassetteFetcher", "FetchError", "Fetcher", "HOST_THROTTLE",
    "HostThrottle", "HttpFetcher", "Page", "cassette_key", "decode_body", "with_params",
]
