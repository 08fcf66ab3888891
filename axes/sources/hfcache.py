"""The local Hugging Face cache. One repo is read by its layout without importing huggingface_hub (an offline
run starts fast):
    <cache>/models--<org>--<name>/refs/<revision>       the commit a branch or tag last resolved to
    <cache>/models--<org>--<name>/snapshots/<commit>/   that commit's files (symlinks into blobs/)
A revision is a ref (branch or tag), a commit or a commit's prefix; with none, main, else the newest snapshot
(a repo fetched only at a tag or a commit has no main). The whole cache is listed by huggingface_hub's own
scanner (`scan_cache`, for `axes batch --hf-cache`), which has to be imported there anyway.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import regexes
from ..errors import AxesError
from ..storage import write_atomic
from ..types import Snapshot
from . import files, weightcache

COMMIT = regexes.compile(r"^[0-9a-f]{40}$")
SHORT_COMMIT = regexes.compile(r"^[0-9a-f]{7,39}$")  # a commit's prefix, as `git log --oneline` prints it
# The repo files a Snapshot reads: files.REPO_FILES plus the other spellings files.FILE_NAMES accepts.
WANTED = tuple(dict.fromkeys((*files.REPO_FILES, *(n for ns in files.FILE_NAMES.values() for n in ns))))
WEIGHT_SUFFIXES = (".safetensors", ".gguf", ".safetensors.index.json")
ESSENTIAL = {"config.json": frozenset({"config.json"}), "README.md": frozenset(files.FILE_NAMES["README.md"])}


def hub_cache_dir(cache_dir: Path | None = None) -> Path:
    """The HF hub cache: `cache_dir` (--cache-dir), else found as huggingface_hub finds it, from the
    environment of now (the library reads it once, at import)."""
    if cache_dir is not None:
        return cache_dir.expanduser()
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


def record_ref(repo_id: str, revision: str | None, commit: str | None, cache_dir: Path | None = None) -> None:
    """Point refs/<revision> at the commit just fetched, as hf_hub_download does for a named revision.

    Files are fetched by commit, so the library never writes this ref itself; an offline run finds them by it.
    Written after every file arrived, so a ref never names a half-fetched commit.
    """
    name = revision or "main"
    if commit is None or name == commit or not _safe_revision(name):
        return
    ref = hub_cache_dir(cache_dir) / _repo_folder(repo_id) / "refs" / name
    try:
        if ref.is_file() and ref.read_text() == commit:
            return
        ref.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(ref, commit)  # readers never see half a ref
    except (OSError, AxesError):
        pass  # a read-only cache still served the files; only a later offline run loses its way in


def from_cache(
    target: str, repo_id: str, revision: str | None, notices: tuple[str, ...] = (), *, cache_dir: Path | None = None
) -> Snapshot | None:
    """The repo's files from the local HF cache at `revision` (default main), or None if it holds none."""
    repo_dir = hub_cache_dir(cache_dir) / _repo_folder(repo_id)
    found = _cached_commit(repo_dir, revision)
    if found is None:
        return None
    commit, how = found
    folder = repo_dir / "snapshots" / commit
    present = {name: folder / name for name in WANTED if (folder / name).is_file()}
    if not present:
        return None
    # Weights another tool downloaded are read by their headers; else the headers an online run kept.
    present |= {p.name: p for p in folder.iterdir() if p.name.endswith(WEIGHT_SUFFIXES) and p.is_file()}
    weights = None if any(n.endswith(WEIGHT_SUFFIXES) for n in present) else weightcache.load(repo_id, commit)
    notices = (*notices, f"answered from the local HF cache (commit {commit[:7]}{how})")
    # The cache holds what was once downloaded, perhaps by another tool: say what this copy lacks.
    lacking = [name for name, names in ESSENTIAL.items() if not names & present.keys()]
    if lacking:
        notices = (*notices, f"not in the cached copy: {', '.join(lacking)}")
    return files.from_files(present, target, "cache", notices=notices, weights=weights)


def _cached_commit(repo_dir: Path, revision: str | None) -> tuple[str, str] | None:
    """The snapshot a revision names: (commit, how it was found, for the notice), or None."""
    if revision is not None and not _safe_revision(revision):
        return None
    snapshots = repo_dir / "snapshots"
    ref = repo_dir / "refs" / (revision or "main")
    try:
        commit = ref.read_text().strip() if ref.is_file() else revision
        commits = [p for p in snapshots.iterdir() if p.is_dir() and COMMIT.match(p.name)] if snapshots.is_dir() else []
    except OSError:
        return None
    if commit is not None and COMMIT.match(commit):
        return (commit, "") if (snapshots / commit).is_dir() else None
    if revision is None:
        # No main: fetched only at a tag or a commit. The newest snapshot is what the user last fetched.
        newest = max(commits, key=_mtime, default=None)
        return (newest.name, ", the newest snapshot: the cache holds no main") if newest else None
    prefix = revision.lower()
    matches = [p.name for p in commits if p.name.startswith(prefix)] if SHORT_COMMIT.match(prefix) else []
    return (matches[0], "") if len(matches) == 1 else None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def scan_cache(cache: Path | None = None) -> list[str]:
    """One target per model repo the HF cache holds, sorted: `org/name` when main is cached, else
    `org/name@<tag>` or `org/name@<commit>` for its newest snapshot (for `axes batch --hf-cache`)."""
    from huggingface_hub import CacheNotFound, scan_cache_dir

    try:
        info = scan_cache_dir(hub_cache_dir(cache))
    except (CacheNotFound, OSError):
        return []
    targets = []
    for repo in info.repos:
        if repo.repo_type != "model" or not repo.revisions:
            continue
        if "main" in repo.refs:
            targets.append(repo.repo_id)
            continue
        newest = max(repo.revisions, key=lambda r: (r.last_modified, r.commit_hash))
        targets.append(f"{repo.repo_id}@{min(newest.refs) if newest.refs else newest.commit_hash}")
    return sorted(targets, key=str.lower)


def cached_repo_ids(cache_dir: Path | None = None) -> tuple[str, ...]:
    """The model repo ids the HF cache has a folder for, from the folder names alone (huggingface_hub is not
    imported): what a name nothing knows is compared with for a did-you-mean."""
    root = hub_cache_dir(cache_dir)
    try:
        names = [p.name for p in root.iterdir() if p.name.startswith("models--")] if root.is_dir() else []
    except OSError:
        return ()
    return tuple(n.removeprefix("models--").replace("--", "/", 1) for n in sorted(names))
