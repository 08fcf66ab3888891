"""The course's two exercises, answered from a model's own files, as Markdown a learner can keep.

- Lesson 02, four axes: a four-row table (one row per axis, what is known and where), the murkiest axis
  and why, and the questions to look up next for that axis, chosen from what the evidence leaves open.
- Lesson 04, three lenses: for each of five models, (a) dense or MoE backbone and (b) standard or
  reasoning inference, each with its evidence; an unknown backbone is flagged as the thing to look up.

Labels and sentences follow --lang; facts and evidence stay as found.
"""

from __future__ import annotations

from collections.abc import Callable

from .i18n import Lang, t
from .models import Tag, Verdict
from .render import cite, lenses_line, md_cell, murk_sentence, row_cells
from .verdict import METHOD_TAGS, REASONING_TAGS

MAX_QUESTIONS = 3
MIN_QUESTIONS = 2
PHRASE_CHARS = 80  # a marketing phrase quoted in a question is cut to this length
PREFERENCE_TAGS = {"rlhf", "ppo", "dpo", "preference-tuning"}
RL_TAGS = {"rl", "rlhf", "ppo", "grpo", "rlvr"}

# A question with the test that makes it worth asking (the evidence leaves it open), in priority order.
Question = tuple[str, Callable[[Verdict], bool]]


def _names(verdict: Verdict, axis: str) -> set[str]:
    return {tag.name for tag in verdict.rows[axis].tags}


def _lacks(axis: str, wanted: set[str]) -> Callable[[Verdict], bool]:
    return lambda v: not (_names(v, axis) & wanted)


def _has(axis: str, wanted: set[str]) -> Callable[[Verdict], bool]:
    return lambda v: bool(_names(v, axis) & wanted)


QUESTIONS: dict[str, list[Question]] = {
    "backbone": [
        ("q_structure", lambda v: v.backbone.facts.structure is None),
        ("q_params", lambda v: v.backbone.facts.total_params is None),
        ("q_attention", lambda v: v.backbone.facts.attention is None),
        ("q_position", lambda v: v.backbone.facts.position is None),
        ("q_context", lambda v: v.backbone.facts.context_length is None),
    ],
    "post_training": [
        ("q_methods", _lacks("post_training", METHOD_TAGS)),
        ("q_marketing", lambda v: bool(v.rows["post_training"].marketing)),
        ("q_preference", _lacks("post_training", PREFERENCE_TAGS | {"base-only"})),
        ("q_reward", _has("post_training", RL_TAGS)),
        ("q_teacher", _has("post_training", {"distillation"})),
        ("q_base", lambda v: not v.lineage.base_model),
    ],
    "inference": [
        ("q_thinking", _lacks("inference", REASONING_TAGS)),
        ("q_budget", lambda v: bool(_names(v, "inference") & REASONING_TAGS)
         and "reasoning-effort" not in _names(v, "inference")),
        ("q_marketing", lambda v: bool(v.rows["inference"].marketing)),
        ("q_sampling", _lacks("inference", {"sampling-defaults"})),
        ("q_speedup", _lacks("inference", {"mtp", "speculative-decoding"})),
    ],
    "product": [
        ("q_tools", _lacks("product", {"tool-use"})),
        ("q_marketing", lambda v: bool(v.rows["product"].marketing)),
        ("q_system_prompt", _lacks("product", {"system-prompt"})),
        ("q_guardrail", _lacks("product", {"guardrail"})),
        ("q_retrieval", _lacks("product", {"rag", "browsing", "memory"})),
    ],
}
# Questions no file settles, asked only to reach MIN_QUESTIONS when the evidence leaves little open.
GENERAL = {
    "backbone": ["q_config_check", "q_memory"],
    "post_training": ["q_data", "q_safety"],
    "inference": ["q_test_time", "q_constrained"],
    "product": ["q_product_gap", "q_orchestration"],
}


def questions(verdict: Verdict, axis: str, lang: Lang) -> list[str]:
    """Two or three questions for the axis, from what its evidence leaves open."""
    marketing = verdict.rows[axis].marketing
    phrase = marketing[0].text.strip()[:PHRASE_CHARS] if marketing else ""
    picked = [key for key, is_open in QUESTIONS[axis] if is_open(verdict)][:MAX_QUESTIONS]
    picked += GENERAL[axis][: max(0, MIN_QUESTIONS - len(picked))]
    return [t(key, lang).format(phrase=phrase) for key in picked]


def four_axes(verdict: Verdict, lang: Lang = "en") -> str:
    """Lesson 02's exercise: the four-row table, the murkiest axis and why, what to look up next."""
    axis = verdict.murkiest.axis
    lines = [f"# {t('four_axes_title', lang).format(model=verdict.target)}", "",
             t("four_axes_intro", lang), "",
             f"{t('source', lang)}: {verdict.source} · {t('lenses', lang)}: {lenses_line(verdict, lang)}", "",
             f"| {t('axis', lang)} | {t('known', lang)} | {t('evidence', lang)} | {t('murk', lang)} |",
             "|---|---|---|---|"]
    for name, row in verdict.rows.items():
        known, where = row_cells(verdict, name, lang)
        mark = " **▲**" if name == axis else ""
        cells = (f"{t(name, lang)}{mark}", md_cell(known), md_cell(where) or "—", f"{row.murk:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"## {t('murkiest_title', lang).format(axis=t(axis, lang))}", "",
              f"{murk_sentence(verdict, lang)}. {t('murkiest_lesson', lang)}", "",
              f"## {t('questions', lang)}", ""]
    lines += [f"{i}. {q}" for i, q in enumerate(questions(verdict, axis, lang), 1)]
    return "\n".join(lines) + "\n"


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


def lenses(verdicts: tuple[Verdict, ...], lang: Lang = "en") -> str:
    """Lesson 04's exercise: each model's two lenses with evidence, then what to look up next."""
    lines = [f"# {t('lenses_title', lang).format(n=len(verdicts))}", "", t("lenses_intro", lang), "",
             f"| {t('model', lang)} | {t('lens_backbone', lang)} | {t('evidence', lang)} "
             f"| {t('lens_inference', lang)} | {t('evidence', lang)} |",
             "|---|---|---|---|---|"]
    for verdict in verdicts:
        cells = (verdict.target, *backbone_lens(verdict, lang), *inference_lens(verdict, lang))
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    unknown = [v.target for v in verdicts if v.lenses.moe is None]
    closing = (t("lenses_unknown", lang).format(models=", ".join(unknown)) if unknown
               else t("lenses_all_known", lang))
    return "\n".join(lines) + "\n\n" + closing + "\n"
