"""Keeping huggingface_hub's network calls short: a TCP probe, capped timeouts, one retry, one deadline.

Left alone, huggingface_hub 2.x retries a failed file lookup with a 60 s timeout and a 1+2+4+8+8 s backoff
(file_download._ETAG_RETRY_TIMEOUT, utils/_http._http_backoff_base), and model_info has no timeout at all.
Its documented hook, `set_client_factory`, lets us hand it an httpx2 client whose `send` caps every timeout,
retries a 5xx answer once, stops at a deadline, and turns a network failure into HubUnreachable: an exception
the library does not catch, so its own retry loops never start. Outside `bounded()` the client behaves as the
library's default one.

Imported only by hub.fetch: httpx2 and huggingface_hub cost ~250 ms to import.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpx2
from huggingface_hub import get_session, set_client_factory
from msgspec import Struct

from ..errors import HubUnreachable, TooLarge

# Worth one retry: the Hub's "busy" answers. Anything else is an answer, and the caller maps it.
TRANSIENT = frozenset({408, 429, 500, 502, 503, 504})
PHASES = ("connect", "read", "write", "pool")  # httpx2's timeout dict; None in it means "wait forever"


class Limits(Struct, frozen=True):
    timeout: float  # per metadata request (the API, a file's HEAD): connect, read, write, pool
    download_timeout: float  # per file download (a GET of /resolve/)
    deadline: float  # time.monotonic() at which every request stops, started or not
    retry_pause: float

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


_LIMITS: ContextVar[Limits | None] = ContextVar("axes_hub_limits", default=None)


@contextmanager
def bounded(*, timeout: float, budget: float, retry_pause: float, download_timeout: float | None = None
            ) -> Iterator[None]:
    """Bound every huggingface_hub call in this block, and in threads run with a copy of its context."""
    _install()
    limits = Limits(timeout, timeout if download_timeout is None else download_timeout, time.monotonic() + budget,
                    retry_pause)
    token = _LIMITS.set(limits)
    try:
        yield
    finally:
        _LIMITS.reset(token)


_INSTALL_LOCK = threading.Lock()


def _install() -> None:
    # Once per process, under a lock: a second set_client_factory would close the client another thread uses.
    with _INSTALL_LOCK:
        if not isinstance(get_session(), BoundedClient):
            # The library's default client carries its request hook (offline mode, request ids): keep it.
            hooks = get_session().event_hooks
            set_client_factory(lambda: BoundedClient(event_hooks=hooks, follow_redirects=True, timeout=None))


class BoundedClient(httpx2.Client):
    def send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
        limits = _LIMITS.get()
        if limits is None:
            return super().send(request, **kwargs)
        stream = kwargs.pop("stream", False)
        # Inside bounded() only GETs and HEADs are sent: trying one twice is safe.
        for attempt in (1, 2):
            _cap_timeout(request, limits)
            try:
                # Always streamed: the body is read through Guarded, which keeps the deadline and the size cap.
                response = super().send(request, stream=True, **kwargs)
            except httpx2.TransportError as err:
                raise HubUnreachable(f"{_describe(err)} from {request.url.host}") from err
            if response.status_code not in TRANSIENT:
                response.stream = Guarded(response, limits, _CAP.get())
                if not stream:
                    try:
                        response.read()
                    finally:
                        response.close()
                return response
            response.close()
            if attempt == 1:
                time.sleep(min(limits.retry_pause, max(limits.remaining(), 0)))
        raise HubUnreachable(f"{request.url.host} answered HTTP {response.status_code}, twice")


_CAP: ContextVar[int | None] = ContextVar("axes_hub_byte_cap", default=None)


@contextmanager
def byte_cap(limit: int) -> Iterator[None]:
    """No answer in this block may be larger than `limit` bytes: refused by its Content-Length before any byte
    of it is read, or once it passes the limit (an answer that does not say its length)."""
    token = _CAP.set(limit)
    try:
        yield
    finally:
        _CAP.reset(token)


class Guarded(httpx2.SyncByteStream):
    """An answer's body, read against the wall clock and the size cap.

    A read timeout restarts with every byte, so a server trickling one byte every few seconds never trips it:
    at the deadline a timer shuts the connection's socket, which ends a read blocked in the kernel, and the
    body ends in HubUnreachable (which huggingface_hub does not catch, so it does not retry or resume).
    """

    def __init__(self, response: httpx2.Response, limits: Limits, cap: int | None):
        if not isinstance(response.stream, httpx2.SyncByteStream):
            raise TypeError("a sync client's answer has a sync body")
        self.inner: httpx2.SyncByteStream = response.stream
        self.host = response.request.url.host
        self.cap = cap
        self.limits = limits
        length = response.headers.get("content-length", "")
        # A HEAD answer's length, or a linked (LFS) file's size, tells the size of the file a GET would bring.
        size = response.headers.get("x-linked-size") or length
        if cap is not None and size.isdigit() and int(size) > cap:
            response.close()
            raise TooLarge(int(size), cap)
        self.lock = threading.Lock()
        self.closed = False
        network = response.extensions.get("network_stream")
        self.socket = network.get_extra_info("socket") if network is not None else None
        self.timer = threading.Timer(max(limits.remaining(), 0), self._cut)
        self.timer.daemon = True
        self.timer.start()

    def __iter__(self) -> Iterator[bytes]:
        received = 0
        try:
            for chunk in self.inner:
                received += len(chunk)
                if self.limits.remaining() <= 0:
                    raise HubUnreachable(f"{self.host} took too long (over the budget for one target)")
                if self.cap is not None and received > self.cap:
                    raise TooLarge(None, self.cap)
                yield chunk
        except httpx2.TransportError as err:
            if self.limits.remaining() <= 0:
                raise HubUnreachable(f"{self.host} took too long (over the budget for one target)") from None
            raise HubUnreachable(f"{_describe(err)} from {self.host}") from err

    def close(self) -> None:
        with self.lock:  # after this, the timer cannot touch the socket, which may serve another request
            self.closed = True
            self.timer.cancel()
        self.inner.close()

    def _cut(self) -> None:
        with self.lock:
            if self.closed or self.socket is None:
                return
            try:
                self.socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the other side


def _cap_timeout(request: httpx2.Request, limits: Limits) -> None:
    """Set the request's timeouts to ours. The library's own come from the environment as it was at import;
    ours from the environment of this fetch (hub.timeouts), so they replace the library's."""
    remaining = limits.remaining()
    if remaining <= 0:
        raise HubUnreachable(f"{request.url.host} took too long (over the budget for one target)")
    download = request.method == "GET" and "/resolve/" in request.url.path
    cap = min(limits.download_timeout if download else limits.timeout, remaining)
    request.extensions["timeout"] = dict.fromkeys(PHASES, cap)


def _describe(err: httpx2.TransportError) -> str:
    if isinstance(err, httpx2.TimeoutException):
        return "no answer in time"
    if isinstance(err, httpx2.ConnectError):
        return "cannot connect"
    return f"connection failed ({type(err).__name__})"
