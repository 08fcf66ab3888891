"""`axes cards`: every catalog entry (bundled, or a learner's own) with its lenses and source date, and the
files of one card.

A learner adds a card as a folder `<org>/<name>/` (README.md, config.json optional) or a single
`<org>/<name>.md|.yaml` file under a directory given by --cards or AXES_CARDS; sources.catalog finds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .. import sources
from ..errors import AxesError
from ..pipeline import analyse
from ..reading.card import parse_card
from ..rules import Rulebook
from ..sources import catalog


@dataclass(frozen=True)
class CardRow:
    id: str
    summary: str  # the lenses summary, or why the card could not be read
    date: str | None  # front matter `catalog.date`: when the card's source was read
    origin: Literal["bundled", "user"]
    path: Path
    ok: bool = True


def card_rows(rules: Rulebook, extra: tuple[Path, ...] = ()) -> list[CardRow]:
    return [card_row(entry, rules) for entry in catalog.entries(extra)]


def card_row(entry: catalog.Entry, rules: Rulebook) -> CardRow:
    origin: Literal["bundled", "user"] = "bundled" if entry.bundled else "user"
    try:
        snap = sources.from_entry(entry, entry.id, ())
        verdict = analyse(snap, rules)
        date = source_date(snap.files.get("README.md"))
    except AxesError as err:
        # One broken card must not hide the others: the listing names it and what is wrong.
        return CardRow(entry.id, f"error: {err.render()}", None, origin, entry.path, ok=False)
    return CardRow(entry.id, verdict.lenses.summary, date, origin, entry.path)


def source_date(readme: str | None) -> str | None:
    meta = parse_card(readme).front_matter.get("catalog")
    date = meta.get("date") if isinstance(meta, dict) else None
    return None if date is None else str(date)


def card_files(card_id: str, extra: tuple[Path, ...] = ()) -> list[Path]:
    """The files of one card, in a stable order; an unknown id is bad input."""
    entry = catalog.find(card_id, extra)
    if entry is None:
        raise AxesError("no such card (axes cards list shows them)", where=card_id)
    if entry.path.is_file():
        return [entry.path]
    return sorted(p for p in entry.path.iterdir() if p.is_file() and not p.name.startswith("."))
