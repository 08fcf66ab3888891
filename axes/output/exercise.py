"""The course's two exercises as Markdown a learner can keep (lesson 02: four axes; lesson 04: three lenses).

Labels and sentences follow --lang; facts and evidence stay as found.
"""

from __future__ import annotations

from ..types import Axis, Tag, Verdict
from ..verdict import REASONING_TAGS
from ..workflows.exercise import questions
from .i18n import Lang, t
from .inspect import cite, lenses_line, murk_sentence, row_cells
from .text import md_table


def four_axes(verdict: Verdict, lang: Lang = Lang.en) -> str:
    """Lesson 02's exercise: the four-row table, the murkiest axis and why, what to look up next."""
    axis = verdict.murkiest.axis
    rows = []
    for name, row in verdict.rows.items():
        known, where = row_cells(verdict, name, lang)
        mark = " **▲**" if name == axis else ""
        rows.append((f"{t(name, lang)}{mark}", known, where or "—", f"{row.murk:.2f}"))
    lines = [f"# {t('four_axes_title', lang).format(model=verdict.target)}", "",
             t("four_axes_intro", lang), "",
             f"{t('source', lang)}: {verdict.source} · {t('lenses', lang)}: {lenses_line(verdict, lang)}", "",
             *md_table([t("axis", lang), t("known", lang), t("evidence", lang), t("murk", lang)], rows),
             "", f"## {t('murkiest_title', lang).format(axis=t(axis, lang))}", "",
             f"{murk_sentence(verdict, lang)}. {t('murkiest_lesson', lang)}", "",
             f"## {t('questions', lang)}", ""]
    lines += [f"{i}. {q}" for i, q in enumerate(asked(verdict, axis, lang), 1)]
    return "\n".join(lines) + "\n"


def asked(verdict: Verdict, axis: Axis, lang: Lang) -> list[str]:
    """The questions to look up next for the axis, in the reader's language."""
    keys, phrase = questions(verdict, axis)
    return [t(key, lang).format(phrase=phrase) for key in keys]


def backbone_lens(verdict: Verdict, lang: Lang) -> tuple[str, str]:
    """(a) dense / MoE / unknown, and the config.json line that says so."""
    lens, sources = verdict.lenses, verdict.backbone.sources
    if lens.moe is None:
        return f"**{t('unknown', lang)} — {t('lookup', lang)}**", t("no_backbone", lang)
    label = t("moe" if lens.moe else "dense", lang)
    if lens.structure not in ("dense", "moe", None):
        label += f" ({lens.structure})"  # hybrid or SSM: the dense/MoE lens is about its feed-forward layers
    source = sources.get("experts" if lens.moe else "structure") or sources.get("structure")
    where = f"config.json:{source.line}" if source and source.line else "config.json"
    return label, where


def inference_lens(verdict: Verdict, lang: Lang) -> tuple[str, str]:
    """(b) standard / reasoning, and the evidence of a thinking mode (its absence for standard)."""
    thinking: list[Tag] = [tag for tag in verdict.rows["inference"].tags if tag.name in REASONING_TAGS]
    if not thinking:
        return t("standard", lang), t("no_reasoning_found", lang)
    cites = [f"{cite(tag.evidence[0])} ({tag.name})" for tag in thinking if tag.evidence]
    return t("reasoning", lang), ", ".join(cites) or thinking[0].name


def lenses(verdicts: tuple[Verdict, ...], lang: Lang = Lang.en) -> str:
    """Lesson 04's exercise: each model's two lenses with evidence, then what to look up next."""
    headers = [t("model", lang), t("lens_backbone", lang), t("evidence", lang), t("lens_inference", lang),
               t("evidence", lang)]
    rows = [(v.target, *backbone_lens(v, lang), *inference_lens(v, lang)) for v in verdicts]
    lines = [f"# {t('lenses_title', lang).format(n=len(verdicts))}", "", t("lenses_intro", lang), "",
             *md_table(headers, rows)]
    unknown = [v.target for v in verdicts if v.lenses.moe is None]
    closing = (t("lenses_unknown", lang).format(models=", ".join(unknown)) if unknown
               else t("lenses_all_known", lang))
    return "\n".join(lines) + "\n\n" + closing + "\n"
