"""The bundled catalog (cards/) and a learner's own card folders, found by repo id, by name, or by the names
people type (aliases); and, for a name nothing knows, the names it is close to.

An entry is a folder `<org>/<name>/` holding any of the repo files (config.json, README.md,
chat_template.jinja, generation_config.json), or a single card file `<org>/<name>.md|.yaml`.
User directories come first, so a learner can override a bundled card.

Aliases are data, kept with the card they point to: its front matter's `catalog: {aliases: [...]}` list
("ChatGPT", "GPT-4o" on openai/gpt-4o). They are matched case-blind, with spaces, hyphens and underscores
alike ("HyperCLOVA X" = "hyperclova-x").
"""

from __future__ import annotations

import difflib
import os
from functools import lru_cache
from pathlib import Path

from msgspec import Struct

from .. import regexes
from ..errors import AxesError
from ..parsing import safe_load
from ..storage import bundled
from .files import CARD_FILE_SUFFIXES, decode

CARDS_DIR = bundled("cards")
CARDS_ENV = "AXES_CARDS"  # os.pathsep-separated user card directories
HEAD_CAP = 64 * 1024  # aliases sit in the front matter, at the top of a card
SEPARATORS = regexes.compile(r"[\s_\-]+")
CLOSE_ENOUGH = 0.8  # difflib ratio a suggestion must reach
NEAR_BEST = 0.04  # and how close to the best one it must be: one clear suggestion rather than three vague ones
MAX_SUGGESTIONS = 3
POINTER = "`axes cards list` shows the catalog; `--cards DIR` adds a card of your own"


class Entry(Struct, frozen=True):
    id: str  # "org/name", as the Hub spells it
    path: Path  # a folder, or a single card file
    bundled: bool

    @property
    def aliases(self) -> tuple[str, ...]:
        """The names people type for it (front matter catalog.aliases), read when first asked for."""
        return _aliases(self.path / "README.md" if self.path.is_dir() else self.path)


def card_dirs(extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    from_env = tuple(Path(p) for p in os.environ.get(CARDS_ENV, "").split(os.pathsep) if p)
    return (*extra, *from_env, CARDS_DIR)


def name_key(name: str) -> str:
    """How names are compared: case-blind, any run of spaces, hyphens and underscores alike."""
    return SEPARATORS.sub("-", name.strip().lower())


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


@lru_cache(maxsize=512)
def _aliases(card: Path) -> tuple[str, ...]:
    """The card's `catalog.aliases`; a card that cannot be read has none here (inspecting it says why)."""
    try:
        with card.open("rb") as handle:
            text, _ = decode(handle.read(HEAD_CAP), card.name)
        if card.suffix.lower() in (".yaml", ".yml"):
            data = safe_load(text, str(card))
            text = str(data.get("readme") or "") if isinstance(data, dict) else ""
        front = _front_matter(text)
        meta = front.get("catalog") if front else None
        names = meta.get("aliases") if isinstance(meta, dict) else None
    except (OSError, AxesError):
        return ()
    return tuple(str(n) for n in names if isinstance(n, str | int | float)) if isinstance(names, list) else ()


def _front_matter(text: str) -> dict | None:
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")), None)
    if end is None:
        return None
    data = safe_load("\n".join(lines[1:end]), "README.md")
    return data if isinstance(data, dict) else None


def entries(extra: tuple[Path, ...] = ()) -> list[Entry]:
    """Every entry, user ones first; an id found twice keeps its first (user) entry."""
    seen: dict[str, Entry] = {}
    for root in card_dirs(extra):
        for entry in _scan(root.resolve()):
            seen.setdefault(entry.id.lower(), entry)
    return list(seen.values())


def find(repo_id: str, extra: tuple[Path, ...] = ()) -> Entry | None:
    """The entry of an id, or of a bare name ("DeepSeek-R1") that one entry has; aliases are `by_alias`."""
    wanted = repo_id.lower()
    for root in card_dirs(extra):
        for entry in _scan(root.resolve()):
            if entry.id.lower() == wanted:
                return entry
    if "/" not in wanted:
        named = [e for e in entries(extra) if e.id.lower().split("/", 1)[1] == wanted]
        if len(named) == 1:
            return named[0]
    return None


def by_alias(name: str, extra: tuple[Path, ...] = ()) -> Entry | None:
    """The entry whose aliases hold this name, or whose id or name it spells another way ("claude sonnet 4")."""
    if "/" in name:
        return None  # aliases are names, never ids: an id costs no alias lookup
    wanted = name_key(name)
    for entry in entries(extra):
        if wanted in {name_key(a) for a in entry.aliases}:
            return entry
    if wanted == name.strip().lower():
        return None  # spelled as an id would be: the Hub may know it
    spelled = [e for e in entries(extra) if wanted in (name_key(e.id), name_key(e.id.split("/", 1)[1]))]
    return spelled[0] if len(spelled) == 1 else None


def alias_notice(name: str, entry: Entry) -> str:
    return f"{name} -> {entry.id} (catalog alias)"


def suggest(name: str, extra: tuple[Path, ...] = (), cached: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Names close to one nothing knows: catalog ids, their bare names and aliases, and the repo ids of the
    local HF cache (`cached`). An id is compared with ids, a bare name with names and aliases."""
    wanted = name_key(name.partition("@")[0])
    typed: dict[str, str] = {}  # compared form -> what to suggest
    for entry in entries(extra):
        typed.setdefault(name_key(entry.id), entry.id)
        if "/" not in wanted:
            typed.setdefault(name_key(entry.id.split("/", 1)[1]), entry.id)
            for alias in entry.aliases:
                typed.setdefault(name_key(alias), entry.id)  # the id: what an alias means, said plainly
    for repo in cached:
        typed.setdefault(name_key(repo), repo)
        if "/" not in wanted:
            typed.setdefault(name_key(repo.split("/", 1)[-1]), repo)
    typed.pop(wanted, None)
    scored = sorted(((difflib.SequenceMatcher(None, wanted, key).ratio(), key) for key in typed), reverse=True)
    if not scored or scored[0][0] < CLOSE_ENOUGH:
        return ()
    best = scored[0][0]
    picked = [typed[key] for ratio, key in scored if ratio >= max(CLOSE_ENOUGH, best - NEAR_BEST)]
    return tuple(dict.fromkeys(picked))[:MAX_SUGGESTIONS]


def not_found(err: AxesError, name: str, extra: tuple[Path, ...] = (), cached: tuple[str, ...] = ()) -> AxesError:
    """A not-found error that says which names are close, and where to look or add a card."""
    suggestions = suggest(name, extra, cached)
    hint = f"; did you mean {_either(suggestions)}?" if suggestions else ""
    return type(err)(f"{err.message}{hint} ({POINTER})", where=err.where, line=err.line, suggestions=suggestions)


def _either(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]

