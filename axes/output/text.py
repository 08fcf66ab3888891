"""Text building blocks every renderer shares: human numbers, Markdown tables, rich renderables as plain text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any


def human(n: int | None) -> str:
    if n is None:
        return "?"
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= size:
            return f"{n / size:.3g}{unit}" if n / size < 100 else f"{n / size:.0f}{unit}"
    return str(n)


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(md_cell(c) for c in cells) + " |"


def md_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table's lines: the header, its rule, one line per row."""
    return [md_row(headers), "|" + "---|" * len(headers), *(md_row(row) for row in rows)]


def export(*renderables: Any, width: int) -> str:
    """Rich renderables as plain text at a fixed width (no colour, no terminal needed)."""
    from rich.console import Console  # rich costs start-up time: only for the formats that draw

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None, highlight=False)
    for item in renderables:
        console.print(item)
    return console.export_text().rstrip() + "\n"

