"""The Hugging Face Hub source: model_info and a few small files, fetched into the normal HF cache.

Only this module imports huggingface_hub (~250 ms), and only after a TCP probe found the Hub reachable.
Files are read as data: nothing is executed, no remote code is trusted, transformers is never imported.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec.structs import replace

from .. import __version__
from ..errors import AxesError, GatedRepo, HubUnreachable, NotOnHub, TooLarge
from ..types import HubInfo, Snapshot, WeightHeaders
from . import files, probe, weightcache
from .hfcache import WANTED, hub_cache_dir, record_ref

if TYPE_CHECKING:
    from huggingface_hub.hf_api import ModelInfo

# Network bounds, module-level so tests can shrink them: no request starts after BUDGET, none waits
# longer than TIMEOUT for a byte, so a fetch that fails costs about PROBE_TIMEOUT + BUDGET at worst.
PROBE_TIMEOUT = 1.5  # seconds for the TCP probe that runs before any client call
TIMEOUT = 5.0  # seconds per request, for connecting and for each read, unless the environment says otherwise
BUDGET = 10.0  # seconds for all the requests of one fetch (more when the environment allows slower requests)
# huggingface_hub's own settings, honoured as it does: metadata requests (model_info, a file's HEAD) wait
# HF_HUB_ETAG_TIMEOUT, file downloads HF_HUB_DOWNLOAD_TIMEOUT. Unset, axes keeps its shorter TIMEOUT: it reads
# a few small files, and a Hub that does not answer in 5 s leaves the cache or the catalog to answer.
ETAG_TIMEOUT_ENV = "HF_HUB_ETAG_TIMEOUT"
DOWNLOAD_TIMEOUT_ENV = "HF_HUB_DOWNLOAD_TIMEOUT"
RETRY_PAUSE = 0.5  # seconds before the single retry of a 5xx answer
PARALLEL = 8  # files downloaded at once

README_NAMES = frozenset(files.FILE_NAMES["README.md"])
GGUF_NOTICE = (
    "GGUF-only repo: the .gguf header could not be read, so the backbone facts (layers, heads, parameters) "
    "are unavailable; the card and the Hub metadata are still read"
)



def fetch(target: str, repo_id: str, revision: str | None, *, token: str | None = None,
          cache_dir: Path | None = None) -> Snapshot:
    """Ask the Hub for the repo's metadata and readable files; they land in the HF cache for offline runs.

    `token` None lets huggingface_hub find one (HF_TOKEN, then the stored login); `cache_dir` None is the
    usual HF cache (HF_HUB_CACHE, HF_HOME).
    """
    url = endpoint()
    at = f"{repo_id}@{revision}" if revision else repo_id
    reason = probe.probe(url, PROBE_TIMEOUT)  # before importing huggingface_hub: no network, no import
    if reason is not None:
        raise HubUnreachable(f"Hub unreachable for {at}: {reason}")
    # A one-shot read of a model's files: no telemetry side requests to the Hub.
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    from . import net

    metadata, download = timeouts()
    budget = BUDGET * max(1.0, max(metadata, download) / TIMEOUT)  # slower requests allowed: as many fit
    try:
        with net.bounded(timeout=metadata, download_timeout=download, budget=budget, retry_pause=RETRY_PAUSE):
            info = _model_info(url, repo_id, revision, token)
            hub = _hub_info(info)
            present, missing, refused = _download(url, repo_id, hub.sha or revision, hub.files, token, cache_dir)
            weights = weightcache.load(repo_id, hub.sha)
            if weights is None:
                weights = _weight_headers(url, repo_id, hub.sha or revision, hub.files, token)
                if weights is not None and not any(TRANSIENT_NOTE in n for n in weights.notes):
                    weightcache.save(repo_id, hub.sha, weights)
    except HubUnreachable as err:
        raise HubUnreachable(f"Hub unreachable for {at}: {err.message}") from None
    except Exception as err:
        mapped = _translate(err, repo_id, revision, url)
        if mapped is None:
            raise
        raise mapped from err
    record_ref(repo_id, revision, hub.sha, cache_dir)
    notices = _notices(hub, present, missing, weights) + refused + _junk(info, hub)
    return files.from_files(present, target, "hub", hub=hub, notices=notices, not_served=tuple(missing),
                            weights=weights, listing=hub.files)


def timeouts() -> tuple[float, float]:
    """Seconds per request (metadata, file download): HF_HUB_ETAG_TIMEOUT and HF_HUB_DOWNLOAD_TIMEOUT as they
    are now (huggingface_hub read them at import), else TIMEOUT."""
    return _seconds(ETAG_TIMEOUT_ENV), _seconds(DOWNLOAD_TIMEOUT_ENV)


def _seconds(name: str) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw)
    except ValueError:
        return TIMEOUT  # unset or not a number: huggingface_hub ignores it too
    return value if 0 < value < float("inf") else TIMEOUT


def endpoint() -> str:
    """The Hub's address: HF_ENDPOINT as it is now (huggingface_hub froze it at import), else the
    library's own value when it is loaded, else the public Hub."""
    loaded = sys.modules.get("huggingface_hub.constants")
    default = loaded.ENDPOINT if loaded is not None else "https://huggingface.co"
    return os.environ.get("HF_ENDPOINT", "").strip().rstrip("/") or default


