"""`axes cards`: every catalog entry (bundled, or a learner's own) with its lenses and source date, the
files of one card, and a new card's template for a model nothing knows yet.

A learner adds a card as a folder `<org>/<name>/` (README.md, config.json optional) or a single
`<org>/<name>.md|.yaml` file under a directory given by --cards or AXES_CARDS; sources.catalog finds them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from msgspec import Struct

from .. import sources
from ..errors import AxesError
from ..pipeline import analyse
from ..reading.card import parse_card
from ..rules import Rulebook
from ..sources import catalog
from ..storage import check_folder
from ..types import Lenses


class CardRow(Struct, frozen=True):
    id: str
    summary: str  # the lenses summary, or why the card could not be read
    date: str | None  # front matter `catalog.date`: when the card's source was read
    origin: Literal["bundled", "user"]
    path: Path
    ok: bool = True
    lenses: Lenses | None = None


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
    return CardRow(entry.id, verdict.lenses.summary, date, origin, entry.path, lenses=verdict.lenses)


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


CARD_ID_PART = r"[A-Za-z0-9][\w.\-]{0,95}"
TEMPLATE = """\
# A card for {id}, in axes' card format (README "Your own cards"), to fill in.
# Write what the model's publisher says, in your own words, and keep the link of the page you read it on.
# Then: axes inspect {id} --cards {root}
#   or: axes exercise four-axes {id} --cards {root}
name: {id}

# The model card. Each axis is read from plain sentences, for example:
#   backbone:       It is a mixture-of-experts model with 64 experts, 8 active per token.
#   post-training:  It was fine-tuned with supervised fine-tuning, then with DPO on preference pairs.
#   inference:      It has a thinking mode that can be switched off.
#   product:        The app can search the web and call tools.
# Leave out what you do not know: an axis with no evidence is reported as unknown, the honest answer.
readme: |
  ---
  catalog:
    source: ""    # the page you read it on (a URL)
    date: ""      # when you read it (YYYY-MM-DD)
    aliases: []   # names people type for it, e.g. ["{name}"]
  ---
  # {name}

# config.json values, if the publisher gives any: the backbone is computed from them. Uncomment what you know.
# config:
#   model_type: llama
#   hidden_size: 4096
#   intermediate_size: 14336
#   num_hidden_layers: 32
#   num_attention_heads: 32
#   num_key_value_heads: 8
#   vocab_size: 128256
#   max_position_embeddings: 131072
#   num_local_experts: 8       # a mixture of experts: how many, and how many a token uses
#   num_experts_per_tok: 2

# The chat template, if published (matched as text, never run):
# chat_template: "{{% for m in messages %}}...{{% endfor %}}"
"""


def new_card(card_id: str, root: Path, *, create: bool = False) -> Path:
    """Write a commented card template for `org/name` under `root` (made if `create`); an existing card is
    never overwritten."""
    if not re.fullmatch(f"{CARD_ID_PART}/{CARD_ID_PART}", card_id) or ".." in card_id:
        raise AxesError("a card id is org/name (letters, digits, . - _)", where=card_id)
    if create:
        root.mkdir(parents=True, exist_ok=True)
    if not root.is_dir():
        raise AxesError("cannot write: the folder does not exist", where=str(root))
    org, name = card_id.split("/")
    path = root / org / f"{name}.yaml"
    taken = [p for p in (root / org / name, *(root / org / f"{name}{s}" for s in catalog.CARD_FILE_SUFFIXES))
             if p.exists()]
    if taken:
        raise AxesError("a card of this id is already there: edit it, or choose another id", where=str(taken[0]))
    path.parent.mkdir(exist_ok=True)
    check_folder(path)
    try:
        with path.open("x", encoding="utf-8") as handle:  # "x": never over a file that appeared meanwhile
            handle.write(TEMPLATE.format(id=card_id, name=name, root=root))
    except OSError as err:
        raise AxesError(f"cannot write: {err.strerror or err}", where=str(path)) from None
    return path


def default_root(extra: tuple[Path, ...] = ()) -> tuple[Path, bool]:
    """Where a new card goes: the first --cards folder, else the first AXES_CARDS folder, else ./my-cards
    (made if missing: the one folder axes picks itself)."""
    mine = [d for d in catalog.card_dirs(extra) if d != catalog.CARDS_DIR]
    return (mine[0], False) if mine else (Path("my-cards"), True)
