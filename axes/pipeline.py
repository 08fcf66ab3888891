"""The one way through: target -> Snapshot (sources) -> Reading (reading) -> Tags (rules) -> Verdict (verdict).

`analyse` is a pure function of a Snapshot and a Rulebook. `inspect` adds finding the files, which may read the
disk, the HF cache or the network, and the rulebook, which is validated once and cached on disk (rules.cache).
Nothing here prints or exits: the CLI and the Python API render what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from . import reading, sources, verdict
from .errors import AxesError, TargetNotFound
from .rules import Rulebook, rulebook, tagger
from .types import Failure, InspectOptions, Snapshot, Verdict

__all__ = ["analyse", "inspect", "inspect_all", "inspect_each", "rulebook"]
T = TypeVar("T")


def analyse(snapshot: Snapshot, rules: Rulebook, render: bool = True) -> Verdict:
    """A model's files -> its verdict. `render`: run its chat template in the sandbox (InspectOptions.render)."""
    read = reading.read(snapshot, render)
    return verdict.build(read, tagger.tag(rules, read))


def inspect(target: str, options: InspectOptions = InspectOptions()) -> Verdict:
    """Find a target's files and analyse them; errors name the target."""
    rules = rulebook(options.rules)  # validate rules before any network work
    try:
        return analyse(sources.resolve(target, options), rules, options.render)
    except AxesError as err:
        raise err.within(target) from None


def inspect_all(targets: Sequence[str], options: InspectOptions = InspectOptions()) -> tuple[Verdict, ...]:
    """A few targets at once (their Hub fetches overlap), in order; the first failure raises."""
    return _overlapped(targets, options, lambda target: inspect(target, options))


def inspect_each(targets: Sequence[str], options: InspectOptions = InspectOptions()) -> tuple[Verdict | Failure, ...]:
    """A few targets at once, in order, each a verdict or, for a target nothing knows, a Failure naming the
    names it is close to: an unknown model is an answer, not the end of the run. Bad input (a broken file,
    a rule that does not load) still raises."""

    def one(target: str) -> Verdict | Failure:
        try:
            return inspect(target, options)
        except TargetNotFound as err:
            error = err.message if err.where == target.strip() else err.render()
            return Failure(target=target, error=error, suggestions=err.suggestions)

    return _overlapped(targets, options, one)


def _overlapped(targets: Sequence[str], options: InspectOptions, each: Callable[[str], T]) -> tuple[T, ...]:
    from concurrent.futures import ThreadPoolExecutor  # with the logging it loads, 6 ms `inspect` need not pay

    rulebook(options.rules)  # one load, before the threads ask for it
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(targets)))) as pool:
        return tuple(pool.map(each, targets))
