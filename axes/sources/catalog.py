"""The bundled catalog (cards/) and a learner's own card folders, found by repo id.

An entry is a folder `<org>/<name>/` holding any of the repo files (config.json, README.md,
chat_template.jinja, generation_config.json), or a single card file `<org>/<name>.md|.yaml`.
User directories come first, so a learner can override a bundled card.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..storage import bundled
from .files import CARD_FILE_SUFFIXES

CARDS_DIR = bundled("cards")
CARDS_ENV = "AXES_CARDS"  # os.pathsep-separated user card directories


@dataclass(frozen=True)
class Entry:
    id: str  # "org/name", as the Hub spells it
    path: Path  # a folder, or a single card file
    bundled: bool


def card_dirs(extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    from_env = tuple(Path(p) for p in os.environ.get(CARDS_ENV, "").split(os.pathsep) if p)
    return (*extra, *from_env, CARDS_DIR)


@lru_cache(maxsize=8)
def _scan(root: Path) -> tuple[Entry, ...]:
    if not root.is_dir():
        return ()
    bundled = root == CARDS_DIR
    found: list[Entry] = []
    for org in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for item in sorted(org.iterdir()):
            if item.is_dir():
                found.append(Entry(f"{org.name}/{item.name}", item, bundled))
            elif item.suffix.lower() in CARD_FILE_SUFFIXES:
                found.append(Entry(f"{org.name}/{item.stem}", item, bundled))
    return tuple(found)


def entries(extra: tuple[Path, ...] = ()) -> list[Entry]:
    """Every entry, user ones first; an id found twice keeps its first (user) entry."""
    seen: dict[str, Entry] = {}
    for root in card_dirs(extra):
        for entry in _scan(root.resolve()):
            seen.setdefault(entry.id.lower(), entry)
    return list(seen.values())


def find(repo_id: str, extra: tuple[Path, ...] = ()) -> Entry | None:
    wanted = repo_id.lower()
    for root in card_dirs(extra):
        for entry in _scan(root.resolve()):
            if entry.id.lower() == wanted:
                return entry
    # A bare name ("DeepSeek-R1") finds the one entry of that name.
    if "/" not in wanted:
        named = [e for e in entries(extra) if e.id.lower().split("/", 1)[1] == wanted]
        if len(named) == 1:
            return named[0]
    return None
