"""Tags and materials -> Verdict: the four rows with murk scores, the murkiest axis and why, the lenses, the
lineage.

Murk is how little of an axis a reader can check from the files (README "How murk is scored").

Backbone, inference and product, from the strength of what established them:
    evidence  = sum of tag strengths on the axis (verified 1.0, declared 0.7, hinted 0.3), plus DOCUMENTED
                when the card points to where a user can check the claim (a tool-format doc, a system prompt)
    needed    = how many independent facts the axis should establish for this model (NEEDED below)
    coverage  = min(1, evidence / needed)
    certainty = the strongest of those weights (1.0 if a machine-readable file says it)
    murk      = clamp(1 - coverage * certainty + 0.15 * marketing phrases, 0, 1)
An axis with nothing to establish (needed 0: a base model has no product surface) scores only its marketing.

Post-training, from the materials a reader can check, each graded released 1 > named 0.5 > generic 0:
    checkable = sum(MATERIAL_WEIGHT[m] * grade of m) / sum(MATERIAL_WEIGHT[m]) over the materials m that
                apply: data (not for a merge alone), recipe, reward (only when a method needs a reward,
                verifier or teacher), method (named 1 by the card, 0.5 only hinted)
    murk      = clamp(1 - checkable + 0.15 * marketing phrases, 0, 1)
so a card that names SFT and DPO and nothing else stays at 0.85, and released data, code and methods score 0.
A base checkpoint has no post-training materials: its row is scored from its tags, as the other axes are.

The murkiest axis is the highest murk; ties go to the axis listed first in TIE_ORDER. Why it is murky is
data (MurkReason): the words for it, in each language, are output.i18n's. What could not be read is named
on the rows it feeds, and murk is computed over what was read. A catalog entry's card and template are
summaries written for axes: what they alone establish counts as declared at most, and the why names the
source the summary was written from.
"""

from __future__ import annotations

from typing import Any

from msgspec.structs import replace

from .reading import Reading
from .reading.identity import Identity, settle
from .rules.tagger import Tagged
from .types import (
    AXES,
    Axis,
    AxisRow,
    Backbone,
    Facts,
    Grade,
    Lenses,
    Lineage,
    Material,
    Murkiest,
    MurkReason,
    Origin,
    Strength,
    Tag,
    Verdict,
)

NEEDED = {"backbone": 3.0, "post_training": 2.0, "inference": 1.0, "product": 1.0}
MARKETING_WEIGHT = 0.15
# A closed model whose card names nothing has both axes at 1: the unknown network is the first thing to learn.
TIE_ORDER = ("backbone", "post_training", "product", "inference")
REASONING_TAGS = {"thinking", "thinking-toggle", "reasoning-effort"}
METHOD_TAGS = {"sft", "rlhf", "ppo", "dpo", "grpo", "rlvr", "rl", "distillation", "merge", "preference-tuning",
               "safety-tuning", "continued-pretraining"}
# How much each post-training material tells a reader who wants to check the training: the data most,
# then the recipe that turned data into weights; the reward and the method's name matter less on their own.
MATERIAL_WEIGHT = {"data": 0.4, "recipe": 0.3, "reward": 0.15, "method": 0.15}
GRADE_VALUE: dict[Grade, float] = {"released": 1.0, "named": 0.25, "generic": 0.0}
POST_TRAINING_MATERIALS = ("data", "recipe", "reward")
REWARD_METHODS = {"rlhf", "ppo", "grpo", "rlvr", "rl", "distillation"}  # they learn from a reward or a teacher
DATA_FREE_METHODS = {"merge"}  # a merge alone trains on no data
# A claim documented where a user can check it: surer than the card's word, less than a machine-readable file.
DOCUMENTED = 0.85
# The files each axis draws on, for naming what could not be read.
FEEDS: dict[str, tuple[Axis, ...]] = {
    "README.md": ("post_training", "inference", "product"),
    "config.json": ("backbone",),
    "chat_template": ("inference", "product", "post_training"),
    "generation_config.json": ("inference",),
}


def lenses(backbone: Backbone, inference: list[Tag]) -> Lenses:
    facts = backbone.facts
    structure = facts.structure
    moe = None if structure is None else bool(facts.experts) or structure == "moe"
    reasoning = any(t.name in REASONING_TAGS for t in inference)
    lens = "MoE" if moe else ("dense" if moe is False else "unknown backbone")
    prefix = {"hybrid": "hybrid ", "ssm": "SSM ", "encoder": "encoder ", "encoder-decoder": "encoder-decoder "}
    shape = prefix.get(structure or "", "") + lens if structure not in ("dense", "moe") else lens
    summary = f"{shape} + {'reasoning' if reasoning else 'standard'}"
    return Lenses(structure=structure, moe=moe, reasoning=reasoning, summary=summary)


