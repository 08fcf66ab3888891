"""A Comparison -> text: the side-by-side table, Markdown, and the JSON record."""

from __future__ import annotations

from typing import Any

from msgspec.structs import asdict

from ..types import AXES, Failure, Verdict
from ..workflows.compare import AxisComparison, Comparison, Difference
from .contract import SCHEMA_VERSION, contract, failure_record
from .exercise import not_found
from .i18n import Lang, t
from .text import export, human, md_table


def record(comparison: Comparison, missing: tuple[Failure, ...] = ()) -> dict[str, Any]:
    """The JSON of `axes compare --format json`: every model's contract, the per-axis verdicts, and the
    targets nothing knows (with the names they are close to), as CONTRACT.md has it."""
    record = {
        "schema_version": SCHEMA_VERSION,
        "models": [contract(v) for v in comparison.verdicts],
        "axes": {axis: {"same": c.same,
                        "differences": [asdict(d) for d in c.differences],
                        "notes": [asdict(d) for d in c.notes]}
                 for axis, c in comparison.axes.items()},
        "carrier": comparison.carrier,
    }
    if missing:  # like a Failure's suggestions, only when there are some
        record["missing"] = [failure_record(f) for f in missing]
    return record


def fact_rows(verdict: Verdict, lang: Lang) -> list[tuple[str, str]]:
    """The backbone facts as (row label, cell), in the order the comparison table shows them."""
    f = verdict.backbone.facts
    if f.structure is None:
        return [(t("structure", lang), f"{t('unknown', lang)} ({t('no_backbone', lang)})")]
    active = f" / {human(f.active_params)} {t('active', lang)}" if f.active_params != f.total_params else ""
    kv = f" ({f.kv_heads} KV)" if f.attention in ("GQA", "MQA") and f.kv_heads else ""
    shared = t("f_shared", lang).format(n=f.shared_experts) if f.shared_experts else ""
    experts = f"{f.experts}{shared}, top-{f.experts_per_token}" if f.experts else "—"
    return [
        (t("structure", lang), f.structure),
        (t("params", lang), f"{human(f.total_params)}{active}"),
        (t("shape", lang), f"{f.layers or '?'} × {f.hidden_size or '?'}"),
        (t("attention", lang), f"{f.attention or '?'}{kv}"),
        (t("position", lang), (f.position or "?") + (f"+{f.rope_scaling}" if f.rope_scaling else "")),
        (t("context", lang), f"{f.context_length:,}" if f.context_length else "?"),
        (t("experts", lang), experts),
        (t("kv_cache", lang), f"{cache:,} {t('bytes_per_token', lang)}" if (cache := f.kv_cache_bytes_per_token)
         else "?"),
        (t("number_format", lang), f.quantization or "—"),
    ]


def short_names(targets: list[str]) -> list[str]:
    """Repo names without the org when they are unambiguous (column headers, the closing sentence)."""
    names = [target.rstrip("/").rsplit("/", 1)[-1] for target in targets]
    return names if len(set(names)) == len(names) else list(targets)


def verdict_cells(comp: AxisComparison, verdicts: tuple[Verdict, ...], lang: Lang) -> tuple[str, list[str]]:
    """The verdict row: its label (same / differs / cannot tell) and, per model, what sets it apart."""
    if comp.same is None:
        blind = [t("no_backbone", lang) if v.backbone.facts.structure is None else "" for v in verdicts]
        return f"{t('verdict', lang)}: {t('cannot_tell', lang)}", blind
    word = t("same" if comp.same else "differs", lang)
    found = comp.notes if comp.same else comp.differences
    return f"{t('verdict', lang)}: {word}", [
        "; ".join(text for d in found if (text := own_part(d, index, lang))) for index in range(len(verdicts))
    ]


def own_part(diff: Difference, index: int, lang: Lang) -> str:
    """What one model brings to a difference: a tag only some have (+tag), or its own value of a fact."""
    value = diff.values[index]
    if diff.kind == "tag":
        return f"+{diff.name}" if value else ""
    if diff.name == "quantization":
        return f"{t('quantized', lang)}: {value}" if value else ""
    shown = human(value) if diff.name == "total_params" else ("—" if value is None else str(value))
    return f"{t(f'fact_{diff.name}', lang)} {shown}"


