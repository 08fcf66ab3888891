"""Is the Hub reachable at all? A TCP connection attempt, bounded in time, before anything heavy loads.

Standard library only: a machine with no network learns it in milliseconds (or `timeout` at worst) without
paying for importing huggingface_hub.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from urllib.parse import urlsplit


def probe(endpoint: str, timeout: float) -> str | None:
    """None when a TCP connection to the endpoint (or its proxy) opens within `timeout`; else why not.

    The attempt runs in a daemon thread because name resolution ignores socket timeouts: a dead resolver
    must not hold the caller longer than `timeout` either.
    """
    host, port = _connect_target(endpoint)
    outcome: list[str | None] = []

    def attempt() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            outcome.append(None)
        except OSError as err:
            outcome.append(f"cannot connect to {host}:{port} ({err.strerror or type(err).__name__})")

    thread = threading.Thread(target=attempt, name="axes-hub-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    return outcome[0] if outcome else f"no connection to {host}:{port} within {timeout:g} s"


def _connect_target(endpoint: str) -> tuple[str, int]:
    """Where a request to `endpoint` first connects: the endpoint itself, or the proxy that carries it."""
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if not _proxy_configured():
        return host, parts.port or (443 if parts.scheme == "https" else 80)
    from urllib.request import getproxies, proxy_bypass  # http.client, email, ssl: ~60M instructions

    proxies = getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if proxy and not proxy_bypass(host):
        parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        host = parts.hostname or ""
    return host, parts.port or (443 if parts.scheme == "https" else 80)


def _proxy_configured() -> bool:
    """Could urllib find a proxy? On Linux it reads only `*_proxy` variables (any case); macOS and Windows also
    keep one in the system's settings."""
    return sys.platform in ("darwin", "win32") or any(
        value and name.lower().endswith("_proxy") for name, value in os.environ.items())
