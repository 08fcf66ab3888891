"""One Verdict -> text for people: the rich table and Markdown (JSON and YAML are output.contract's dict).
Renderers return strings and never print; rich is imported only by the table renderer (start-up time).
"""

from __future__ import annotations

from ..types import AXES, Evidence, Facts, Tag, Verdict
from ..verdict import grades
from .i18n import Lang, lesson, t, why
from .text import export, human, md_table


def backbone_facts(facts: Facts, lang: Lang = Lang.en) -> list[str]:
    """Short phrases for the backbone row, most telling first."""
    if facts.structure is None and facts.total_params is None:
        return []
    parts = []
    structure = {"moe": "MoE", "dense": "dense"}.get(facts.structure or "", facts.structure or "?")
    if facts.experts:
        shared = f" + {facts.shared_experts} shared" if facts.shared_experts else ""
        structure += f" ({facts.experts} experts{shared}, top-{facts.experts_per_token})"
    parts.append(structure)
    if facts.total_params:
        active = ""
        if facts.active_params and facts.active_params != facts.total_params:
            active = f" / {human(facts.active_params)} {t('active', lang)}"
        parts.append(f"{human(facts.total_params)} {t('params', lang)}{active}")
    if facts.attention:
        kv = f" ({facts.kv_heads} KV heads)" if facts.attention == "GQA" and facts.kv_heads else ""
        parts.append(f"{facts.attention}{kv}")
    if facts.position:
        scaling = f"+{facts.rope_scaling}" if facts.rope_scaling else ""
        parts.append(f"{facts.position}{scaling}")
    if facts.attention_pattern and facts.attention_pattern != "global":
        window = f" {facts.sliding_window}" if facts.sliding_window else ""
        parts.append(f"{facts.attention_pattern}{window}")
    if facts.context_length:
        parts.append(f"{t('context', lang)} {facts.context_length:,}")
    if facts.kv_cache_bytes_per_token:
        parts.append(f"{t('kv_cache', lang)} {facts.kv_cache_bytes_per_token:,} {t('bytes_per_token', lang)}")
    if facts.mtp_layers:
        parts.append(f"MTP x{facts.mtp_layers} ({human(facts.mtp_params)})")
    if facts.quantization:
        parts.append(f"quant {facts.quantization}")
    return parts


def tag_label(tag: Tag) -> str:
    return f"{tag.name} ({tag.strength.value})"


def cite(ev: Evidence) -> str:
    return f"{ev.file}:{ev.line}" if ev.line else ev.file


def row_cells(verdict: Verdict, axis: str, lang: Lang) -> tuple[str, str]:
    row = verdict.rows[axis]
    found: list[str] = []
    where: list[str] = []
    if axis == "backbone":
        found += backbone_facts(verdict.backbone.facts, lang)
        where += sorted({f"config.json:{s.line}" for s in verdict.backbone.sources.values() if s.line},
                        key=lambda c: int(c.rsplit(":", 1)[1]))[:4]
    if axis == "post_training" and verdict.lineage.base_model:
        relation = verdict.lineage.relation or t("lineage", lang)
        found.append(f"{relation} of {', '.join(verdict.lineage.base_model)}")
    tags = [tg for tg in row.tags if axis != "backbone" or tg.strength.value != "verified"]
    found += [tag_label(tg) for tg in tags]
    for tg in tags:
        for ev in tg.evidence[:1]:
            if cite(ev) not in where:
                where.append(cite(ev))
    if row.marketing:
        found.append(f"{len(row.marketing)} {t('marketing', lang)}")
    best = grades(row.materials)
    if best:
        found.append(f"{t('materials', lang)}: " + ", ".join(f"{kind} {grade}" for kind, grade in best.items()))
    if row.unread:
        found.append(f"{t('unread', lang)}: " + ", ".join(name for name, _ in row.unread))
    return (", ".join(found) or t("nothing", lang)), ", ".join(where[:6])


def murk_sentence(verdict: Verdict, lang: Lang) -> str:
    """Why the murkiest axis is murky, in the reader's language."""
    return why(verdict.murkiest, lang)


def lenses_line(verdict: Verdict, lang: Lang) -> str:
    return f"{verdict.lenses.summary} — {lesson(verdict.lenses, lang)}"


def markdown(verdict: Verdict, lang: Lang, explain: bool = False) -> str:
    rows = []
    for axis in AXES:
        found, where = row_cells(verdict, axis, lang)
        mark = " **▲**" if axis == verdict.murkiest.axis else ""
        rows.append((f"{t(axis, lang)}{mark}", found, where, f"{verdict.rows[axis].murk:.2f}"))
    lines = [f"## {verdict.target}", "", f"{t('source', lang)}: {verdict.source}  ",
             f"{t('lenses', lang)}: {lenses_line(verdict, lang)}", "",
             *md_table([t("axis", lang), t("facts", lang), t("where", lang), t("murk", lang)], rows),
             "", f"**{t('murkiest', lang)}: {t(verdict.murkiest.axis, lang)}** — {murk_sentence(verdict, lang)}"]
    if explain:
        lines += ["", *explain_lines(verdict)]
    return "\n".join(lines) + "\n"


def explain_lines(verdict: Verdict) -> list[str]:
    out = []
    for axis in AXES:
        row = verdict.rows[axis]
        for tag in row.tags:
            out.append(f"{axis}  {tag.name}  [{tag.strength.value}]  rule {tag.rule}")
            out += [f"    {cite(ev)}  {ev.text}" for ev in tag.evidence]
        for ev in row.marketing:
            out.append(f"{axis}  marketing  {cite(ev)}  {ev.text}")
        for material in row.materials:
            out.append(f"{axis}  {material.kind} {material.grade}  rule {material.rule}")
            out += [f"    {cite(ev)}  {ev.text}" for ev in material.evidence]
    return out


def table(verdict: Verdict, lang: Lang, explain: bool, width: int | None) -> str:
    from rich.table import Table
    from rich.text import Text

    # Cells are Text, never markup: card text is full of [brackets].
    grid = Table(title=Text(f"{verdict.target}  ({verdict.source})"), title_justify="left", show_lines=True,
                 expand=True)
    from rich.cells import cell_len

    # Wide enough for the longest axis label (Korean labels are twice as wide per character) and its ▲.
    label_width = max(cell_len(t(axis, lang)) for axis in AXES) + 2
    grid.add_column(t("axis", lang), no_wrap=True, min_width=label_width)
    grid.add_column(t("facts", lang), ratio=6)
    grid.add_column(t("where", lang), ratio=3)
    grid.add_column(t("murk", lang), justify="right", min_width=cell_len(t("murk", lang)))
    for axis in AXES:
        found, where = row_cells(verdict, axis, lang)
        name = t(axis, lang) + (" ▲" if axis == verdict.murkiest.axis else "")
        grid.add_row(Text(name), Text(found), Text(where), Text(f"{verdict.rows[axis].murk:.2f}"))
    lines = [f"{t('lenses', lang)}: {lenses_line(verdict, lang)}",
             f"▲ {t('murkiest', lang)}: {t(verdict.murkiest.axis, lang)} — {murk_sentence(verdict, lang)}",
             *(f"· {n}" for n in (verdict.backbone.facts.kv_cache_note, *verdict.backbone.notes) if n),
             *(explain_lines(verdict) if explain else [])]
    return export(grid, *(Text(line) for line in lines), width=width or 110)