def closing(comparison: Comparison, lang: Lang, missing: tuple[Failure, ...] = ()) -> str:
    """One sentence naming the axis that carries the difference (lesson 02: V3 -> R1 is post-training)."""
    carrier = comparison.carrier
    same = [t(a, lang) for a in AXES if comparison.axes[a].same]
    unknown = [a for a in AXES if comparison.axes[a].same is None]
    parts = [t("carrier", lang).format(axes=", ".join(t(a, lang) for a in carrier)) if carrier
             else t("carrier_none", lang)]
    if carrier and same:
        parts.append(t("carrier_same", lang).format(axes=", ".join(same)))
    if unknown:
        verdicts = comparison.verdicts
        blind = [n for n, v in zip(short_names([v.target for v in verdicts]), verdicts, strict=True)
                 if v.backbone.facts.structure is None]
        parts.append(t("carrier_unknown", lang).format(axes=", ".join(t(a, lang) for a in unknown),
                                                      models=", ".join(blind)))
    if missing:
        parts.append(t("carrier_missing", lang).format(models=", ".join(f.target for f in missing)))
    return " ".join(parts)


def grid(comparison: Comparison, lang: Lang,
         results: tuple[Verdict | Failure, ...] = ()) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Headers and (axis, cells) rows shared by the table and Markdown renderers: a column per model, in the
    order given (`results`, verdicts and failures; default the compared verdicts); a model nothing knows is
    marked "not found" in its first cell, its other cells empty."""
    verdicts = comparison.verdicts
    results = results or verdicts

    def columns(cells: list[str], first: bool = False) -> list[str]:
        """Cells of the compared verdicts (in their order) placed in the columns of all results."""
        found = iter(cells)
        return [next(found) if isinstance(r, Verdict) else not_found(r, lang) if first else "—" for r in results]

    rows: list[tuple[str, list[str]]] = []
    per_model = [dict(fact_rows(v, lang)) for v in verdicts]
    labels = list(dict.fromkeys(label for facts in per_model for label in facts))
    for i, label in enumerate(labels):
        rows.append(("backbone", [label, *columns([facts.get(label, "?") for facts in per_model], i == 0)]))
    for axis in AXES:
        if axis != "backbone":
            tag_cells = [", ".join(tag.name for tag in v.rows[axis].tags) or "—" for v in verdicts]
            rows.append((axis, [t("tags", lang), *columns(tag_cells)]))
        label, cells = verdict_cells(comparison.axes[axis], verdicts, lang)
        rows.append((axis, [label, *columns(cells)]))
    return [t("axis", lang), "", *short_names([r.target for r in results])], rows


def markdown(comparison: Comparison, lang: Lang, results: tuple[Verdict | Failure, ...] = ()) -> str:
    headers, rows = grid(comparison, lang, results)
    lines = md_table(headers, ([t(axis, lang), *cells] for axis, cells in rows))
    return "\n".join(lines) + "\n\n" + closing(comparison, lang, failures(results)) + "\n"


def table(comparison: Comparison, lang: Lang, width: int | None, results: tuple[Verdict | Failure, ...] = ()) -> str:
    from rich.table import Table
    from rich.text import Text

    headers, rows = grid(comparison, lang, results)
    # The axis names head their sections, so the models' columns get the room the names would take.
    out = Table(show_lines=False)
    out.add_column(headers[0], overflow="fold")
    for header in headers[2:]:
        out.add_column(header, overflow="fold")  # a tag name too long for its column folds, never cut
    previous = None
    for axis, (label, *cells) in rows:
        if axis != previous:
            out.add_row(Text(t(axis, lang), style="bold"), *("" for _ in cells))
        out.add_row(Text("  " + label), *(Text(c) for c in cells), end_section=label.startswith(t("verdict", lang)))
        previous = axis
    return export(out, Text(closing(comparison, lang, failures(results))), width=width or 120)


def failures(results: tuple[Verdict | Failure, ...]) -> tuple[Failure, ...]:
    return tuple(r for r in results if isinstance(r, Failure))
