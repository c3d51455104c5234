"""The simulator's HTTP server, on the loopback interface only.

By default every jail is a host of its own: its site answers at the root of its own port
(``http://127.0.0.1:<port>/roster.php``), exactly at the real site's paths, so root-relative
links resolve as they do on the real site. Scrapers also space their requests per host, as
they must with real county sites, so a farm behind one host would be throttled as if it
were one site. The server's main port answers for every jail below ``/<jail code>/`` and for
the control paths below.

Besides the sites it answers two read-only paths for the people running it:

* ``/_sim/status`` – the clock, and per jail the requests served and faults injected;
* ``/_sim/truth/<jail>?at=<ISO 8601>`` – the keys of everyone in custody at that simulated
  instant (default: now), the ground truth a soak run is checked against.
"""
from __future__ import annotations

import ipaddress
import itertools
import json
import logging
import selectors
import socket
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .farm import Farm
from .sites import Request, Response

log = logging.getLogger(__name__)

MAINTENANCE = (b"<html><head><title>503 Service Unavailable</title></head><body>"
               b"<h1>Service Unavailable</h1><p>The site is down for maintenance.</p></body></html>")
ERROR_PAGE = b"<html><head><title>Server Error</title></head><body><h1>Server Error</h1></body></html>"
THROTTLED = b"<html><body><h1>429 Too Many Requests</h1></body></html>"


def require_loopback(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise ValueError(f"the simulator binds to loopback only, not {host!r}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"       # keep-alive, as scrapers' sessions expect
    server_version = "DocketSimulator/1.0"
    timeout = 60                         # an idle kept-alive connection is let go after this
    disable_nagle_algorithm = True       # headers and body go out at once, no 40 ms stalls

    def do_GET(self):
        self.server.simulator.serve(self, "GET", b"")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.simulator.serve(self, "POST", self.rfile.read(length) if length else b"")

    def log_message(self, format, *args):
        log.debug("%s %s", self.address_string(), format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


class SimulatorServer:
    """``port`` 0 picks free ports. With ``port_per_jail`` and a fixed ``port``, the jails
    take the ports after it, in farm order."""

    def __init__(self, farm: Farm, clock, *, host: str = "127.0.0.1", port: int = 0,
                 port_per_jail: bool = True):
        require_loopback(host)
        self.farm = farm
        self.clock = clock
        self.httpd = _Server((host, port), _Handler)
        self.httpd.simulator = self
        self.host, self.port = self.httpd.server_address[:2]
        self.base_url = f"http://{self.host}:{self.port}"
        self._listeners = [self.httpd.socket]
        self.ports: dict[str, int] = {}
        self._jail_on_port: dict[int, str] = {}
        try:
            if port_per_jail:
                for offset, code in enumerate(farm.jails, start=1):
                    listener = socket.create_server((host, port + offset if port else 0), backlog=128)
                    self._listeners.append(listener)
                    self.ports[code] = listener.getsockname()[1]
                    self._jail_on_port[self.ports[code]] = code
        except OSError:
            self._close_listeners()
            raise
        self._lock = threading.Lock()
        self._serials = defaultdict(itertools.count)
        self.stats: dict[str, Counter] = defaultdict(Counter)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- running ----------------------------------------------------------------------
    def start(self) -> SimulatorServer:
        """Serve from a background thread (tests and benchmarks)."""
        self._thread = threading.Thread(target=self.serve_forever, name="docket-simulator",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Accept on every listening port; each connection is served in a thread of its own."""
        with selectors.DefaultSelector() as selector:
            for listener in self._listeners:
                selector.register(listener, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select(timeout=0.2):
                    try:
                        connection, address = key.fileobj.accept()
                    except OSError:
                        continue
                    self.httpd.process_request(connection, address)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._close_listeners()

    def _close_listeners(self) -> None:
        for listener in self._listeners:
            listener.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def base_url_for(self, code: str) -> str:
        """Where jail ``code``'s site is rooted: its own port, or its prefix on the main one."""
        if code in self.ports:
            return f"http://{self.host}:{self.ports[code]}"
        return f"{self.base_url}/{code}"

    def docket_url(self, code: str) -> str:
        return self.farm.jail(code).docket_url(self.base_url_for(code))

    def declarations(self):
        """Every simulated jail declared as Oversight declares a jail, pointing here."""
        return [jail.declaration(self.base_url_for(code)) for code, jail in self.farm.jails.items()]

    # ---- answering --------------------------------------------------------------------
    def serve(self, handler: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        target = urlsplit(handler.path)
        code = self._jail_on_port.get(handler.connection.getsockname()[1])
        if code is not None:
            path = target.path
        else:
            code, _, rest = target.path.lstrip("/").partition("/")
            if code == "_sim":
                self._send(handler, self._control(rest, target.query))
                return
            path = "/" + rest
        jail = self.farm.jails.get(code)
        if jail is None:
            self._send(handler, Response(404, b""))
            return
        now = self.clock.now()
        with self._lock:
            serial = next(self._serials[code])
        decision = self.farm.faults.decide(code, serial, now)
        with self._lock:
            self.stats[code]["requests"] += 1
            self.stats[code][decision.kind] += 1
        if decision.delay:
            time.sleep(decision.delay)
        if decision.kind == "down":
            if self.farm.faults.for_jail(code).outage_mode == "close":
                handler.close_connection = True   # hang up without a word
                return
            self._send(handler, Response(503, MAINTENANCE, headers={"Retry-After": "3600"}))
            return
        if decision.kind == "error":
            self._send(handler, Response(decision.status, ERROR_PAGE))
            return
        if decision.kind == "throttle":
            retry = str(self.farm.faults.for_jail(code).retry_after)
            self._send(handler, Response(429, THROTTLED, headers={"Retry-After": retry}))
            return
        request = Request(method, path, parse_qsl(target.query, keep_blank_values=True),
                          self.base_url_for(code))
        if decision.kind == "redesign" and jail.site.is_roster_request(request):
            response = jail.site.redesigned(request, jail.population, now)
        else:
            response = jail.site.respond(request, jail.population, now)
        self._send(handler, response, truncate=decision.kind == "truncate" and response.status == 200)

    def _send(self, handler, response: Response, *, truncate: bool = False) -> None:
        handler.send_response(response.status)
        handler.send_header("Content-Type", response.content_type)
        handler.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            handler.send_header(name, value)
        if truncate:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        handler.wfile.write(response.body[:len(response.body) // 2] if truncate else response.body)

    def _control(self, path: str, query: str) -> Response:
        params = dict(parse_qsl(query))
        if path == "status":
            with self._lock:
                jails = {code: dict(counts) for code, counts in self.stats.items()}
            status = {"now": self.clock.now().isoformat(), "clock": self.clock.describe(),
                      "seed": self.farm.seed, "jails": len(self.farm.jails), "served": jails}
            return Response(200, json.dumps(status, indent=1).encode(), "application/json")
        if path.startswith("truth/"):
            code = path[len("truth/"):]
            if code not in self.farm.jails:
                return Response(404, b"")
            try:
                at = datetime.fromisoformat(params["at"]) if "at" in params else self.clock.now()
            except ValueError as exc:
                return Response(400, str(exc).encode(), "text/plain")
            if at.tzinfo is None:
                return Response(400, b"'at' needs a UTC offset", "text/plain")
            keys = sorted(self.farm.custody_keys(code, at))
            return Response(200, json.dumps({"jail": code, "at": at.isoformat(), "in_custody": keys}).encode(),
                            "application/json")
        return Response(404, b"")
