"""The one way through: target -> Snapshot (sources) -> Reading (reading) -> Tags (rules) -> Verdict (verdict).

`analyse` is a pure function of a Snapshot and a Rulebook. `inspect` adds finding the files, which may read the
disk, the HF cache or the network, and the rulebook, which is validated once and cached on disk (rules.cache).
Nothing here prints or exits: the CLI and the Python API render what comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from . import reading, sources, verdict
from .errors import AxesError
from .rules import Rulebook, rulebook, tagger
from .types import InspectOptions, Snapshot, Verdict

__all__ = ["analyse", "inspect", "inspect_all", "rulebook"]


def analyse(snapshot: Snapshot, rules: Rulebook) -> Verdict:
    """A model's files -> its verdict."""
    read = reading.read(snapshot)
    tags, marketing, skipped = tagger.tag(rules, read)
    if read.card.notes or skipped:  # what could not be read (broken front matter) or matched is noted
        snapshot = replace(snapshot, notices=snapshot.notices + read.card.notes + skipped)
    return verdict.build(snapshot, read.backbone, tags, marketing)


def inspect(target: str, options: InspectOptions = InspectOptions()) -> Verdict:
    """Find a target's files and analyse them; errors name the target."""
    rules = rulebook(options.rules)  # validate rules before any network work
    try:
        return analyse(sources.resolve(target, options), rules)
    except AxesError as err:
        raise err.within(target) from None


def inspect_all(targets: Sequence[str], options: InspectOptions = InspectOptions()) -> tuple[Verdict, ...]:
    """A few targets at once (their Hub fetches overlap), in order; the first failure raises."""
    rulebook(options.rules)  # one load, before the threads ask for it
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(targets)))) as pool:
        return tuple(pool.map(lambda target: inspect(target, options), targets))
