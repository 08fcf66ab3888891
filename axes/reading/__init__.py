"""Snapshot -> Reading: each file of a model parsed once, and the backbone facts computed from them.

The rules read the Reading (rules.tagger); nothing here decides a tag.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from ..errors import AxesError
from ..parsing import parse_json_object, parse_json_value
from ..types import Backbone, Rendering, Snapshot
from .backbone import read_backbone
from .card import Card, parse_card
from .identity import Identity, identify
from .template import read_template, template_text


class Reading(Struct, frozen=True, kw_only=True):
    snapshot: Snapshot
    card: Card
    config: dict[str, Any] | None  # config.json, parsed (None: the repo has none)
    generation: dict[str, Any] | None  # generation_config.json, parsed (None: none, or not an object)
    template: str | None  # the chat templates' source text (every named template, joined)
    backbone: Backbone
    identity: Identity  # what this repo is, from its files, front matter, family table and name
    rendering: Rendering | None = None  # what the template did with the probe conversations (None: no template)


def read(snapshot: Snapshot, render: bool = True) -> Reading:
    """Parse what the snapshot holds. A broken config.json is bad input (AxesError); a broken side file or
    front matter only loses its own evidence (a note). `render`: run the chat template in the sandbox
    (reading.sandbox) with the probe conversations; False leaves only its text to match."""
    card = parse_card(snapshot.files.get("README.md"))
    raw = snapshot.files.get("config.json")
    config = None if raw is None else parse_json_object(raw, "config.json")
    identity = identify(snapshot, card, config)
    backbone = read_backbone(snapshot, card, config)
    backbone = replace(backbone, facts=replace(backbone.facts, checkpoint=identity.settled,
                                               checkpoint_source=identity.source or None))
    if config is None:  # imported only then: its patterns cost start-up time a repo with a config never needs
        from .declared import declared_backbone

        backbone = declared_backbone(snapshot, card, backbone, identity)
    return Reading(snapshot=snapshot, card=card, config=config, generation=_generation(snapshot),
                   template=template_text(snapshot), backbone=backbone, identity=identity,
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
