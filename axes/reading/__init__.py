"""Snapshot -> Reading: each file of a model parsed once, and the backbone facts computed from them.

The rules read the Reading (rules.tagger); nothing here decides a tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import AxesError
from ..parsing import parse_json_object, parse_json_value
from ..types import Backbone, Snapshot
from .backbone import read_backbone
from .card import Card, parse_card


@dataclass(frozen=True, kw_only=True)
class Reading:
    snapshot: Snapshot
    card: Card
    config: dict[str, Any] | None  # config.json, parsed (None: the repo has none)
    generation: dict[str, Any] | None  # generation_config.json, parsed (None: none, or not an object)
    template: str | None  # the chat template's source text
    backbone: Backbone


def read(snapshot: Snapshot) -> Reading:
    """Parse what the snapshot holds. A broken config.json or front matter is bad input (AxesError); a broken
    generation_config.json only loses its own evidence."""
    card = parse_card(snapshot.files.get("README.md"))
    raw = snapshot.files.get("config.json")
    config = None if raw is None else parse_json_object(raw, "config.json")
    return Reading(snapshot=snapshot, card=card, config=config, generation=_generation(snapshot),
                   template=snapshot.files.get("chat_template"),
                   backbone=read_backbone(snapshot, card, config))


def _generation(snapshot: Snapshot) -> dict[str, Any] | None:
    text = snapshot.files.get("generation_config.json")
    if text is None:
        return None
    try:
        loaded = parse_json_value(text, "generation_config.json")
    except AxesError:
        return None  # sources.files noted it when it read the file
    return loaded if isinstance(loaded, dict) else None
