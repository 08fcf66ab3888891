"""The Hugging Face Hub source: model_info and a few small files, fetched into the normal HF cache, and that
cache read back directly when the Hub cannot be asked.

Only fetch() imports huggingface_hub (~250 ms); from_cache() and scan_cache() read the cache layout by hand
so an offline run starts fast:
    <cache>/models--<org>--<name>/refs/<revision>       the commit a branch or tag last resolved to
    <cache>/models--<org>--<name>/snapshots/<commit>/   that commit's files (symlinks into blobs/)
Files are read as data: nothing is executed, no remote code is trusted, transformers is never imported.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, netprobe, snapshot
from .errors import AxesError, TargetNotFound
from .models import HubInfo, Snapshot

if TYPE_CHECKING:
    from huggingface_hub.hf_api import ModelInfo

# Network bounds, module-level so tests can shrink them: no request starts after BUDGET, none waits
# longer than TIMEOUT for a byte, so a fetch that fails costs about PROBE_TIMEOUT + BUDGET at worst.
PROBE_TIMEOUT = 1.5  # seconds for the TCP probe that runs before any client call
TIMEOUT = 5.0  # seconds per request, for connecting and for each read
BUDGET = 10.0  # seconds for all the requests of one fetch
RETRY_PAUSE = 0.5  # seconds before the single retry of a 5xx answer
PARALLEL = 8  # files downloaded at once

COMMIT = re.compile(r"^[0-9a-f]{40}$")
# The repo files a Snapshot reads: snapshot.REPO_FILES plus the other spellings snapshot.FILE_NAMES accepts.
WANTED = tuple(dict.fromkeys((*snapshot.REPO_FILES, *(n for ns in snapshot.FILE_NAMES.values() for n in ns))))
README_NAMES = frozenset(snapshot.FILE_NAMES["README.md"])
ESSENTIAL = {"config.json": frozenset({"config.json"}), "README.md": README_NAMES}
GGUF_NOTICE = (
    "GGUF-only repo: the .gguf weights are not read, so the backbone facts (layers, heads, parameters) "
    "are unavailable; the card and the Hub metadata are still read"
)


class HubUnreachable(AxesError):
    """Network down, a timeout, or the Hub still busy after one retry: the caller falls back to the cache."""


class NotOnHub(TargetNotFound):
    """A definitive answer: no such repo, or no such revision of it."""


class GatedRepo(AxesError):
    """The repo exists but its files need a token with access (gated or private)."""


def fetch(target: str, repo_id: str, revision: str | None, *, token: str | None = None) -> Snapshot:
    """Ask the Hub for the repo's metadata and readable files; they land in the HF cache for offline runs.

    `token` None lets huggingface_hub find one (HF_TOKEN, then the stored login).
    """
    url = endpoint()
    at = f"{repo_id}@{revision}" if revision else repo_id
    reason = netprobe.probe(url, PROBE_TIMEOUT)  # before importing huggingface_hub: no network, no import
    if reason is not None:
        raise HubUnreachable(f"Hub unreachable for {at}: {reason}")
    # A one-shot read of a model's files: no telemetry side requests to the Hub.
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    from . import hubnet

    try:
        with hubnet.bounded(timeout=TIMEOUT, budget=BUDGET, retry_pause=RETRY_PAUSE):
            hub = _hub_info(_model_info(url, repo_id, revision, token))
            present, missing = _download(url, repo_id, hub.sha or revision, hub.files, token)
    except HubUnreachable as err:
        raise HubUnreachable(f"Hub unreachable for {at}: {err.message}") from None
    except Exception as err:
        mapped = _translate(err, repo_id, revision, url)
        if mapped is None:
            raise
        raise mapped from err
    _record_ref(repo_id, revision, hub.sha)
    return snapshot.from_files(present, target, "hub", hub=hub, notices=_notices(hub, present, missing))


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
    card = info.card_data
    return HubInfo(
        safetensors_total=info.safetensors.total if info.safetensors else None,
        gated=info.gated,
        pipeline_tag=info.pipeline_tag,
        tags=tuple(t for t in info.tags or () if isinstance(t, str)),
        base_models=_ids(card.get("base_model") if card is not None else None),
        sha=info.sha,
        files=tuple(s.rfilename for s in info.siblings or ()),
    )


def _ids(value: object) -> tuple[str, ...]:
    """A card's base_model: one repo id or a list of them; anything else names nothing."""
    items = value if isinstance(value, list) else [value]
    return tuple(v.strip() for v in items if isinstance(v, str) and v.strip())


