"""Target -> Snapshot: a local folder or card file, the Hub, the local HF cache, or the bundled catalog.

A repo id is tried on the Hub (unless offline), then in the HF cache, then in the catalog; a Hub that
cannot be reached costs a quick probe and a notice on the way down, never a long stall.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from ..errors import AxesError, GatedRepo, HubUnreachable, NotOnHub, TargetNotFound
from ..types import InspectOptions, Snapshot
from . import catalog, files, hfcache

# org/name with an optional @revision; a bare name ("gpt2") is an old-style Hub id or a catalog name.
REPO_ID = re.compile(r"^(?:[A-Za-z0-9][\w.\-]{0,95}/)?[A-Za-z0-9][\w.\-]{0,95}(?:@[\w.\-/]{1,200})?$")


def is_offline(offline: bool) -> bool:
    return offline or os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def resolve(target: str, options: InspectOptions = InspectOptions()) -> Snapshot:
    """The files of one target, from the first source that has them."""
    target = target.strip()
    if not target:
        raise AxesError("empty target: give a repo id (org/name), a folder or a card file")
    path = Path(target).expanduser()
    try:
        if _looks_like_path(target) or path.exists():
            return _local(path, target)
    except OSError as err:  # a name the system refuses: a part over 255 bytes, a NUL
        raise AxesError(f"cannot read: {err.strerror or err}", where=target) from None
    if not REPO_ID.match(target) or ".." in target:
        raise AxesError("not a repo id (org/name[@revision]), and no such file or folder", where=target)
    repo_id, _, revision = target.partition("@")
    return _repo(target, repo_id, revision or None, offline=is_offline(options.offline), token=options.token,
                 cards=options.cards)


def _looks_like_path(target: str) -> bool:
    # A revision may hold slashes (`org/m@refs/pr/1`): only the part before it says whether this is a path.
    name = target.split("@", 1)[0] if REPO_ID.match(target) else target
    return target.startswith((".", "/", "~")) or os.sep in name.rstrip("/").split("/", 1)[-1] or name.endswith(
        ("/", ".json", *files.CARD_FILE_SUFFIXES)
    )


def _local(path: Path, target: str) -> Snapshot:
    if not path.exists():
        raise TargetNotFound("no such file or folder", where=target)
    if path.is_dir():
        snap = files.from_directory(path, target, "local")
        if "config.json" not in snap.files and "README.md" not in snap.files:
            raise AxesError("folder holds neither config.json nor README.md", where=target)
        return snap
    if path.suffix.lower() == ".json":  # a lone config.json, whatever its name
        return files.from_files({"config.json": path}, target, "local")
    if path.suffix.lower() in files.CARD_FILE_SUFFIXES:
        return files.from_card_file(path, target)
    raise AxesError("not a model folder, config.json or card file (.md, .txt, .yaml)", where=target)


def _repo(target: str, repo_id: str, revision: str | None, *, offline: bool, token: str | None,
          cards: tuple[Path, ...]) -> Snapshot:
    notices: list[str] = []
    entry = catalog.find(repo_id, cards)
    # A text-only catalog card (a closed model) has no Hub repo to ask.
    if not offline and not (entry and entry.path.is_file() or entry and _text_only(entry.path)):
        from . import hub  # huggingface_hub costs ~250 ms to import: only when a repo id needs it

        try:
            return hub.fetch(target, repo_id, revision, token=token)
        except HubUnreachable as err:
            notices.append(err.message)
        except GatedRepo as err:
            # Downloaded earlier with a token: the cached copy still answers, with the refusal noted.
            cached = hfcache.from_cache(target, repo_id, revision, (err.message,))
            if cached is None:
                raise
            return cached
        except NotOnHub as err:
            if entry is None:
                raise
            notices.append(err.message)
    if "/" in repo_id:
        cached = hfcache.from_cache(target, repo_id, revision, tuple(notices))
        if cached is not None:
            return cached
    if entry is not None:
        if revision:
            notices.append(f"revision {revision!r} ignored: the catalog holds one version")
        return from_entry(entry, target, tuple(notices))
    reason = "offline, and not in the local HF cache or the catalog" if offline else (
        "not in the local HF cache or the catalog")
    raise TargetNotFound(f"{notices[0]}; {reason}" if notices else reason, where=target)


def _text_only(folder: Path) -> bool:
    return not (folder / "config.json").exists()


def from_entry(entry: catalog.Entry, target: str, notices: tuple[str, ...]) -> Snapshot:
    if entry.path.is_file():
        snap = files.from_card_file(entry.path, target)
        return replace(snap, source="catalog", notices=notices + snap.notices)
    return files.from_directory(entry.path, target, "catalog", notices=notices)
