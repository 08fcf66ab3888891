"""Snapshot -> Reading: each file of a model parsed once, and the backbone facts computed from them.

The rules read the Reading (rules.tagger); nothing here decides a tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import AxesError
from ..parsing import parse_json_object, parse_json_value
from ..types import Backbone, Rendering, Snapshot
from .backbone import read_backbone
from .card import Card, parse_card
from .template import read_template, template_text


@dataclass(frozen=True, kw_only=True)
class Reading:
    snapshot: Snapshot
    card: Card
    config: dict[str, Any] | None  # config.json, parsed (None: the repo has none)
    generation: dict[str, Any] | None  # generation_config.json, parsed (None: none, or not an object)
    template: str | None  # the chat templates' source text (every named template, joined)
    backbone: Backbone
    rendering: Rendering | None = None  # what the template did with the probe conversations (None: no template)


def read(snapshot: Snapshot, render: bool = True) -> Reading:
    """Parse what the snapshot holds. A broken config.json is bad input (AxesError); a broken side file or
    front matter only loses its own evidence (a note). `render`: run the chat template in the sandbox
    (reading.sandbox) with the probe conversations; False leaves only its text to match."""
    card = parse_card(snapshot.files.get("README.md"))
    raw = snapshot.files.get("config.json")
    config = None if raw is None else parse_json_object(raw, "config.json")
    return Reading(snapshot=snapshot, card=card, config=config, generation=_generation(snapshot),
                   template=template_text(snapshot), backbone=read_backbone(snapshot, card, config),
                   rendering=read_template(snapshot, render))


def _generation(snapshot: Snapshot) -> dict[str, Any] | None:
    text = snapshot.files.get("generation_config.json")
    if text is None:
        return None
    try:
        loaded = parse_json_value(text, "generation_config.json")
    except AxesError:
        return None  # sources.files noted it when it read the file
    return loaded if isinstance(loaded, dict) else None