def needed(axis: str, base: bool) -> float:
    if axis in ("product", "inference") and base:
        return 0.0  # a raw next-token model has no product surface or inference mode to establish
    return NEEDED[axis]


def murk(tags: list[Tag], need: float, marketing: int, documented: bool = False) -> float:
    weights = [t.strength.weight for t in tags] + ([DOCUMENTED] if documented and tags else [])
    if need == 0:
        known = 1.0
    else:
        known = min(1.0, sum(weights) / need) * max(weights, default=0.0)
    return _clamp(1.0 - known + MARKETING_WEIGHT * marketing)


def _clamp(value: float) -> float:
    return round(max(0.0, min(1.0, value)), 2)


def grades(materials: list[Material] | tuple[Material, ...]) -> dict[str, Grade]:
    """The best grade found for each kind of material."""
    best: dict[str, Grade] = {}
    for m in materials:
        if m.kind not in best or GRADE_VALUE[m.grade] > GRADE_VALUE[best[m.kind]]:
            best[m.kind] = m.grade
    return best


def applicable(tags: list[Tag] | tuple[Tag, ...]) -> tuple[str, ...]:
    """The post-training materials a reader needs for these methods, in POST_TRAINING_MATERIALS order."""
    names = {t.name for t in tags}
    methods = names & METHOD_TAGS
    kinds = ["data"] if not methods or methods - DATA_FREE_METHODS else []
    kinds.append("recipe")
    if names & REWARD_METHODS:
        kinds.append("reward")
    return tuple(kinds)


def checkable(tags: list[Tag] | tuple[Tag, ...], materials: list[Material] | tuple[Material, ...]) -> float:
    """How much of the post-training a reader can check, 0 to 1 (the weighted grades of the materials)."""
    found = grades(materials)
    methods = [t for t in tags if t.name in METHOD_TAGS]
    value = {kind: GRADE_VALUE[found[kind]] if kind in found else 0.0 for kind in POST_TRAINING_MATERIALS}
    value["method"] = 1.0 if any(t.strength is not Strength.hinted for t in methods) else 0.5 if methods else 0.0
    kinds = (*applicable(tags), "method")
    return sum(MATERIAL_WEIGHT[k] * value[k] for k in kinds) / sum(MATERIAL_WEIGHT[k] for k in kinds)


def is_base(post_training: list[Tag] | tuple[Tag, ...], facts: Facts) -> bool:
    """Is this repo a base checkpoint, as the reading of what it is decided (facts.checkpoint, or the
    post-training rules' base-only tag)?"""
    return facts.checkpoint == "base" or any(t.name == "base-only" for t in post_training)


def post_training_murk(tags: list[Tag], materials: list[Material], marketing: int, base: bool = False) -> float:
    if base:
        return murk(tags, NEEDED["post_training"], marketing)
    # Vague words about a material that is out hide nothing: "synthetic data" beside the datasets' ids.
    found = grades(materials)
    hiding = marketing - sum(len(m.evidence) for m in materials
                             if m.grade == "generic" and found.get(m.kind) == "released")
    return _clamp(1.0 - checkable(tags, materials) + MARKETING_WEIGHT * max(0, hiding))


