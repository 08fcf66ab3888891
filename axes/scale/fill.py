"""The fill: the files no bulk dump has (config.json, generation_config.json, the chat template), fetched from
the Hub for the repos whose file list names them, at the pace the user's plan allows.

Every request is a file download from a known commit (`/resolve/{sha}/{file}`: the Hub's "resolvers" bucket;
the sha and file list come from the snapshot, so no API call is made). The pace is the plan's resolver limit
per 5-minute window, spread evenly; a RateLimit header saying the window is spent, or a 429 with Retry-After,
pauses every worker for as long as the Hub says. Each file is read up to its cap (4 MB for a config), never
whole. Results are stored as they come, a part file per batch, keyed by id and sha: a stopped fill resumes,
and a repo whose sha did not change is never fetched again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .. import __version__
from ..errors import AxesError
from ..sources import files as repo_files
from .shards import write_table

# Requests per 5-minute window by plan: (API calls, file downloads), as the Hub's rate-limit page lists them.
PLANS: dict[str, tuple[int, int]] = {
    "anonymous": (500, 3_000), "free": (1_000, 5_000), "pro": (2_500, 12_000), "team": (3_000, 20_000),
    "enterprise": (6_000, 50_000), "enterprise-plus": (10_000, 100_000),
}
WINDOW = 300.0  # seconds
THREADS = 8  # downloads in flight: enough to reach a plan's pace over a ~100 ms round trip
TIMEOUT = 10.0  # seconds per request (connect, and each read)
RETRIES = 3  # tries per file after a 429 or a 5xx
FILL_COLUMNS = ("config", "generation_config", "chat_template")
# Output column -> the repo file it comes from, in the order they are asked for.
FILE_OF = {"config": "config.json", "generation_config": "generation_config.json",
           "chat_template": "chat_template.jinja", "tokenizer_config": "tokenizer_config.json"}
CAPS = {"config.json": repo_files.CONFIG_CAP, "generation_config.json": repo_files.CONFIG_CAP,
        "chat_template.jinja": repo_files.TEXT_CAPS["chat_template"],
        "tokenizer_config.json": repo_files.TEXT_CAPS["tokenizer_config.json"]}
FILL_SCHEMA = pa.schema([("id", pa.string()), ("sha", pa.string()), *((c, pa.string()) for c in FILL_COLUMNS),
                         ("error", pa.string())])
PART_ROWS = 200  # fills stored per part file: what a stop can lose at most


def wanted_files(listed: tuple[str, ...], summary: dict[str, Any] | None) -> list[str]:
    """The files to fetch for one repo: config and generation config when listed; the chat template file when
    listed, else tokenizer_config.json when listed and the Hub's summary does not already carry a template."""
    names = [FILE_OF[c] for c in ("config", "generation_config") if FILE_OF[c] in listed]
    if "chat_template.jinja" in listed:
        names.append("chat_template.jinja")
    elif "tokenizer_config.json" in listed:
        tokenizer = (summary or {}).get("tokenizer_config")
        if not (isinstance(tokenizer, dict) and tokenizer.get("chat_template")):
            names.append("tokenizer_config.json")
    return names


def load_fills(folder: Path) -> dict[str, dict[str, Any]]:
    """id -> its latest stored fill (a later part wins)."""
    fills: dict[str, dict[str, Any]] = {}
    for part in sorted(folder.glob("*.parquet")) if folder.is_dir() else ():
        try:
            rows = pq.read_table(part).to_pylist()
        except (OSError, pa.ArrowInvalid):
            continue
        fills.update({row["id"]: row for row in rows})
    return fills


def store_fills(folder: Path, results: list[dict[str, Any]]) -> None:
    """Append results as new part files (written whole, then renamed: a stop never leaves half of one)."""
    folder.mkdir(parents=True, exist_ok=True)
    first = len(list(folder.glob("*.parquet")))
    for offset in range(0, len(results), PART_ROWS):
        chunk = results[offset: offset + PART_ROWS]
        rows = {name: [r.get(name) for r in chunk] for name in FILL_SCHEMA.names}
        write_table(pa.table(rows, schema=FILL_SCHEMA), folder / f"fill-{first + offset // PART_ROWS:06d}.parquet")


