"""The course's two exercises as Markdown a learner can keep (lesson 02: four axes; lesson 04: three lenses).

Labels and sentences follow --lang; facts and evidence stay as found, each fact beside the line that supports
it. A model nothing knows is a row of its own ("not found — look it up, or write a card"), listed at the end
with the names it is close to: lesson 04 expects at least one unknown, and an unknown is a right answer.
"""

from __future__ import annotations

from .. import regexes
from ..types import Axis, Failure, Tag, Verdict
from ..verdict import REASONING_TAGS
from ..workflows.exercise import questions
from .i18n import Lang, lenses_line, listing, t
from .inspect import cite, config_cite, facts_cell, model_name, murk_sentence, provenance, row_facts
from .text import md_table

Result = Verdict | Failure
NAME = regexes.compile(r"^[\w.\-]+$")


def card_id(target: str) -> str:
    """What `axes cards new` would take for a target: its org/name, the org left to fill in for a bare name."""
    org, _, name = target.strip().partition("@")[0].rpartition("/")
    if not NAME.match(name):
        return "ORG/NAME"
    return f"{org}/{name}" if org and NAME.match(org) else f"ORG/{name}"


def not_found(failure: Failure, lang: Lang) -> str:
    return t("not_found", lang).format(card=card_id(failure.target))


def missing_section(results: tuple[Result, ...], lang: Lang) -> list[str]:
    """Every model nothing knows, each with the names it is close to (or where to look)."""
    failed = [r for r in results if isinstance(r, Failure)]
    if not failed:
        return []
    lines = ["", f"## {t('not_found_title', lang)}", ""]
    for failure in failed:
        hint = (t("did_you_mean", lang).format(names=listing([f"`{s}`" for s in failure.suggestions], lang, "or"))
                if failure.suggestions else t("no_close_name", lang))
        lines.append(f"- `{failure.target}` — {hint}")
    return lines


def four_axes(result: Result, lang: Lang = Lang.en) -> str:
    """Lesson 02's exercise: the four-row table, the murkiest axis and why, what to look up next."""
    headers = [t("axis", lang), t("known", lang), t("murk", lang)]
    if isinstance(result, Failure):
        cell = not_found(result, lang)
        rows = [(t(name, lang), cell, "—") for name in ("backbone", "post_training", "inference", "product")]
        lines = [f"# {t('four_axes_title', lang).format(model=result.target)}", "", t("four_axes_intro", lang), "",
                 *md_table(headers, rows), *missing_section((result,), lang)]
        return "\n".join(lines) + "\n"
    verdict = result
    axis = verdict.murkiest.axis
    rows = []
    for name, row in verdict.rows.items():
        mark = " **▲**" if name == axis else ""
        rows.append((f"{t(name, lang)}{mark}", facts_cell(row_facts(verdict, name, lang), lang, "; "),
                     f"{row.murk:.2f}"))
    lines = [f"# {t('four_axes_title', lang).format(model=verdict.target)}", "",
             f"{provenance(verdict, lang)}  ", f"{t('lenses', lang)}: {lenses_line(verdict.lenses, lang)}", "",
             t("four_axes_intro", lang), "",
             *md_table(headers, rows),
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
        label += f" ({t(lens.structure, lang)})"  # hybrid or SSM: the dense/MoE lens is about its feed-forward layers
    source = sources.get("experts" if lens.moe else "structure") or sources.get("structure")
    return label, config_cite(source, verdict.origin) or "config.json"


def inference_lens(verdict: Verdict, lang: Lang) -> tuple[str, str]:
    """(b) standard / reasoning, and the evidence of a thinking mode (its absence for standard)."""
    thinking: list[Tag] = [tag for tag in verdict.rows["inference"].tags if tag.name in REASONING_TAGS]
    if not thinking:
        return t("standard", lang), t("no_reasoning_found", lang)
    cites = [f"{cite(tag.evidence[0], verdict.origin)} ({tag.name})" for tag in thinking if tag.evidence]
    return t("reasoning", lang), ", ".join(cites) or thinking[0].name


def lens_row(result: Result, lang: Lang) -> tuple[str, ...]:
    if isinstance(result, Failure):
        cell = f"**{not_found(result, lang)}**"
        return (f"`{result.target}`", cell, "—", cell, "—")
    return (model_name(result), *backbone_lens(result, lang), *inference_lens(result, lang))


def lenses(results: tuple[Result, ...], lang: Lang = Lang.en) -> str:
    """Lesson 04's exercise: each model's two lenses with evidence, then what to look up next."""
    headers = [t("model", lang), t("lens_backbone", lang), t("evidence", lang), t("lens_inference", lang),
               t("evidence", lang)]
    lines = [f"# {t('lenses_title', lang).format(n=len(results))}", "", t("lenses_intro", lang), "",
             *md_table(headers, [lens_row(r, lang) for r in results])]
    unknown = [r.target for r in results if isinstance(r, Failure) or r.lenses.moe is None]
    closing = (t("lenses_unknown", lang).format(models=", ".join(unknown)) if unknown
               else t("lenses_all_known", lang))
    lines += ["", closing, *sources_section(results, lang), *missing_section(results, lang)]
    return "\n".join(lines) + "\n"


def sources_section(results: tuple[Result, ...], lang: Lang) -> list[str]:
    """Where each model's files came from (a catalog card is axes' summary of its source), for the reader
    who hands the table in."""
    verdicts = [r for r in results if isinstance(r, Verdict)]
    if not verdicts:
        return []
    said = [provenance(v, lang).split(": ", 1)[-1] for v in verdicts]
    return ["", f"## {t('sources_title', lang)}", "", *(f"- {model_name(v)} — {s}" for v, s in zip(verdicts, said,
                                                                                              strict=True))]