def _model_info(url: str, repo_id: str, revision: str | None, token: str | None) -> ModelInfo:
    from huggingface_hub import HfApi

    api = HfApi(endpoint=url, token=token, library_name="axes", library_version=__version__)
    return api.model_info(repo_id, revision=revision, files_metadata=False)


def _hub_info(info: ModelInfo) -> HubInfo:
    """The metadata the rules and facts read, each value of the type it should have (anything else: None)."""
    card = info.card_data
    total = info.safetensors.total if info.safetensors else None
    return HubInfo(
        safetensors_total=total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None,
        gated=info.gated if isinstance(info.gated, (bool, str)) else None,
        pipeline_tag=info.pipeline_tag if isinstance(info.pipeline_tag, str) else None,
        tags=tuple(t for t in info.tags or () if isinstance(t, str)),
        base_models=_ids(card.get("base_model") if card is not None else None),
        sha=info.sha if isinstance(info.sha, str) else None,
        files=tuple(s.rfilename for s in info.siblings or () if isinstance(s.rfilename, str)),
    )


def _junk(info: ModelInfo, hub: HubInfo) -> tuple[str, ...]:
    """A note for Hub metadata that was not what it should be (and so was left out)."""
    total = info.safetensors.total if info.safetensors else None
    if total is not None and hub.safetensors_total is None:
        return (f"Hub metadata: safetensors total {str(total)[:40]!r} is not a parameter count; left out",)
    return ()


def _ids(value: object) -> tuple[str, ...]:
    """A card's base_model: one repo id or a list of them; anything else names nothing."""
    items = value if isinstance(value, list) else [value]
    return tuple(v.strip() for v in items if isinstance(v, str) and v.strip())


def _download(
    url: str, repo_id: str, revision: str | None, listed: tuple[str, ...], token: str | None,
    cache_dir: Path | None,
) -> tuple[dict[str, Path], list[str], tuple[str, ...]]:
    """The wanted files the repo lists, into the HF cache: (name -> path, names the Hub answered 404 for,
    notes on files over their size cap, which are not downloaded; a config.json over it fails the target).

    `revision` is the commit model_info resolved (the Hub always names one): every file comes from that one
    version, and hf_hub_download answers a file it already holds for a commit without any request.
    """
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import RemoteEntryNotFoundError
    from huggingface_hub.utils import silent_tqdm

    from . import net

    cache = hub_cache_dir(cache_dir)

    def one(name: str) -> Path | TooLarge | None:
        try:
            with net.byte_cap(files.download_cap(name)):  # checked on the HEAD answer, then while streaming
                path = hf_hub_download(
                    repo_id,
                    name,
                    revision=revision,
                    endpoint=url,
                    token=token,
                    cache_dir=cache,
                    library_name="axes",
                    library_version=__version__,
                    tqdm_class=silent_tqdm,  # a CLI answer, not a download: no progress bars
                )
        except RemoteEntryNotFoundError:
            return None  # listed, then gone: noted, not fatal
        except TooLarge as err:
            if name == "config.json":
                raise TooLarge(err.size, err.cap, where=name) from None
            return err
        return Path(path)

    names = [name for name in WANTED if name in listed]
    # Each task runs in a copy of this context, so the network bounds set by hubnet.bounded() follow it.
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = [(name, pool.submit(copy_context().run, one, name)) for name in names]
    found = {name: future.result() for name, future in futures}
    refused = tuple(f"{n}: {e.message}; not downloaded, the other files still read" for n, e in found.items()
                    if isinstance(e, TooLarge))
    return ({n: p for n, p in found.items() if isinstance(p, Path)}, [n for n, p in found.items() if p is None],
            refused)


