"""Target -> Snapshot: a local folder or card file, the Hub, the local HF cache, or the bundled catalog.

A repo is named as the Hugging Face tools name it: `org/name[@revision]`, `model/org/name` (`hf cache ls -q`),
`models/org/name`, `hf://org/name`, or a Hub link `https://huggingface.co/org/name[/tree/REV]`.

A repo id is tried on the Hub (unless offline), then in the HF cache, then in the catalog; a Hub that
cannot be reached costs a quick probe and a notice on the way down, never a long stall.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from msgspec import Struct
from msgspec.structs import replace

from .. import regexes
from ..errors import AxesError, GatedRepo, HubUnreachable, NotOnHub, TargetNotFound
from ..types import InspectOptions, Snapshot
from . import catalog, files, hfcache

# The Hub's own repo-id rules (huggingface_hub.utils.validate_repo_id, which mirrors the Hub's): an optional
# namespace and a name, each 1-96 of [A-Za-z0-9_.-], starting and ending with a letter, digit or "_"; no "--"
# or "..", no ".git" at the end. Checked here, without importing huggingface_hub (start-up time).
_NAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,94}[A-Za-z0-9_])?"
REPO_ID = regexes.compile(rf"(?:{_NAME}/)?{_NAME}")
REVISION = regexes.compile(r"[\w.\-/]{1,200}")
# What other tools print before a repo id: `hf cache ls -q` says model/org/name, the Hub's URLs and API
# models/org/name, fsspec hf://org/name. Other repo kinds are not models.
MODEL_PREFIXES = ("hf://models/", "hf://", "models/", "model/")
OTHER_KINDS = ("dataset", "space")
HUB_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
FILE_VIEWS = ("tree", "blob", "resolve")  # /org/name/<view>/<revision>/...: a folder or a file at a revision


class RepoRef(Struct, frozen=True):
    """A target that names a Hub repo: its id and the revision it asks for (None: main)."""

    repo_id: str
    revision: str | None = None


def is_offline(offline: bool) -> bool:
    return offline or os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def resolve(target: str, options: InspectOptions = InspectOptions()) -> Snapshot:
    """The files of one target, from the first source that has them."""
    target = target.strip()
    if not target:
        raise AxesError("empty target: give a repo id (org/name), a folder or a card file")
    path = Path(target).expanduser()
    try:
        exists = path.exists()
    except OSError as err:  # a name the system refuses: a part over 255 bytes
        raise AxesError(f"cannot read: {err.strerror or err}", where=target) from None
    # A name people type ("ChatGPT", "Llama 3") is a catalog alias, before it is read as a repo id.
    if not exists and catalog.find(target, options.cards) is None and (
            entry := catalog.by_alias(target, options.cards)):
        return from_entry(entry, target, (catalog.alias_notice(target, entry),), alias=target)
    try:
        ref = None if exists else parse_repo_target(target)
        if ref is None:
            return _local(path, target)
        revision = _revision(target, ref.revision, options.revision)
        snap = _repo(target, ref.repo_id, revision, offline=is_offline(options.offline), token=options.token,
                     cards=options.cards, cache_dir=options.cache_dir)
    except TargetNotFound as err:
        raise catalog.not_found(err, target, options.cards, hfcache.cached_repo_ids(options.cache_dir)) from None
    # The model's own name comes from the repo id, not from the end of a URL (/tree/main).
    name = ref.repo_id.rsplit("/", 1)[-1]
    return snap if snap.repo_name == name else replace(snap, repo_name=name)


def parse_repo_target(target: str) -> RepoRef | None:
    """The repo a target names (a repo id, `model/org/name`, a Hub URL), or None for a file or folder.

    Raises AxesError for what is neither: an id the Hub would refuse, another kind of repo, a foreign URL.
    """
    if "://" in target and not target.startswith("hf://"):
        return _from_url(target, target)
    if target.split("/", 1)[0].lower() in HUB_HOSTS:  # a link without its scheme: huggingface.co/org/name
        return _from_url(f"https://{target}", target)
    kind = next((k for k in OTHER_KINDS if target.startswith((f"{k}/", f"{k}s/", f"hf://{k}s/"))), None)
    if kind is not None:
        raise AxesError(f"a {kind} repo, not a model: axes reads model repos (and no such file or folder)",
                        where=target)
    rest = next((target[len(p):] for p in MODEL_PREFIXES if target.startswith(p)), None)
    if rest is None:
        if _looks_like_path(target.partition("@")[0]):  # a revision may hold slashes (refs/pr/1)
            return None
        rest = target
    repo_id, at, revision = rest.partition("@")
    return _checked(target, repo_id, revision if at else None)


def repo_id_problem(repo_id: str) -> str | None:
    """Why the Hub would refuse this repo id, or None if it is one."""
    if not REPO_ID.fullmatch(repo_id):
        return "not a repo id (org/name[@revision])"
    if "--" in repo_id or ".." in repo_id:
        return f"not a repo id: the Hub refuses {'--' if '--' in repo_id else '..'!r} in a name"
    if repo_id.endswith(".git"):
        return "not a repo id: the Hub refuses a name ending in '.git'"
    return None


def _checked(target: str, repo_id: str, revision: str | None) -> RepoRef:
    problem = repo_id_problem(repo_id)
    if problem is not None:  # nothing can be found under such a name: the names close to it may help
        raise TargetNotFound(f"{problem}, and no such file or folder", where=target)
    if revision == "":
        raise AxesError("not a repo id (org/name[@revision]): no revision after '@'", where=target)
    if revision is not None and not _valid_revision(revision):
        raise AxesError(f"not a revision: {revision!r} (a branch, tag or commit)", where=target)
    return RepoRef(repo_id, revision)


def _valid_revision(revision: str) -> bool:
    return bool(REVISION.fullmatch(revision)) and not any(p in ("", ".", "..") for p in revision.split("/"))


def _from_url(url: str, target: str) -> RepoRef:
    """https://huggingface.co/org/name, optionally /tree/REV (or a file's /blob/REV/... or /resolve/REV/...)."""
    parts = urlsplit(url)
    hosts = HUB_HOSTS | {urlsplit(os.environ.get("HF_ENDPOINT", "")).netloc.lower()} - {""}
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in hosts:
        raise AxesError("not a Hugging Face Hub link (https://huggingface.co/org/name)", where=target)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if segments and segments[0] in (f"{k}s" for k in OTHER_KINDS):
        raise AxesError(f"a {segments[0][:-1]} repo, not a model: axes reads model repos", where=target)
    if segments[:1] == ["models"]:
        segments = segments[1:]
    # A bare name (gpt2) is a repo of one segment: /gpt2/tree/main.
    size = 1 if len(segments) >= 2 and segments[1] in FILE_VIEWS else 2
    repo, rest = segments[:size], segments[size:]
    if not repo or rest and (rest[0] not in FILE_VIEWS or len(rest) < 2):
        raise AxesError("not a link to a model repo (https://huggingface.co/org/name[/tree/REV])", where=target)
    return _checked(target, "/".join(repo), rest[1] if rest else None)