class Pace:
    """One shared clock for every download thread: requests spaced to the plan's rate, and a pause when the
    Hub says the window is spent."""

    def __init__(self, per_window: int):
        self.gap = WINDOW / per_window
        self.next = time.monotonic()
        self.resume = 0.0
        self.waited = 0.0
        self.lock = threading.Lock()

    def take(self) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next, self.resume)
            self.next = start + self.gap
        if start > now:
            with self.lock:
                self.waited += start - now
            time.sleep(start - now)

    def pause(self, seconds: float) -> None:
        with self.lock:
            self.resume = max(self.resume, time.monotonic() + seconds)


class Fetcher:
    """Downloads through huggingface_hub's own HTTP session, URLs and headers (HF_ENDPOINT, token, user agent)."""

    def __init__(self, *, plan: str = "free", token: str | None = None, threads: int = THREADS):
        from ..sources.hub import endpoint

        self.endpoint = endpoint()
        self.token = token
        self.threads = threads
        self.pace = Pace(PLANS[plan][1])
        self.requests = 0
        self.count_lock = threading.Lock()

    @property
    def waited(self) -> float:
        return self.pace.waited

    def fetch(self, wanted: list[dict[str, Any]], tick: Callable[[int], None] = lambda n: None
              ) -> list[dict[str, Any]]:
        """One result per wanted repo ({id, sha, config, ..., error}), in the order given."""
        done = [0]

        def one(item: dict[str, Any]) -> dict[str, Any]:
            result = self._repo(item["id"], item["sha"], item["files"])
            with self.count_lock:
                done[0] += 1
                tick(done[0])
            return result

        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="axes-fill") as pool:
            return list(pool.map(one, wanted))

    def _repo(self, repo: str, sha: str | None, names: Iterable[str]) -> dict[str, Any]:
        result: dict[str, Any] = {"id": repo, "sha": sha, "error": None}
        column_of = {file: column for column, file in FILE_OF.items()}
        errors = []
        for name in names:
            text, error = self._file(repo, sha or "main", name)
            if text is not None and name == "tokenizer_config.json":
                # Only its chat template is read: the rest (a token table) can run to megabytes.
                try:
                    named, _ = repo_files.templates_from_tokenizer_config(text, name)
                    result["chat_template"] = named.get("default") or next(iter(named.values()), None)
                except AxesError as err:
                    error = err.message
            elif text is not None:
                result[column_of[name]] = text
            if error:
                errors.append(f"{name}: {error}")
        result["error"] = "; ".join(errors) or None
        return result

    def _file(self, repo: str, revision: str, name: str) -> tuple[str | None, str | None]:
        """(text, None), (None, None) for a file the Hub no longer has, or (None, why it failed)."""
        from huggingface_hub import hf_hub_url
        from huggingface_hub.utils import build_hf_headers, get_session, parse_ratelimit_headers

        url = hf_hub_url(repo, name, revision=revision, endpoint=self.endpoint)
        headers = build_hf_headers(token=self.token, library_name="axes", library_version=__version__)
        why = "no answer"
        for _ in range(RETRIES + 1):
            self.pace.take()
            with self.count_lock:
                self.requests += 1
            try:
                with get_session().stream("GET", url, headers=headers, follow_redirects=True,
                                          timeout=TIMEOUT) as response:
                    limit = parse_ratelimit_headers(response.headers)
                    if limit is not None and limit.remaining == 0:
                        self.pace.pause(limit.reset_in_seconds)
                    if response.status_code == 429 or response.status_code >= 500:
                        self.pace.pause(_retry_after(response.headers, limit))
                        why = f"HTTP {response.status_code}"
                        continue
                    if response.status_code == 404:
                        return None, None
                    if response.status_code != 200:
                        return None, f"HTTP {response.status_code}"
                    data = _read_capped(response.iter_bytes(), CAPS[name])
            except Exception as err:  # noqa: BLE001 - a network fault is this file's error, not the run's
                why = type(err).__name__
                continue
            if data is None:
                return None, f"over the {CAPS[name] // 2**20} MB cap"
            return data.decode("utf-8", errors="replace"), None
        return None, why


def _retry_after(headers: Any, limit: Any) -> float:
    value = str(headers.get("retry-after", "")).strip()
    if value.isdigit():
        return float(value)
    if limit is not None:
        return float(limit.reset_in_seconds)
    return 1.0


def _read_capped(chunks: Iterable[bytes], cap: int) -> bytes | None:
    """The body, or None when it runs past `cap` (read no further than that)."""
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > cap:
            return None
    return bytes(data)