SHARDS_CAP = 64  # safetensors shards whose headers are asked for, one range request each
GGUF_CHUNK = 4 * 1024 * 1024  # bytes per range request while walking a GGUF header
GGUF_REMOTE_CAP = 64 * 1024 * 1024  # a GGUF header is read over the network up to this many bytes


def _weight_headers(url: str, repo_id: str, revision: str | None, listed: tuple[str, ...],
                    token: str | None) -> WeightHeaders | None:
    """The weight files' headers by HTTP range requests (never the tensors): every safetensors shard's, or
    one GGUF file's when the repo holds only GGUF. A failure is a note; the rest of the fetch stands."""
    shards = sorted(n for n in listed if n.endswith(".safetensors") and "/" not in n)
    ggufs = sorted(n for n in listed if n.lower().endswith(".gguf") and "/" not in n)
    if shards:
        if len(shards) > SHARDS_CAP:
            return WeightHeaders(notes=(f"{len(shards)} safetensors shards: headers not read (over {SHARDS_CAP})",))
        return _safetensors_remote(url, repo_id, revision, shards, token)
    if ggufs and "config.json" not in listed:
        return _gguf_remote(url, repo_id, revision, _preferred_gguf(ggufs), token)
    return None


def _safetensors_remote(url: str, repo_id: str, revision: str | None, shards: list[str],
                        token: str | None) -> WeightHeaders:
    """huggingface_hub's header parser per shard (what get_safetensors_metadata runs for each one, without
    its existence checks: the repo listing already named the shards)."""
    from huggingface_hub import HfApi

    api = HfApi(endpoint=url, token=token, library_name="axes", library_version=__version__)

    def one(name: str) -> tuple[str, str] | str:
        try:
            meta = api.parse_safetensors_file_metadata(repo_id, name, revision=revision, timeout=TIMEOUT)
        except Exception as err:  # a shard that cannot be read is a note, whatever the reason
            return f"{name}: header not read ({_reason(err)})"
        header = {t: {"dtype": i.dtype, "shape": list(i.shape), "data_offsets": list(i.data_offsets)}
                  for t, i in meta.tensors.items()}
        return name, json.dumps(header)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(lambda n: copy_context().run(one, n), shards))
    read = tuple(r for r in results if isinstance(r, tuple))
    notes = tuple(r for r in results if isinstance(r, str))
    if notes and read:  # a count over some shards only would be a wrong number
        notes += ("some safetensors headers could not be read: no count from the others",)
        read = ()
    return WeightHeaders(safetensors=read, notes=notes)


def _preferred_gguf(names: list[str]) -> str:
    """One GGUF file stands for the repo: the first part of a split, a common 4-bit one if there is one."""
    firsts = [n for n in names if "-of-" not in n or "-00001-of-" in n]
    return next((n for n in firsts if "q4_k_m" in n.lower()), (firsts or names)[0])


def _gguf_remote(url: str, repo_id: str, revision: str | None, name: str, token: str | None) -> WeightHeaders:
    from huggingface_hub import get_session, hf_hub_url
    from huggingface_hub.utils import build_hf_headers, hf_raise_for_status

    from . import weightheaders

    address = hf_hub_url(repo_id, name, revision=revision, endpoint=url)
    headers = build_hf_headers(token=token, library_name="axes", library_version=__version__)

    def fetch_range(start: int, end: int) -> tuple[bytes, int]:
        response = get_session().get(address, headers={**headers, "range": f"bytes={start}-{end}"},
                                     timeout=TIMEOUT, follow_redirects=True)
        hf_raise_for_status(response)
        total = response.headers.get("content-range", "").rpartition("/")[2]
        return response.content, int(total) if total.isdigit() else 0

    reader = _RangeReader(fetch_range, GGUF_CHUNK)
    try:
        header = weightheaders.gguf_from(reader, name, 0, GGUF_REMOTE_CAP, chunk=GGUF_CHUNK)
    except weightheaders.HeaderError as err:
        return WeightHeaders(notes=(f"{name}: GGUF header not read: {err}",))
    except Exception as err:
        return WeightHeaders(notes=(f"{name}: GGUF header not read ({_reason(err)})",))
    return WeightHeaders(gguf=(replace(header, size=reader.size),))


