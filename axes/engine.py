"""The pipeline, end to end: target -> Snapshot -> Backbone + Card -> Tags -> Verdict.

Pure functions: nothing here prints or exits; the CLI renders what comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from . import sources, tagger, verdict
from .backbone import read_backbone
from .card import parse_card
from .errors import AxesError
from .models import Snapshot, Verdict
from .paths import RULES_DIR
from .rulebook import Rulebook


def rulebook(extra: tuple[Path, ...] = ()) -> Rulebook:
    """The bundled rules plus a user's rule directories, validated and compiled once per process, and
    across processes through rulecache (keyed by the files' content: an edited rule file is reloaded)."""
    dirs = (RULES_DIR, *extra)
    return _load(dirs, tuple(_fingerprint(d) for d in dirs))


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    if not folder.is_dir():
        return ()
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.y*ml")))


@lru_cache(maxsize=8)
def _load(dirs: tuple[Path, ...], _fingerprints: tuple) -> Rulebook:
    from . import rulecache

    return rulecache.load(dirs)


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
    try:
        snapshot = sources.resolve(target, offline=offline, token=token, cards=cards)
        return analyse(snapshot, rules)
    except AxesError as err:
        raise err.within(target) from None


def inspect_all(
    targets: Sequence[str],
    *,
    offline: bool = False,
    token: str | None = None,
    rules_dirs: tuple[Path, ...] = (),
    cards: tuple[Path, ...] = (),
) -> tuple[Verdict, ...]:
    """A few targets at once (their Hub fetches overlap), in order; the first failure raises."""
    rulebook(rules_dirs)  # one load, before the threads ask for it

    def one(target: str) -> Verdict:
        return inspect(target, offline=offline, token=token, rules_dirs=rules_dirs, cards=cards)

    with ThreadPoolExecutor(max_workers=max(1, min(8, len(targets)))) as pool:
        return tuple(pool.map(one, targets))
