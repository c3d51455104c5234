"""A local stand-in for DocumentCloud and its sign-in service, spoken to over real HTTP by the
real python-documentcloud client.

It implements what the pipeline uses, with the JSON shapes of the real API: token sign-in and
refresh, document create (answering with a presigned upload URL), the presigned PUT, process,
get, search by data key, delete, errors, and the full-text asset. Processing takes a
configurable number of status checks; page counts and text come from poppler's pdfinfo and
pdftotext, as DocumentCloud extracts them from the file. Faults are scripted per route: an HTTP status for the
next N calls, a stall (to catch a worker mid-request), a processing error, or a file that
never arrives.

    server = FakeDocumentCloud().start()
    client = DocumentCloud("user", "pw", base_uri=server.api_url, auth_uri=server.auth_url)
"""
from __future__ import annotations

import json
import re
import secrets
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

USERNAME = "reporter@example.org"
PASSWORD = "correct horse battery staple"


@dataclass
class Fault:
    method: str
    pattern: str          # a regular expression matched against the path
    status: int | None = None
    times: int = 1
    stall: float = 0.0    # seconds to wait before answering (the stall is released early by release())
    expire_tokens: bool = False   # every access token expires just before this request


@dataclass
class FakeDocument:
    id: int
    title: str
    slug: str
    access: str
    source: str | None
    data: dict
    projects: list
    status: str = "nofile"
    file: bytes | None = None
    checks_left: int = 0
    fail_processing: bool = False
    errors: list = field(default_factory=list)
    created_at: str = ""

    def as_json(self, base: str) -> dict:
        return {
            "id": self.id, "title": self.title, "slug": self.slug, "status": self.status,
            "access": self.access, "source": self.source, "data": self.data,
            "projects": self.projects, "page_count": self.page_count(),
            "asset_url": f"{base}/files/",
            "canonical_url": f"{base}/documents/{self.id}-{self.slug}/",
            "created_at": self.created_at, "updated_at": self.created_at,
            "user": 1, "organization": 1, "language": "eng", "description": "",
        }

    def page_count(self) -> int:
        if self.status != "success" or not self.file:
            return 0
        info = subprocess.run(["pdfinfo", "-"], input=self.file, capture_output=True, check=True)
        return int(re.search(rb"Pages:\s+(\d+)", info.stdout).group(1))

    def text(self) -> str:
        done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=self.file,
                              capture_output=True, check=True)
        return done.stdout.decode()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class FakeDocumentCloud:
    def __init__(self, *, processing_checks: int = 2):
        self.processing_checks = processing_checks
        self.documents: dict[int, FakeDocument] = {}
        self.log: list[tuple[str, str, int]] = []          # (method, path, status answered)
        self.creates: list[dict] = []                      # every create request's body
        self.faults: list[Fault] = []
        self.fail_processing_titles: set[str] = set()      # processing ends in "error" once
        self.drop_file_titles: set[str] = set()            # the PUT "never arrives" once
        self.stalled = threading.Event()                   # set while a stalled request waits
        self._release = threading.Event()
        self._tokens: set[str] = set()
        self._refresh_tokens: set[str] = set()
        self._next_id = 1000
        self._lock = threading.Lock()
        self._server = None

    # ---- lifecycle ------------------------------------------------------------------------
    def start(self) -> "FakeDocumentCloud":
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True,
                                   request_handler=_QuietHandler)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    @property
    def auth_url(self) -> str:
        return f"{self.base}/auth/"

    def add_fault(self, method: str, pattern: str, *, status: int | None = None, times: int = 1,
                  stall: float = 0.0, expire_tokens: bool = False) -> None:
        with self._lock:
            self.faults.append(Fault(method, pattern, status, times, stall, expire_tokens))

    def release(self) -> None:
        """Let a stalled request finish now."""
        self._release.set()

    def stall_next(self, method: str, pattern: str, seconds: float) -> None:
        """Hold the next matching request for up to ``seconds`` (``stalled`` is set while it
        waits; ``release()`` lets it go)."""
        self.stalled.clear()
        self._release.clear()
        self.add_fault(method, pattern, stall=seconds)

    def created_titles(self) -> list[str]:
        return [body["title"] for body in self.creates]

    def live_documents(self) -> list[FakeDocument]:
        return list(self.documents.values())

    # ---- HTTP -----------------------------------------------------------------------------
    def _wsgi(self, environ, start_response):
        request = Request(environ)
        response = self._handle(request)
        with self._lock:
            self.log.append((request.method, request.path, response.status_code))
        return response(environ, start_response)

    def _take_fault(self, request: Request) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.method == request.method and re.search(fault.pattern, request.path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def _handle(self, request: Request) -> Response:
        fault = self._take_fault(request)
        if fault is not None and fault.expire_tokens:
            with self._lock:
                self._tokens.clear()
        if fault is not None and fault.stall:
            self.stalled.set()
            self._release.wait(fault.stall)
        if fault is not None and fault.status is not None:
            return _json({"detail": "injected failure"}, fault.status)

        path = request.path
        if path == "/auth/token/":
            return self._token(request)
        if path == "/auth/refresh/":
            return self._refresh(request)
        if path.startswith("/s3/"):
            return self._put_file(request, int(path.rsplit("/", 1)[1]))
        if not self._authorised(request):
            return _json({"detail": "Authentication credentials were not provided."}, 401)
        if path.startswith("/files/"):
            return self._asset(path)
        if path == "/api/documents/" and request.method == "POST":
            return self._create(request)
        if path == "/api/documents/search/":
            return self._search(request)
        match = re.fullmatch(r"/api/documents/(\d+)/(process/|errors/)?", path)
        if match:
            document = self.documents.get(int(match.group(1)))
            if document is None:
                return _json({"detail": "Not found."}, 404)
            action = match.group(2)
            if action == "process/" and request.method == "POST":
                return self._process(document)
            if action == "errors/":
                return _json({"count": len(document.errors), "next": None, "previous": None,
                              "results": document.errors})
            if request.method == "DELETE":
                with self._lock:
                    del self.documents[document.id]
                return Response(status=204)
            if request.method == "GET":
                return self._get(document)
        return _json({"detail": f"no route for {request.method} {path}"}, 404)

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[len("Bearer "):] in self._tokens

    def _issue_tokens(self) -> Response:
        access, refresh = secrets.token_hex(8), secrets.token_hex(8)
        with self._lock:
            self._tokens.add(access)
            self._refresh_tokens.add(refresh)
        return _json({"access": access, "refresh": refresh})

    def _token(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        if body.get("username") != USERNAME or body.get("password") != PASSWORD:
            return _json({"detail": "No active account found with the given credentials"}, 401)
        return self._issue_tokens()

    def _refresh(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        if body.get("refresh") not in self._refresh_tokens:
            return _json({"detail": "Token is invalid or expired"}, 401)
        return self._issue_tokens()

    def _create(self, request: Request) -> Response:
        body = request.get_json()
        with self._lock:
            self.creates.append(body)
            self._next_id += 1
            title = body["title"]
            document = FakeDocument(
                id=self._next_id, title=title, slug=re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
                access=body.get("access", "private"), source=body.get("source"),
                data=body.get("data") or {}, projects=body.get("projects") or [],
                created_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
            self.documents[document.id] = document
        payload = document.as_json(self.base)
        payload["presigned_url"] = f"{self.base}/s3/{document.id}"
        return _json(payload, 201)

    def _put_file(self, request: Request, document_id: int) -> Response:
        document = self.documents.get(document_id)
        if document is None:
            return Response("NoSuchKey", status=404)
        with self._lock:
            if document.title in self.drop_file_titles:
                self.drop_file_titles.discard(document.title)
            else:
                document.file = request.get_data()
        return Response(status=200)

    def _process(self, document: FakeDocument) -> Response:
        with self._lock:
            if document.file is None:
                document.status = "nofile"
            else:
                document.status = "pending"
                document.checks_left = self.processing_checks
                document.errors = []
                if document.title in self.fail_processing_titles:
                    self.fail_processing_titles.discard(document.title)
                    document.fail_processing = True
        return Response(status=200)

    def _get(self, document: FakeDocument) -> Response:
        with self._lock:
            if document.status == "pending":
                document.checks_left -= 1
                if document.checks_left <= 0:
                    if document.fail_processing:
                        document.fail_processing = False
                        document.status = "error"
                        document.errors = [{"message": "The PDF could not be read",
                                            "created_at": "2026-01-01T00:00:00.000000Z"}]
                    else:
                        document.status = "success"
        return _json(document.as_json(self.base))

    def _search(self, request: Request) -> Response:
        query = request.args.get("q", "")
        wanted = dict(re.findall(r'data_(\w+):"?([^"\s]+)"?', query))
        with self._lock:
            found = [d.as_json(self.base) for d in self.documents.values()
                     if all(str(d.data.get(k)) == v for k, v in wanted.items())]
        return _json({"count": len(found), "next": None, "previous": None, "results": found})

    def _asset(self, path: str) -> Response:
        match = re.fullmatch(r"/files/documents/(\d+)/[\w-]+\.txt", path)
        document = self.documents.get(int(match.group(1))) if match else None
        if document is None or document.status != "success":
            return Response("Not Found", status=404)
        return Response(document.text(), mimetype="text/plain")


def _json(payload, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll ``predicate`` until it returns something truthy (tests only)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
