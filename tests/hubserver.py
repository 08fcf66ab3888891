"""A stand-in for the Hugging Face Hub on 127.0.0.1, speaking enough of its API for huggingface_hub 2.x.

    GET  /api/models/{org}/{name}[/revision/{rev}]  model info: sha, siblings, cardData, safetensors, gated
    HEAD /{org}/{name}/resolve/{rev}/{file}          file metadata: ETag, X-Repo-Commit, Content-Length
    GET  /{org}/{name}/resolve/{rev}/{file}          the file; a branch or tag redirects (307) to its commit;
                                                     a Range header (bytes=a-b) gets 206 and those bytes only

Errors carry the X-Error-Code the client maps (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo).
Each repo can be gated, slow, fail its first requests with 503, answer them 429 as a spent rate limit
(Retry-After, RateLimit), trickle its files a byte at a time, or serve files far larger than any config
(declared in Content-Length, or not declared at all); every request is logged.
HTTP/1.0, one connection per request: once stopped, nothing keeps answering on a pooled connection.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote, urlsplit

GOOD_TOKEN = "good-token"
PUBLIC_IN_GATED = ("README.md", ".gitattributes")  # the Hub shows a gated repo's card to anyone
INFO = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)(?:/revision/(?P<rev>[^/]+))?$")
RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")


@dataclass
class Repo:
    files: dict[str, bytes]  # the main branch
    revisions: dict[str, dict[str, bytes]] = field(default_factory=dict)  # other branches or tags
    listed_only: tuple[
        str, ...
    ] = ()  # in the siblings list, but 404 when asked for (weights, a vanished file)
    card_data: dict[str, Any] | None = None
    safetensors_total: int | None = None
    gated: bool | str = False  # "auto"/"manual": files other than the card need "Bearer good-token"
    pipeline_tag: str | None = "text-generation"
    tags: tuple[str, ...] = ()
    fail_first: int = 0  # answer this many requests with 503 before behaving
    delay: float = 0.0  # seconds before answering each request
    trouble_on: str = ""  # fail_first and delay hit only paths containing this ("/resolve/": files only)
    rate_limited: int = 0  # answer this many requests 429 with Retry-After and a spent RateLimit window
    retry_after: int = 1  # seconds, in those answers
    trickle: float = 0.0  # seconds between the bytes of a file's body (a server that never quite stalls)
    oversized: dict[str, int] = field(default_factory=dict)  # file -> the size it is served at, in spaces
    undeclared: bool = False  # oversized files are sent without a Content-Length (the end is the close)

    def commit(self, revision: str) -> tuple[str, dict[str, bytes]] | None:
        """(commit sha, files) for a branch, a tag or a commit sha."""
        versions = {"main": self.files, **self.revisions}
        for name, files in versions.items():
            sha = commit_sha(files)
            if revision in (name, sha):
                return sha, files
        return None


def commit_sha(files: dict[str, bytes]) -> str:
    digest = hashlib.sha1()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def git_blob_sha(data: bytes) -> str:
    """A regular (non-LFS) file's ETag on the Hub: its git blob id."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    authorization: str | None
    range: str | None = None


@dataclass(frozen=True)
class Stream:
    """A body written in pieces: a large one never held whole, or a slow one."""

    length: int | None  # the Content-Length sent; None: none, the body ends when the connection closes
    chunks: Any  # a callable returning an iterator of bytes


Answer = tuple[int, dict[str, str], "bytes | Stream"]


