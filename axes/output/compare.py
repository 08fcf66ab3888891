"""A Comparison -> text: the side-by-side table, Markdown, and the JSON record."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ..types import AXES, Verdict
from ..workflows.compare import AxisComparison, Comparison, Difference
from .contract import SCHEMA_VERSION, contract
from .i18n import Lang, t
from .text import export, human, md_table


def record(comparison: Comparison) -> dict[str, Any]:
    """The JSON of `axes compare --format json`: every model's contract, then the per-axis verdicts."""
    return {
        "schema_version": SCHEMA_VERSION,
        "models": [contract(v) for v in comparison.verdicts],
        "axes": {axis: {"same": c.same,
                        "differences": [asdict(d) for d in c.differences],
                        "notes": [asdict(d) for d in c.notes]}
                 for axis, c in comparison.axes.items()},
        "carrier": comparison.carrier,
    }


def fact_rows(verdict: Verdict, lang: Lang) -> list[tuple[str, str]]:
    """The backbone facts as (row label, cell), in the order the comparison table shows them."""
    f = verdict.backbone.facts
    if f.structure is None:
        return [(t("structure", lang), f"{t('unknown', lang)} ({t('no_backbone', lang)})")]
    active = f" / {human(f.active_params)} {t('active', lang)}" if f.active_params != f.total_params else ""
    kv = f" ({f.kv_heads} KV)" if f.attention in ("GQA", "MQA") and f.kv_heads else ""
    experts = (f"{f.experts}" + (f" + {f.shared_experts} shared" if f.shared_experts else "")
               + f", top-{f.experts_per_token}") if f.experts else "—"
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


def short_names(verdicts: tuple[Verdict, ...]) -> list[str]:
    """Repo names without the org when they are unambiguous (column headers, the closing sentence)."""
    names = [v.target.rstrip("/").rsplit("/", 1)[-1] for v in verdicts]
    return names if len(set(names)) == len(names) else [v.target for v in verdicts]


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
    return f"{t(diff.name, lang)} {shown}"


def closing(comparison: Comparison, lang: Lang) -> str:
    """One sentence naming the axis that carries the difference (lesson 02: V3 -> R1 is post-training)."""
    carrier = comparison.carrier
    same = [t(a, lang) for a in AXES if comparison.axes[a].same]
    unknown = [a for a in AXES if comparison.axes[a].same is None]
    parts = [t("carrier", lang).format(axes=", ".join(t(a, lang) for a in carrier)) if carrier
             else t("carrier_none", lang)]
    if carrier and same:
        parts.append(t("carrier_same", lang).format(axes=", ".join(same)))
    if unknown:
        blind = [n for n, v in zip(short_names(comparison.verdicts), comparison.verdicts, strict=True)
                 if v.backbone.facts.structure is None]
        parts.append(t("carrier_unknown", lang).format(axes=", ".join(t(a, lang) for a in unknown),
                                                      models=", ".join(blind)))
    return " ".join(parts)


def grid(comparison: Comparison, lang: Lang) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Headers and (axis, cells) rows shared by the table and Markdown renderers."""
    verdicts = comparison.verdicts
    rows: list[tuple[str, list[str]]] = []
    per_model = [fact_rows(v, lang) for v in verdicts]
    labels = list(dict.fromkeys(label for facts in per_model for label, _ in facts))
    for label in labels:
        rows.append(("backbone", [label, *(dict(facts).get(label, "?") for facts in per_model)]))
    for axis in AXES:
        if axis != "backbone":
            tag_cells = [", ".join(tag.name for tag in v.rows[axis].tags) or "—" for v in verdicts]
            rows.append((axis, [t("tags", lang), *tag_cells]))
        label, cells = verdict_cells(comparison.axes[axis], verdicts, lang)
        rows.append((axis, [label, *cells]))
    return [t("axis", lang), "", *short_names(verdicts)], rows


def markdown(comparison: Comparison, lang: Lang) -> str:
    headers, rows = grid(comparison, lang)
    lines = md_table(headers, ([t(axis, lang), *cells] for axis, cells in rows))
    return "\n".join(lines) + "\n\n" + closing(comparison, lang) + "\n"


def table(comparison: Comparison, lang: Lang, width: int | None) -> str:
    from rich.table import Table
    from rich.text import Text

    headers, rows = grid(comparison, lang)
    out = Table(show_lines=False, expand=True)
    for header in headers:
        out.add_column(header)
    previous = None
    for axis, cells in rows:
        label = t(axis, lang) if axis != previous else ""
        out.add_row(label, *cells, end_section=cells[0].startswith(t("verdict", lang)))
        previous = axis
    return export(out, Text(closing(comparison, lang)), width=width or 120)
