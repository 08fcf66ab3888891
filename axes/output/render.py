"""One map from format to renderer per kind of result (one model, a batch, a comparison); the exercises are
Markdown only (output.exercise). Renderers return strings and never print: only the CLI writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..types import Failure, Verdict
from . import inspect
from .contract import contract
from .formats import BatchFormat, CompareFormat, Format, Style

if TYPE_CHECKING:
    from ..workflows.compare import Comparison
    from .batch import Emitter

def as_json(data: Any) -> str:
    # allow_nan=False: NaN is not JSON (strict parsers refuse it); the readers turn it into null, and a NaN
    # that still got this far fails loudly here rather than in a user's parser.
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def as_yaml(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# One inspect is the run to keep quick: the other kinds' renderers are imported when they are asked for.
def _html() -> ModuleType:
    from . import html

    return html


def _compare() -> ModuleType:
    from . import compare

    return compare


def _batch() -> ModuleType:
    from . import batch

    return batch


INSPECT: dict[Format, Callable[[Verdict, Style], str]] = {
    Format.table: lambda v, s: inspect.table(v, s.lang, s.explain, s.width),
    Format.json: lambda v, s: as_json(contract(v)),
    Format.yaml: lambda v, s: as_yaml(contract(v)),
    Format.markdown: lambda v, s: inspect.markdown(v, s.lang, s.explain),
    Format.html: lambda v, s: _html().model_page(contract(v)),
}
Results = tuple[Verdict | Failure, ...]
COMPARE: dict[CompareFormat, Callable[[Comparison, Style, Results], str]] = {
    CompareFormat.table: lambda c, s, r: _compare().table(c, s.lang, s.width, r),
    CompareFormat.markdown: lambda c, s, r: _compare().markdown(c, s.lang, r),
    CompareFormat.json: lambda c, s, r: as_json(_compare().record(c, _compare().failures(r))),
}
BATCH: dict[BatchFormat, Callable[[Style], Emitter]] = {
    BatchFormat.jsonl: lambda s: _batch().Jsonl(),
    BatchFormat.csv: lambda s: _batch().Csv(),
    BatchFormat.markdown: lambda s: _batch().Markdown(s.lang),
    BatchFormat.table: lambda s: _batch().Table(s.lang, s.width),
}


def render(verdict: Verdict, fmt: Format, style: Style = Style()) -> str:
    return INSPECT[fmt](verdict, style)


def render_comparison(comparison: Comparison, fmt: CompareFormat, style: Style = Style(), results: Results = ()) -> str:
    """The comparison; `results` orders its columns and adds the targets nothing knows."""
    return COMPARE[fmt](comparison, style, results)


def batch_emitter(fmt: BatchFormat, style: Style = Style()) -> Emitter:
    return BATCH[fmt](style)