class HubServer:
    def __init__(self, repos: dict[str, Repo] | None = None) -> None:
        self.repos: dict[str, Repo] = dict(repos or {})
        self.log: list[Logged] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.hub = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="hubserver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening at once; a request still sleeping on its delay wakes and is dropped."""
        if self._thread is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread = None

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests(self, method: str | None = None, contains: str = "") -> list[Logged]:
        return [r for r in self.log if (method is None or r.method == method) and contains in r.path]

    def answer(self, method: str, path: str, authorization: str | None, range_: str | None = None) -> Answer:
        self.log.append(Logged(method, path, authorization, range_))
        if match := INFO.match(path):
            repo_id, rev = match["repo"], unquote(match["rev"] or "main")
            return self._behave(repo_id, path) or self._info(repo_id, rev)
        if match := RESOLVE.match(path):
            repo_id, rev, name = match["repo"], unquote(match["rev"]), unquote(match["file"])
            answer = self._behave(repo_id, path) or self._resolve(repo_id, rev, name, authorization)
            return _ranged(answer, range_) if range_ else answer
        return _error(404, "NotFound", "Not Found")

    def _behave(self, repo_id: str, path: str) -> Answer | None:
        """The behaviours that come before any answer: the repo's delay and its failing first requests."""
        repo = self.repos.get(repo_id)
        if repo is None or repo.trouble_on not in path:
            return None
        if repo.delay and self._stopping.wait(repo.delay):
            return _error(503, "Stopping", "server stopping")
        with self._lock:
            if repo.fail_first > 0:
                repo.fail_first -= 1
                return _error(503, "ServiceUnavailable", "Service Unavailable")
            if repo.rate_limited > 0:
                repo.rate_limited -= 1
                status, headers, body = _error(429, "RateLimited", "Too Many Requests")
                window = {"Retry-After": str(repo.retry_after), "RateLimit": f'"resolvers";r=0;t={repo.retry_after}',
                          "RateLimit-Policy": '"fixed window";"resolvers";q=5000;w=300'}
                return status, {**headers, **window}, body
        return None

    def _find(self, repo_id: str, rev: str) -> tuple[Repo, str, dict[str, bytes]] | Answer:
        """The repo and its commit at `rev`, or the Hub's 404 answer."""
        repo = self.repos.get(repo_id)
        if repo is None:
            return _error(404, "RepoNotFound", "Repository not found")
        found = repo.commit(rev)
        if found is None:
            return _error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
        return (repo, *found)

    def _info(self, repo_id: str, rev: str) -> Answer:
        found = self._find(repo_id, rev)
        if isinstance(found[0], int):
            return found
        repo, sha, files = found
        info: dict[str, Any] = {
            "_id": sha[:24],
            "id": repo_id,
            "modelId": repo_id,
            "author": repo_id.split("/")[0],
            "sha": sha,
            "lastModified": "2025-01-01T00:00:00.000Z",
            "private": False,
            "disabled": False,
            "gated": repo.gated,
            "tags": list(repo.tags),
            "pipeline_tag": repo.pipeline_tag,
            "siblings": [{"rfilename": name} for name in sorted({*files, *repo.listed_only})],
        }
        if repo.card_data is not None:
            info["cardData"] = repo.card_data
        if repo.safetensors_total is not None:
            info["safetensors"] = {
                "parameters": {"BF16": repo.safetensors_total},
                "total": repo.safetensors_total,
            }
        return 200, {"Content-Type": "application/json"}, json.dumps(info).encode()

    def _resolve(self, repo_id: str, rev: str, name: str, authorization: str | None) -> Answer:
        found = self._find(repo_id, rev)
        if isinstance(found[0], int):
            return found
        repo, sha, files = found
        if repo.gated and name not in PUBLIC_IN_GATED and authorization != f"Bearer {GOOD_TOKEN}":
            status = 401 if authorization is None else 403
            message = (
                f"Access to model {repo_id} is restricted. You must have access to it and be authenticated."
            )
            return _error(status, "GatedRepo", message)
        if rev != sha:  # as the Hub does: a branch or tag redirects to the commit it points at
            location = f"/{repo_id}/resolve/{sha}/{quote(name)}"
            return 307, {"Location": location, "X-Repo-Commit": sha}, b""
        if name in repo.oversized:
            size = repo.oversized[name]
            headers = {"ETag": f'"{"0" * 40}"', "X-Repo-Commit": sha, "Content-Type": "text/plain"}
            return 200, headers, Stream(None if repo.undeclared else size, lambda: _spaces(size))
        if name not in files:
            status, headers, body = _error(404, "EntryNotFound", f"{name} does not exist on {sha}")
            return status, {**headers, "X-Repo-Commit": sha}, body
        data = files[name]
        headers = {"ETag": f'"{git_blob_sha(data)}"', "X-Repo-Commit": sha, "Content-Type": "text/plain"}
        if repo.trickle:
            return 200, headers, Stream(len(data), lambda: self._trickled(data, repo.trickle))
        return 200, headers, data

    def _trickled(self, data: bytes, pause: float) -> Any:
        for i in range(len(data)):
            if self._stopping.wait(pause):
                return
            yield data[i:i + 1]


def _spaces(size: int, piece: int = 1 << 16) -> Any:
    for start in range(0, size, piece):
        yield b" " * min(piece, size - start)


RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


def _ranged(answer: Answer, range_: str) -> Answer:
    """A 200 answer cut to the asked bytes, as the Hub's storage serves a range request."""
    status, headers, body = answer
    match = RANGE.match(range_.strip())
    if status != 200 or match is None:
        return answer
    start = int(match[1])
    end = min(int(match[2]) if match[2] else len(body) - 1, len(body) - 1)
    if start >= len(body):
        return 416, {"Content-Range": f"bytes */{len(body)}"}, b""
    return 206, {**headers, "Content-Range": f"bytes {start}-{end}/{len(body)}"}, body[start:end + 1]


def _error(status: int, code: str, message: str) -> Answer:
    headers = {"X-Error-Code": code, "X-Error-Message": message, "Content-Type": "application/json"}
    return status, headers, json.dumps({"error": message}).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler asleep on a delay must not hold up stop()
    # The default listen backlog of 5 drops connections when many clients arrive at once (each then
    # waits a 1 s SYN retransmit): a limit of this stand-in, not of the Hub.
    request_queue_size = 256
    hub: HubServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeout) leaves a broken pipe behind: expected here


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._reply(with_body=True)

    def do_HEAD(self) -> None:
        self._reply(with_body=False)

    def _reply(self, with_body: bool) -> None:
        path = urlsplit(self.path).path
        status, headers, body = self.server.hub.answer(self.command, path, self.headers.get("Authorization"),
                                                       self.headers.get("Range"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        length = body.length if isinstance(body, Stream) else len(body)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if not with_body:
            return
        try:
            for piece in body.chunks() if isinstance(body, Stream) else (body,):
                self.wfile.write(piece)
                self.wfile.flush()
        except OSError:
            pass  # the client gave up (a cap or a deadline): expected here

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is HubServer.log