def _download(
    url: str, repo_id: str, revision: str | None, listed: tuple[str, ...], token: str | None
) -> tuple[dict[str, Path], list[str]]:
    """The wanted files the repo lists, into the HF cache: (name -> path, names the Hub answered 404 for).

    `revision` is the commit model_info resolved (the Hub always names one): every file comes from that one
    version, and hf_hub_download answers a file it already holds for a commit without any request.
    """
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import RemoteEntryNotFoundError
    from huggingface_hub.utils import silent_tqdm

    cache = cache_dir()

    def one(name: str) -> Path | None:
        try:
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
        return Path(path)

    names = [name for name in WANTED if name in listed]
    # Each task runs in a copy of this context, so the network bounds set by hubnet.bounded() follow it.
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = [(name, pool.submit(copy_context().run, one, name)) for name in names]
    found = {name: future.result() for name, future in futures}
    return {n: p for n, p in found.items() if p is not None}, [n for n, p in found.items() if p is None]


def _notices(hub: HubInfo, present: dict[str, Path], missing: list[str]) -> tuple[str, ...]:
    notices = [f"{name}: not in the repo (listed, but the Hub answered 404)" for name in missing]
    if "config.json" not in present and "config.json" not in missing:
        gguf = any(name.lower().endswith(".gguf") for name in hub.files)
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


def cache_dir() -> Path:
    """The HF hub cache, found as huggingface_hub finds it, from the environment of now (the library reads it
    once, at import)."""
    env = os.environ
    xdg_cache = env.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    home = env.get("HF_HOME") or os.path.join(xdg_cache, "huggingface")
    raw = env.get("HF_HUB_CACHE") or env.get("HUGGINGFACE_HUB_CACHE") or os.path.join(home, "hub")
    return Path(os.path.expandvars(os.path.expanduser(raw)))


def _repo_folder(repo_id: str) -> str:
    return "models--" + repo_id.replace("/", "--")


def _safe_revision(revision: str) -> bool:
    """A revision names a file under refs/: it must stay there."""
    return "\\" not in revision and not any(part in ("", ".", "..") for part in revision.split("/"))


def _record_ref(repo_id: str, revision: str | None, commit: str | None) -> None:
    """Point refs/<revision> at the commit just fetched, as hf_hub_download does for a named revision.

    Files are fetched by commit, so the library never writes this ref itself; an offline run finds them by it.
    Written after every file arrived, so a ref never names a half-fetched commit.
    """
    name = revision or "main"
    if commit is None or name == commit or not _safe_revision(name):
        return
    ref = cache_dir() / _repo_folder(repo_id) / "refs" / name
    try:
        if ref.is_file() and ref.read_text() == commit:
            return
        ref.parent.mkdir(parents=True, exist_ok=True)
        partial = ref.with_name(f"{ref.name}.{os.getpid()}.tmp")
        partial.write_text(commit)
        os.replace(partial, ref)  # readers never see half a ref
    except OSError:
        pass  # a read-only cache still served the files; only a later offline run loses its way in


def from_cache(
    target: str, repo_id: str, revision: str | None, notices: tuple[str, ...] = ()
) -> Snapshot | None:
    """The repo's files from the local HF cache at `revision` (default main), or None if it holds none."""
    repo_dir = cache_dir() / _repo_folder(repo_id)
    commit = _cached_commit(repo_dir, revision or "main")
    if commit is None:
        return None
    folder = repo_dir / "snapshots" / commit
    present = {name: folder / name for name in WANTED if (folder / name).is_file()}
    if not present:
        return None
    notices = (*notices, f"answered from the local HF cache (commit {commit[:7]})")
    # The cache holds what was once downloaded, perhaps by another tool: say what this copy lacks.
    lacking = [name for name, names in ESSENTIAL.items() if not names & present.keys()]
    if lacking:
        notices = (*notices, f"not in the cached copy: {', '.join(lacking)}")
    return snapshot.from_files(present, target, "cache", notices=notices)


def _cached_commit(repo_dir: Path, revision: str) -> str | None:
    if not _safe_revision(revision):
        return None
    ref = repo_dir / "refs" / revision
    try:
        commit = ref.read_text().strip() if ref.is_file() else revision
    except OSError:
        return None
    return commit if COMMIT.match(commit) and (repo_dir / "snapshots" / commit).is_dir() else None


def scan_cache(cache: Path | None = None) -> list[str]:
    """The model repo ids the HF cache holds a snapshot of, sorted (for `axes batch --hf-cache`)."""
    root = cache or cache_dir()
    if not root.is_dir():
        return []
    ids = [
        entry.name.removeprefix("models--").replace("--", "/")
        for entry in root.iterdir()
        if entry.name.startswith("models--") and _has_snapshot(entry / "snapshots")
    ]
    return sorted(ids, key=str.lower)


def _has_snapshot(snapshots: Path) -> bool:
    return snapshots.is_dir() and any(p.is_dir() for p in snapshots.iterdir())
