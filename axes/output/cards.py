"""The catalog listing (`axes cards list`) for people: one card a line, its lenses in words, the date its
source was read, whose card it is. Wraps to the width it is given instead of running past it."""

from __future__ import annotations

from ..workflows.cards import CardRow
from .i18n import Lang, lens_label, t
from .text import export

MIN_LENSES = 14  # the lenses column never narrower than this ("MoE + reasoning" wraps once at most)


def listing(rows: list[CardRow], lang: Lang, width: int | None) -> str:
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    cells = [(row.id, lens_label(row.lenses, lang) if row.lenses else row.summary, row.date or "-",
              t(row.origin, lang)) for row in rows]
    widths = [max((cell_len(c[i]) for c in cells), default=1) for i in range(4)]
    if width:
        # The date and whose card keep their widths; the id gives way before the lenses do, both wrap.
        room = width - widths[2] - widths[3] - 4  # a space after each column
        widths[0] = max(12, min(widths[0], room - MIN_LENSES))
        widths[1] = max(MIN_LENSES, min(widths[1], room - widths[0]))
    grid = Table(box=None, show_header=False, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for size in widths:
        grid.add_column(width=size, overflow="fold")
    for row in cells:
        grid.add_row(*(Text(c) for c in row))
    return export(grid, width=width or sum(widths) + 8)