def build(read: Reading, found: Tagged) -> Verdict:
    snapshot, backbone = read.snapshot, read.backbone
    identity = settle(found.identity, found.tags)
    backbone = replace(backbone, facts=replace(backbone.facts, checkpoint=identity.checkpoint,
                                               checkpoint_source=identity.source or None))
    summary = _catalog_record(read) if snapshot.source == "catalog" else None
    tags = found.tags if summary is None else {axis: [_at_most_declared(t) for t in ts]
                                                 for axis, ts in found.tags.items()}
    unread = {axis: tuple((name, why) for name, why in snapshot.unread.items() if axis in FEEDS.get(name, ()))
              for axis in AXES}
    base = is_base(tags.get("post_training", []), backbone.facts)
    rows: dict[str, AxisRow] = {}
    for axis in AXES:
        axis_tags = tags.get(axis, [])
        materials = found.materials.get(axis, [])
        marketing = found.marketing.get(axis, [])
        if axis == "post_training" and base:
            # No post-training, so no post-training materials: what the card says of its data is pretraining's.
            vague = {ev for m in materials if m.grade == "generic" for ev in m.evidence}
            materials, marketing = [], [ev for ev in marketing if ev not in vague]
        need = needed(axis, base)
        if axis == "post_training":
            score = post_training_murk(axis_tags, materials, len(marketing), base)
        else:
            documented = any(m.kind == "docs" and m.grade != "generic" for m in materials)
            score = murk(axis_tags, need, len(marketing), documented)
        rows[axis] = AxisRow(axis=axis, tags=tuple(_ordered(axis_tags)), murk=score, marketing=tuple(marketing),
                             expected=int(need), materials=tuple(materials), unread=unread[axis])
    worst: Axis = max(AXES, key=lambda a: (rows[a].murk, -TIE_ORDER.index(a)))
    return Verdict(
        target=snapshot.target,
        source=snapshot.source,
        lenses=lenses(backbone, tags.get("inference", [])),
        backbone=backbone,
        rows=rows,
        murkiest=Murkiest(axis=worst, reason=reason(worst, rows[worst], backbone, summary)),
        lineage=_lineage(backbone, tags, identity, found.lineage),
        notices=snapshot.notices + read.card.notes + found.notes + backbone.notes,
        template=read.rendering,
        origin=_origin(snapshot.origin, read.card.front_matter.get("catalog")),
    )


def _origin(origin: Origin, record: object) -> Origin:
    """Where the files came from, with the source and date the card records (front matter catalog.source, .date)."""
    if not isinstance(record, dict):
        return origin
    link, date = record.get("source"), record.get("date")
    return replace(origin, link=str(link) if link else None, date=str(date) if date else None)


def _catalog_record(read: Reading) -> tuple[str, str | None]:
    """(source, date) of a catalog entry's summary, as its card's `catalog:` front matter records them."""
    record: Any = read.card.front_matter.get("catalog")
    record = record if isinstance(record, dict) else {}
    date = record.get("date")
    return str(record.get("source") or read.snapshot.target), None if date is None else str(date)


# A catalog entry's config files carry the published values, key for key; its card and chat template are
# summaries written for axes, so what they alone establish counts as the card's word, not as a file's.
COPIED_FILES = {"config.json", "generation_config.json"}


def _at_most_declared(tag: Tag) -> Tag:
    if tag.strength is not Strength.verified or any(ev.file in COPIED_FILES for ev in tag.evidence):
        return tag
    return replace(tag, strength=Strength.declared)


def _ordered(tags: list[Tag]) -> list[Tag]:
    return sorted(tags, key=lambda t: (-t.strength.weight, t.name))


def reason(axis: Axis, row: AxisRow, backbone: Backbone, summary: tuple[str, str | None] | None = None
           ) -> MurkReason:
    """What established the axis, what did not, how much marketing: counts and names, no sentence."""
    counts = {s: sum(1 for t in row.tags if t.strength.value == s) for s in ("verified", "declared", "hinted")}
    missing: tuple[str, ...] = ()
    released: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    if axis == "backbone" and backbone.facts.structure is None:
        missing = ("structure", "attention", "parameters")
    elif axis == "post_training" and not is_base(row.tags, backbone.facts):
        found = grades(row.materials)
        kinds = applicable(row.tags)
        released = tuple(k for k in kinds if found.get(k) == "released")
        named = tuple(k for k in kinds if found.get(k) == "named")
        missing = tuple(k for k in kinds if k not in released and k not in named)
    return MurkReason(
        strengths=counts,
        tags=tuple(t.name for t in row.tags),
        methods=tuple(t.name for t in row.tags if t.name in METHOD_TAGS) if axis == "post_training" else (),
        marketing=len(row.marketing),
        expected=row.expected,
        no_config=axis == "backbone" and backbone.facts.structure is None,
        machine_readable=counts["verified"] > 0,
        missing=missing,
        released=released,
        named=named,
        unread=row.unread,
        summary_of=summary[0] if summary else None,
        summary_date=summary[1] if summary else None,
    )


def _lineage(backbone: Backbone, tags: dict[str, list[Tag]], identity: Identity, family: tuple[str, ...]) -> Lineage:
    base = backbone.facts.base_model
    bases = tuple([base] if isinstance(base, str) else (base or []))
    names = {t.name for t in tags.get("post_training", [])} | {t.name for t in tags.get("backbone", [])}
    relation = None
    if "merge" in names and len(bases) != 1:
        relation = "merge"
    elif "quantized" in names and bases:
        relation = "quantized"
    elif bases:
        relation = "merge" if "merge" in names else "finetune"
    return Lineage(base_model=bases, relation=relation, family_methods=family, checkpoint_evidence=identity.evidence)

