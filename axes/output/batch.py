"""Batch outcomes -> text, one flushed piece per outcome: JSONL, CSV, Markdown, or a table at the end.

CSV keeps machine values (integers, true/false, tag names joined by spaces, empty for unknown); Markdown and
the table show them for people, headers in --lang.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TextIO

from ..types import AXES, Failure, Lenses
from ..workflows.batch import Outcome
from .contract import contract, failure_record
from .i18n import Lang, t
from .text import export, human, md_row

COLUMNS = ("target", "source", "structure", "moe", "reasoning", "total_params", "active_params", "attention",
           "post_training", "inference", "product", "murkiest", "error")
# CSV only, after the columns above (a CSV reader by position keeps working): murk per axis, what the table
# has no room for.
CSV_COLUMNS = (*COLUMNS, *(f"{axis}_murk" for axis in AXES), "context_length", "checkpoint")


def record(outcome: Outcome) -> dict[str, Any]:
    """The JSONL line: CONTRACT.md's shape, or {"schema_version", "target", "error"} for a failed target."""
    if outcome.verdict is None:
        return failure_record(Failure(target=outcome.target, error=outcome.error or ""))
    return contract(outcome.verdict)


def cells(outcome: Outcome, lang: Lang | None) -> tuple[str, ...]:
    """One value per COLUMNS entry; lang None gives the machine form (CSV), a language the human form."""
    verdict = outcome.verdict
    if verdict is None:
        return (outcome.target, *("" for _ in COLUMNS[1:-1]), outcome.error or "")
    facts, lens = verdict.backbone.facts, verdict.lenses

    def flag(value: bool | None) -> str:
        if value is None:
            return "" if lang is None else "?"
        return str(value).lower() if lang is None else t("yes" if value else "no", lang)

    def count(value: int | None) -> str:
        return ("" if value is None else str(value)) if lang is None else human(value)

    def tags(axis: str) -> str:
        return (" " if lang is None else ", ").join(tag.name for tag in verdict.rows[axis].tags)

    return (verdict.target, verdict.source, lens.structure or "", flag(lens.moe), flag(lens.reasoning),
            count(facts.total_params), count(facts.active_params), facts.attention or "",
            tags("post_training"), tags("inference"), tags("product"),
            verdict.murkiest.axis if lang is None else t(verdict.murkiest.axis, lang), "")


def csv_cells(outcome: Outcome) -> tuple[str, ...]:
    """One value per CSV_COLUMNS entry, machine form."""
    verdict = outcome.verdict
    if verdict is None:
        return (*cells(outcome, None), *("" for _ in CSV_COLUMNS[len(COLUMNS):]))
    facts = verdict.backbone.facts
    return (*cells(outcome, None), *(f"{verdict.rows[axis].murk:.2f}" for axis in AXES),
            "" if facts.context_length is None else str(facts.context_length), facts.checkpoint or "")


def headers(lang: Lang) -> tuple[str, ...]:
    return tuple(t(name, lang) for name in COLUMNS)


class Emitter(Protocol):
    """Text for the start, each outcome (written and flushed at once) and the end of a run."""

    def start(self) -> str: ...

    def row(self, outcome: Outcome) -> str: ...

    def end(self) -> str: ...


class Jsonl:
    def start(self) -> str:
        return ""

    def row(self, outcome: Outcome) -> str:
        return json.dumps(record(outcome), ensure_ascii=False, allow_nan=False) + "\n"  # NaN is not JSON

    def end(self) -> str:
        return ""


