"""The local Hugging Face cache, read by its layout without importing huggingface_hub (an offline run starts
fast):
    <cache>/models--<org>--<name>/refs/<revision>       the commit a branch or tag last resolved to
    <cache>/models--<org>--<name>/snapshots/<commit>/   that commit's files (symlinks into blobs/)
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import AxesError
from ..storage import write_atomic
from ..types import Snapshot
from . import files, weightcache

COMMIT = re.compile(r"^[0-9a-f]{40}$")
# The repo files a Snapshot reads: files.REPO_FILES plus the other spellings files.FILE_NAMES accepts.
WANTED = tuple(dict.fromkeys((*files.REPO_FILES, *(n for ns in files.FILE_NAMES.values() for n in ns))))
WEIGHT_SUFFIXES = (".safetensors", ".gguf", ".safetensors.index.json")
ESSENTIAL = {"config.json": frozenset({"config.json"}), "README.md": frozenset(files.FILE_NAMES["README.md"])}


def hub_cache_dir() -> Path:
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


def record_ref(repo_id: str, revision: str | None, commit: str | None) -> None:
    """Point refs/<revision> at the commit just fetched, as hf_hub_download does for a named revision.

    Files are fetched by commit, so the library never writes this ref itself; an offline run finds them by it.
    Written after every file arrived, so a ref never names a half-fetched commit.
    """
    name = revision or "main"
    if commit is None or name == commit or not _safe_revision(name):
        return
    ref = hub_cache_dir() / _repo_folder(repo_id) / "refs" / name
    try:
        if ref.is_file() and ref.read_text() == commit:
            return
        ref.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(ref, commit)  # readers never see half a ref
    except (OSError, AxesError):
        pass  # a read-only cache still served the files; only a later offline run loses its way in


def from_cache(
    target: str, repo_id: str, revision: str | None, notices: tuple[str, ...] = ()
) -> Snapshot | None:
    """The repo's files from the local HF cache at `revision` (default main), or None if it holds none."""
    repo_dir = hub_cache_dir() / _repo_folder(repo_id)
    commit = _cached_commit(repo_dir, revision or "main")
    if commit is None:
        return None
    folder = repo_dir / "snapshots" / commit
    present = {name: folder / name for name in WANTED if (folder / name).is_file()}
    if not present:
        return None
    # Weights another tool downloaded are read by their headers; else the headers an online run kept.
    present |= {p.name: p for p in folder.iterdir() if p.name.endswith(WEIGHT_SUFFIXES) and p.is_file()}
    weights = None if any(n.endswith(WEIGHT_SUFFIXES) for n in present) else weightcache.load(repo_id, commit)
    notices = (*notices, f"answered from the local HF cache (commit {commit[:7]})")
    # The cache holds what was once downloaded, perhaps by another tool: say what this copy lacks.
    lacking = [name for name, names in ESSENTIAL.items() if not names & present.keys()]
    if lacking:
        notices = (*notices, f"not in the cached copy: {', '.join(lacking)}")
    return files.from_files(present, target, "cache", notices=notices, weights=weights)


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
    root = cache or hub_cache_dir()
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
