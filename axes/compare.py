"""Models side by side, axis by axis: which axis carries the difference between them.

Lesson 02's test case: DeepSeek-V3 and DeepSeek-R1 share a backbone ("the weights file shape is the
same") and differ on post-training. So the backbone is compared on what fixes the weights' shapes and
wiring (BACKBONE_WIRING, total parameters within 1%), not on how the weights are stored or served: a
quantized or context-extended copy keeps its base's backbone, and that difference is reported as a note
(the verdict row reads "same", with "quantized: awq" under the copy). The other axes are compared on their
tag names.

When a model publishes no config.json its backbone is unknown, so the backbone verdict is "cannot tell"
(`same: null` in JSON) rather than a guess either way.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from .i18n import Lang, t
from .models import AXES, Facts, Verdict, frozen
from .render import export, human, md_cell

# Facts that decide the weights' shapes and wiring: any difference means another backbone.
BACKBONE_WIRING = ("structure", "layers", "hidden_size", "heads", "kv_heads", "attention", "attention_pattern",
                   "position", "experts", "experts_per_token", "shared_experts")
PARAMS_TOLERANCE = 0.01  # total parameters this close are the same backbone (tied heads, padded vocab)
# Facts about storage and serving settings: reported when they differ, but the backbone stays the same.
BACKBONE_SETTINGS = ("quantization", "rope_scaling", "rope_theta", "context_length", "sliding_window")


@frozen
class Difference:
    kind: Literal["fact", "tag"]
    name: str
    values: tuple[Any, ...]  # one per model, in the models' order; for a tag, whether the model has it


@frozen
class AxisComparison:
    axis: str
    same: bool | None  # None: cannot tell (a backbone no config.json establishes)
    differences: tuple[Difference, ...] = ()
    notes: tuple[Difference, ...] = ()  # differences that leave the axis the same


@frozen
class Comparison:
    verdicts: tuple[Verdict, ...]
    axes: dict[str, AxisComparison]

    @property
    def carrier(self) -> list[str]:
        """The axes that differ: where the difference between the models lives."""
        return [axis for axis in AXES if self.axes[axis].same is False]

    def to_json(self) -> dict[str, Any]:
        return {
            "models": [v.to_contract() for v in self.verdicts],
            "axes": {axis: {"same": c.same,
                            "differences": [asdict(d) for d in c.differences],
                            "notes": [asdict(d) for d in c.notes]}
                     for axis, c in self.axes.items()},
            "carrier": self.carrier,
        }


def compare(verdicts: tuple[Verdict, ...]) -> Comparison:
    axes = {"backbone": backbone(verdicts)}
    for axis in AXES[1:]:
        axes[axis] = tags(axis, verdicts)
    return Comparison(verdicts=verdicts, axes=axes)


def backbone(verdicts: tuple[Verdict, ...]) -> AxisComparison:
    facts = [v.backbone.facts for v in verdicts]
    if any(f.structure is None for f in facts):
        return AxisComparison(axis="backbone", same=None)
    differences = [d for name in BACKBONE_WIRING if (d := _fact_difference(name, facts))]
    totals = tuple(f.total_params for f in facts)
    known = [n for n in totals if n is not None]
    if len(known) == len(totals) and max(known) - min(known) > PARAMS_TOLERANCE * max(known):
        differences.append(Difference(kind="fact", name="total_params", values=totals))
    notes = [d for name in BACKBONE_SETTINGS if (d := _fact_difference(name, facts))]
    return AxisComparison(axis="backbone", same=not differences, differences=tuple(differences),
                          notes=tuple(notes))


def _fact_difference(name: str, facts: list[Facts]) -> Difference | None:
    values = tuple(getattr(f, name) for f in facts)
    return None if len(set(values)) == 1 else Difference(kind="fact", name=name, values=values)


def tags(axis: str, verdicts: tuple[Verdict, ...]) -> AxisComparison:
    names = [{tag.name for tag in v.rows[axis].tags} for v in verdicts]
    everywhere = set.intersection(*names)
    differing = sorted(set.union(*names) - everywhere)
    differences = tuple(Difference(kind="tag", name=n, values=tuple(n in have for have in names))
                        for n in differing)
    return AxisComparison(axis=axis, same=not differences, differences=differences)


# -- rendering ---------------------------------------------------------------------------------------


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
    lines = ["| " + " | ".join(md_cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    for axis, cells in rows:
        lines.append("| " + " | ".join(md_cell(c) for c in [t(axis, lang), *cells]) + " |")
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
