"""The Python API: what `axes inspect`, `axes batch` and `axes compare` do, for a script or a notebook.

    import axes
    v = axes.inspect("deepseek-ai/DeepSeek-R1")      # a Verdict; in Jupyter it shows as the four-row table
    v.to_dict()["lenses"]                            # the CLI's JSON (CONTRACT.md), as a dict
    for result in axes.batch(["Qwen/Qwen3-8B", "./my-model"]):
        print(result.target, result.lenses.summary if isinstance(result, axes.Verdict) else result.error)

The functions return the pipeline's own objects, extended with ways to show and serialise them; a bad target
or rule file raises an axes.AxesError subclass, whose message is the CLI's one line. This module sits at the
top of the package beside cli/: it may use every layer, and no layer uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from os import PathLike
from pathlib import Path
from typing import Any

from msgspec.structs import fields

from . import pipeline, sources, types
from .output import compare as compare_output
from .output import html
from .output import inspect as inspect_output
from .output.contract import contract
from .output.i18n import Lang
from .output.render import as_json
from .rules import rulebook
from .types import Failure, InspectOptions
from .workflows import batch as batch_workflow
from .workflows import compare as compare_workflow

__all__ = ["Comparison", "Failure", "Verdict", "batch", "compare", "inspect"]

PathArg = str | PathLike[str]
Paths = PathArg | Iterable[PathArg] | None


class Verdict(types.Verdict, frozen=True, kw_only=True):
    """One model on the four axes: `lenses`, `rows` (one AxisRow per axis: tags, murk), `backbone.facts`,
    `murkiest`, `lineage`, `notices` — and its JSON, Markdown and HTML."""

    @classmethod
    def of(cls, verdict: types.Verdict) -> Verdict:
        """The pipeline's verdict, with the methods below (same fields, nothing recomputed)."""
        if isinstance(verdict, cls):
            return verdict
        return cls(**{f.name: getattr(verdict, f.name) for f in fields(verdict)})

    def to_dict(self) -> dict[str, Any]:
        """CONTRACT.md's JSON object, as `axes inspect --format json` prints it."""
        return contract(self)

    def to_json(self) -> str:
        """Exactly the text of `axes inspect --format json`."""
        return as_json(self.to_dict())

    def _repr_markdown_(self) -> str:
        return inspect_output.markdown(self, Lang.en)

    def _repr_html_(self) -> str:
        return html.verdict_table(self.to_dict())


class Comparison(compare_workflow.Comparison, frozen=True, kw_only=True):
    """Models side by side: `verdicts`, `axes` (per axis: same, differences, notes), `carrier` (the axes that
    differ) — and its JSON and Markdown."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `axes compare --format json`."""
        return compare_output.record(self)

    def to_json(self) -> str:
        return as_json(self.to_dict())

    def _repr_markdown_(self) -> str:
        return compare_output.markdown(self, Lang.en)


def inspect(target: PathArg, *, offline: bool | None = None, token: str | None = None, rules: Paths = None,
            cards: Paths = None, revision: str | None = None, cache_dir: PathArg | None = None,
            render: bool = True) -> Verdict:
    """Place one model on the four axes, as `axes inspect TARGET` does.

    target: a Hub repo id (`org/name[@revision]`, `model/org/name`, a huggingface.co link), a folder of HF
    files, or a card file. offline: True never touches the network; None (or False) leaves it to
    HF_HUB_OFFLINE. token: a Hugging Face token (None: HF_TOKEN or the stored login). rules, cards: extra rule
    or card folders (one path or several). revision: a branch, tag or commit. cache_dir: the HF hub cache.
    render: False matches chat templates as text instead of rendering them in the sandbox (--no-render).

    Raises axes.AxesError (TargetNotFound, RuleError, GatedRepo, ...) with the CLI's one-line message.
    """
    options = _options(offline, token, rules, cards, revision, cache_dir, render)
    return Verdict.of(pipeline.inspect(str(target), options))


def batch(targets: Iterable[PathArg], *, jobs: int | None = None, offline: bool | None = None,
          token: str | None = None, rules: Paths = None, cards: Paths = None, revision: str | None = None,
          cache_dir: PathArg | None = None, render: bool = True) -> Iterator[Verdict | Failure]:
    """Many targets, as `axes batch` does: one Verdict or Failure per target, in input order, each yielded as
    soon as it and every earlier one are done. A failing target is a Failure (target, error); the rest go on.

    jobs: targets inspected at once (default as the CLI's). Offline batches run one process per core. The
    targets are read lazily (a generator of millions is fine); a bad rule file raises before any target.
    """
    options = _options(offline, token, rules, cards, revision, cache_dir, render)
    rulebook(options.rules)  # a bad rule file fails here, before any target
    outcomes = batch_workflow.run((str(t) for t in targets), partial(pipeline.inspect, options=options),
                                  jobs or batch_workflow.default_jobs(), local=sources.is_offline(options.offline))
    for outcome in outcomes:
        if outcome.verdict is not None:
            yield Verdict.of(outcome.verdict)
        else:
            yield Failure(target=outcome.target, error=outcome.error or "")


def compare(*targets: PathArg, offline: bool | None = None, token: str | None = None, rules: Paths = None,
            cards: Paths = None, cache_dir: PathArg | None = None, render: bool = True) -> Comparison:
    """Two or more models side by side, as `axes compare A B ...` does; the first target that fails raises."""
    if len(targets) < 2:
        from .errors import AxesError

        raise AxesError("compare needs two or more targets")
    options = _options(offline, token, rules, cards, None, cache_dir, render)
    verdicts = tuple(Verdict.of(v) for v in pipeline.inspect_all([str(t) for t in targets], options))
    found = compare_workflow.compare(verdicts)
    return Comparison(verdicts=found.verdicts, axes=found.axes)


def _options(offline: bool | None, token: str | None, rules: Paths, cards: Paths, revision: str | None,
             cache_dir: PathArg | None, render: bool = True) -> InspectOptions:
    return InspectOptions(offline=bool(offline), token=token, rules=_paths(rules), cards=_paths(cards),
                          revision=revision, cache_dir=None if cache_dir is None else Path(cache_dir), render=render)


def _paths(value: Paths) -> tuple[Path, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, PathLike)):
        return (Path(value),)
    return tuple(Path(v) for v in value)