class _RangeReader:
    """A forward-only binary handle over HTTP range requests: read(n) and seek(n, 1), a chunk at a time."""

    def __init__(self, fetch_range: Callable[[int, int], tuple[bytes, int]], chunk: int):
        self.fetch_range = fetch_range
        self.chunk = chunk
        self.buffer = b""
        self.start = 0  # file offset of buffer[0]
        self.pos = 0
        self.size = 0

    def read(self, n: int) -> bytes:
        out = bytearray()
        while n > 0:
            offset = self.pos - self.start
            if offset >= len(self.buffer):
                data, total = self.fetch_range(self.pos, self.pos + max(self.chunk, n) - 1)
                self.size = total or self.size
                if not data:
                    break
                self.buffer, self.start, offset = data, self.pos, 0
            piece = self.buffer[offset: offset + n]
            out += piece
            self.pos += len(piece)
            n -= len(piece)
        return bytes(out)

    def seek(self, n: int, whence: int = 1) -> int:
        self.pos += n  # only relative moves forward: skipped arrays are not fetched unless they end a chunk
        return self.pos


TRANSIENT_NOTE = "try again"  # in a note whose cause may pass (network, 5xx): such headers are not cached


def _reason(err: Exception) -> str:
    status = getattr(getattr(err, "response", None), "status_code", None)
    if isinstance(status, int) and 400 <= status < 500:
        return f"HTTP {status}"  # the Hub's answer for this commit: it will not change
    return f"{f'HTTP {status}' if status else getattr(err, 'message', None) or type(err).__name__}; {TRANSIENT_NOTE}"


def _notices(hub: HubInfo, present: dict[str, Path], missing: list[str],
             weights: WeightHeaders | None = None) -> tuple[str, ...]:
    notices = [f"{name}: not in the repo (listed, but the Hub answered 404)" for name in missing]
    if "config.json" not in present and "config.json" not in missing:
        gguf = any(name.lower().endswith(".gguf") for name in hub.files)
        if gguf and weights and weights.gguf:
            notices.append(f"GGUF-only repo: backbone facts read from the header of {weights.gguf[0].file} "
                           "(by range requests; the weights are not downloaded)")
        else:
            notices.append(GGUF_NOTICE if gguf else "config.json: not in the repo, so no backbone facts")
    if not README_NAMES & (present.keys() | set(missing)):
        notices.append("README.md: not in the repo")
    return tuple(notices)


def _translate(err: Exception, repo_id: str, revision: str | None, url: str) -> AxesError | None:
    """The one-line axes error for a huggingface_hub or httpx2 failure: first match wins, subclasses first.

    A file's 404 (RemoteEntryNotFoundError) never gets here: _download notes it and goes on.
    """
    import httpx2
    from huggingface_hub import errors as hf

    at = f"{repo_id}@{revision}" if revision else repo_id
    access = f"set HF_TOKEN to a token with access, or request access at {url}/{repo_id}"
    table: tuple[tuple[type[BaseException], Callable[[Any], AxesError]], ...] = (
        (hf.GatedRepoError, lambda e: GatedRepo(f"{repo_id} is gated: {access}")),
        (hf.RepositoryNotFoundError, lambda e: NotOnHub(_not_found(repo_id, e.response.status_code))),
        (hf.RevisionNotFoundError, lambda e: NotOnHub(f"{repo_id} has no revision {revision!r} on the Hub")),
        (hf.DisabledRepoError, lambda e: NotOnHub(f"{repo_id} is disabled on the Hub")),
        (hf.HfHubHTTPError, lambda e: _by_status(e.response.status_code, repo_id, access)),
        (hf.OfflineModeIsEnabled, lambda e: HubUnreachable(f"HF_HUB_OFFLINE is set: Hub not asked for {at}")),
        (hf.LocalEntryNotFoundError, lambda e: HubUnreachable(f"Hub unreachable for {at}: files not served")),
        (httpx2.RequestError, lambda e: HubUnreachable(f"Hub unreachable for {at}: {type(e).__name__}")),
        # A captive portal or a proxy's error page answers 200 with HTML.
        (json.JSONDecodeError, lambda e: HubUnreachable(f"{url} did not answer with Hub JSON for {at}")),
        (hf.HFValidationError, lambda e: NotOnHub(f"{repo_id!r} is not a valid Hub repo id")),
    )
    return next((make(err) for kind, make in table if isinstance(err, kind)), None)


def _not_found(repo_id: str, status: int) -> str:
    # Without a token the Hub answers 401 both for a missing repo and for a private one.
    if status == 401:
        return f"{repo_id} is not on the Hub, or is private (then set HF_TOKEN to a token with access)"
    return f"{repo_id} is not on the Hub"


def _by_status(status: int, repo_id: str, access: str) -> AxesError:
    if status in (401, 403):
        return GatedRepo(f"the Hub refused {repo_id} (HTTP {status}): {access}")
    return AxesError(f"the Hub answered HTTP {status} for {repo_id}")