class Csv:
    def start(self) -> str:
        return self._line(CSV_COLUMNS)

    def row(self, outcome: Outcome) -> str:
        return self._line(csv_cells(outcome))

    def end(self) -> str:
        return ""

    @staticmethod
    def _line(values: Iterable[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(values)
        return buffer.getvalue()


class Markdown:
    def __init__(self, lang: Lang):
        self.lang = lang

    def start(self) -> str:
        return self._line(headers(self.lang)) + "|" + "---|" * len(COLUMNS) + "\n"

    def row(self, outcome: Outcome) -> str:
        return self._line(cells(outcome, self.lang))

    def end(self) -> str:
        return ""

    @staticmethod
    def _line(values: Iterable[str]) -> str:
        return md_row(values) + "\n"


class Table:
    """A rich table cannot be streamed: it keeps each target's short cells (never a verdict) until the end.

    Made to be read at 100 columns: ids without their org where the name alone is unique, the lenses as
    letters (with a legend), each axis's tags on a line of their own with the murkiest axis marked ▲;
    failed targets are listed under the table with their errors.
    """

    def __init__(self, lang: Lang, width: int | None):
        self.lang = lang
        self.width = width
        self.rows: list[tuple[str, ...]] = []
        self.failed: list[tuple[str, str]] = []

    def start(self) -> str:
        return ""

    def row(self, outcome: Outcome) -> str:
        verdict, lang = outcome.verdict, self.lang
        if verdict is None:
            self.failed.append((outcome.target, outcome.error or ""))
            self.rows.append((outcome.target, "✗", "", "", t("failed", lang)))
            return ""
        facts = verdict.backbone.facts
        murkiest = verdict.murkiest.axis
        params = human(facts.total_params) if facts.total_params else "?"
        if facts.active_params and facts.active_params != facts.total_params:
            params += f"/{human(facts.active_params)}"
        params += " ▲" if murkiest == "backbone" else ""
        tags = "\n".join(f"{'▲ ' if axis == murkiest else ''}{t(f'{axis}_short', lang)}: "
                         f"{', '.join(tag.name for tag in verdict.rows[axis].tags) or '—'}" for axis in AXES[1:])
        self.rows.append((verdict.target, lens_code(verdict.lenses), params, facts.attention or "?", tags))
        return ""

    def end(self) -> str:
        from rich import box
        from rich.table import Table as RichTable  # rich costs start-up time: only for this format
        from rich.text import Text

        # Lines under the header only: the room goes to the cells, which wrap (a long id folds) and are never cut.
        grid = RichTable(show_lines=True, expand=False, box=box.SIMPLE_HEAD, show_edge=False)
        names = short_ids([row[0] for row in self.rows])
        for name in TABLE_COLUMNS:
            grid.add_column(t(name, self.lang), overflow="fold", ratio=1 if name == "tags_by_axis" else None)
        for name, values in zip(names, self.rows, strict=True):
            grid.add_row(*(Text(v) for v in (name, *values[1:])))
        lines = [t("legend", self.lang)]
        lines += [f"✗ {t('failed', self.lang)}: {target} — {error.removeprefix(f'{target}: ')}"
                  for target, error in self.failed]
        return export(grid, *(Text(line) for line in lines), width=self.width or 120)


TABLE_COLUMNS = ("target", "lens", "params", "attention", "tags_by_axis")
LENS_LETTERS = {"dense": "D", "moe": "M", "hybrid": "H", "ssm": "S", "encoder": "E", "encoder-decoder": "E"}


def lens_code(lenses: Lenses) -> str:
    """The two lenses in two letters: D/M/H/S/E/? for the structure (H M: a hybrid whose feed-forward layers
    are experts), R or - for reasoning or standard."""
    shape = LENS_LETTERS.get(lenses.structure or "", "?")
    if lenses.moe and shape != "M":
        shape += "M"
    return f"{shape} {'R' if lenses.reasoning else '-'}"


def short_ids(targets: list[str]) -> list[str]:
    """Repo ids without their org where the name alone is unique in the batch."""
    names = [target.rstrip("/").rsplit("/", 1)[-1] for target in targets]
    return [name if names.count(name) == 1 else target for name, target in zip(names, targets, strict=True)]


def write_all(outcomes: Iterable[Outcome], out: Emitter, stream: TextIO,
              tick: Callable[[Outcome], None] = lambda _: None, rows_done: Callable[[], None] = lambda: None) -> int:
    """Write every outcome as it arrives, flushed, so an interrupted run keeps what it finished.
    `rows_done` runs after the last row and before the end (a progress bar clears itself before a table).

    Returns how many targets failed.
    """
    failed = 0
    stream.write(out.start())
    for outcome in outcomes:
        stream.write(out.row(outcome))
        stream.flush()
        failed += not outcome.ok
        tick(outcome)
    rows_done()
    stream.write(out.end())
    stream.flush()
    return failed
