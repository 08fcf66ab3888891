"""The pipeline, end to end: target -> Snapshot -> Backbone + Card -> Tags -> Verdict.

Pure functions: nothing here prints or exits; the CLI renders what comes back.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from . import sources, tagger, verdict
from .backbone import read_backbone
from .card import parse_card
from .models import Snapshot, Verdict
from .paths import RULES_DIR
from .rulebook import Rulebook, load_rulebook


@lru_cache(maxsize=4)
def rulebook(extra: tuple[Path, ...] = ()) -> Rulebook:
    """The bundled rules plus a user's rule directories, loaded and validated once per process."""
    return load_rulebook((RULES_DIR, *extra))


def analyse(snapshot: Snapshot, rules: Rulebook) -> Verdict:
    card = parse_card(snapshot.files.get("README.md"))
    backbone = read_backbone(snapshot, card)
    ctx = tagger.build_context(snapshot, card, backbone)
    tags, marketing = tagger.tag(rules, ctx)
    return verdict.build(snapshot, backbone, tags, marketing)


def inspect(
    target: str,
    *,
    offline: bool = False,
    token: str | None = None,
    rules_dirs: tuple[Path, ...] = (),
    cards: tuple[Path, ...] = (),
) -> Verdict:
    rules = rulebook(rules_dirs)  # validate rules before any network work
    snapshot = sources.resolve(target, offline=offline, token=token, cards=cards)
    return analyse(snapshot, rules)