def _revision(target: str, named: str | None, option: str | None) -> str | None:
    """The target's own revision and --revision: one of them, or both the same."""
    if named and option and named != option:
        raise AxesError(f"names revision {named!r}, but --revision says {option!r}", where=target)
    return named or option


def _looks_like_path(target: str) -> bool:
    # A revision may hold slashes (`org/m@refs/pr/1`): only the part before it says whether this is a path.
    name = target.split("@", 1)[0] if REPO_ID.match(target) else target
    return target.startswith((".", "/", "~")) or os.sep in name.rstrip("/").split("/", 1)[-1] or name.endswith(
        ("/", ".json", *files.CARD_FILE_SUFFIXES)
    )


def _local(path: Path, target: str) -> Snapshot:
    if not path.exists():
        raise AxesError("no such file or folder", where=target)  # a path typed wrong is bad input, not a model
    if path.is_dir():
        snap = files.from_directory(path, target, "local")
        weights = snap.weights and (snap.weights.gguf or snap.weights.safetensors)
        readable = "config.json" in snap.files or "README.md" in snap.files or bool(weights)
        if not readable:
            raise AxesError("folder holds neither config.json nor README.md", where=target)
        return snap
    if path.suffix.lower() == ".json":  # a lone config.json, whatever its name
        return files.from_files({"config.json": path}, target, "local")
    if path.suffix.lower() in files.CARD_FILE_SUFFIXES:
        return files.from_card_file(path, target)
    raise AxesError("not a model folder, config.json or card file (.md, .txt, .yaml)", where=target)


def _repo(target: str, repo_id: str, revision: str | None, *, offline: bool, token: str | None,
          cards: tuple[Path, ...], cache_dir: Path | None) -> Snapshot:
    notices: list[str] = []
    entry = catalog.find(repo_id, cards)
    # A text-only catalog card (a closed model) has no Hub repo to ask.
    if not offline and not (entry and entry.path.is_file() or entry and _text_only(entry.path)):
        from . import hub  # huggingface_hub costs ~250 ms to import: only when a repo id needs it

        try:
            return hub.fetch(target, repo_id, revision, token=token, cache_dir=cache_dir)
        except HubUnreachable as err:
            notices.append(err.message)
        except GatedRepo as err:
            # Downloaded earlier with a token: the cached copy still answers, with the refusal noted.
            cached = hfcache.from_cache(target, repo_id, revision, (err.message,), cache_dir=cache_dir)
            if cached is None:
                raise
            return cached
        except NotOnHub as err:
            if entry is None:
                raise
            notices.append(err.message)
    if "/" in repo_id:
        cached = hfcache.from_cache(target, repo_id, revision, tuple(notices), cache_dir=cache_dir)
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


def from_entry(entry: catalog.Entry, target: str, notices: tuple[str, ...], alias: str | None = None) -> Snapshot:
    if entry.path.is_file():
        snap = files.from_card_file(entry.path, target)
        snap = replace(snap, source="catalog", notices=notices + snap.notices)
    else:
        snap = files.from_directory(entry.path, target, "catalog", notices=notices)
    return replace(snap, origin=replace(snap.origin, entry=entry.id, alias=alias, summary=entry.bundled))
