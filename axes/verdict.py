"""Tags -> Verdict: the four rows with murk scores, the murkiest axis and why, the lenses, the lineage.

Murk (documented in README "How murk is scored"):
    evidence  = sum of tag strengths on the axis (verified 1.0, declared 0.7, hinted 0.3)
    needed    = how many independent facts the axis should establish for this model (NEEDED below)
    coverage  = min(1, evidence / needed)
    certainty = the strongest strength on the axis (1.0 if a machine-readable file says it)
    murk      = clamp(1 - coverage * certainty + 0.15 * marketing phrases, 0, 1)
So an axis known only from the card's words stays at least 0.3 murky. An axis with nothing to establish
(needed 0: a base model has no product surface) scores only its marketing. The murkiest axis is the
highest murk; ties go to the axis listed first in TIE_ORDER. Why it is murky is data (MurkReason): the
words for it, in each language, are output.i18n's.
"""

from __future__ import annotations

from dataclasses import replace

from .types import (
    AXES,
    Axis,
    AxisRow,
    Backbone,
    Evidence,
    Lenses,
    Lineage,
    Murkiest,
    MurkReason,
    Origin,
    Snapshot,
    Tag,
    Verdict,
)

NEEDED = {"backbone": 3.0, "post_training": 2.0, "inference": 1.0, "product": 1.0}
MARKETING_WEIGHT = 0.15
TIE_ORDER = ("post_training", "backbone", "product", "inference")
REASONING_TAGS = {"thinking", "thinking-toggle", "reasoning-effort"}
METHOD_TAGS = {"sft", "rlhf", "ppo", "dpo", "grpo", "rlvr", "rl", "distillation", "merge", "preference-tuning",
               "safety-tuning", "continued-pretraining"}

def lenses(backbone: Backbone, inference: list[Tag]) -> Lenses:
    facts = backbone.facts
    structure = facts.structure
    moe = None if structure is None else bool(facts.experts)
    reasoning = any(t.name in REASONING_TAGS for t in inference)
    lens = "MoE" if moe else ("dense" if moe is False else "unknown backbone")
    prefix = {"hybrid": "hybrid ", "ssm": "SSM ", "encoder": "encoder ", "encoder-decoder": "encoder-decoder "}
    shape = prefix.get(structure or "", "") + lens if structure not in ("dense", "moe") else lens
    summary = f"{shape} + {'reasoning' if reasoning else 'standard'}"
    return Lenses(structure=structure, moe=moe, reasoning=reasoning, summary=summary)


def needed(axis: str, tags: dict[str, list[Tag]]) -> float:
    names = {t.name for t in tags.get("post_training", [])}
    if axis in ("product", "inference") and "base-only" in names:
        return 0.0  # a raw next-token model has no product surface or inference mode to establish
    return NEEDED[axis]


def murk(tags: list[Tag], need: float, marketing: int) -> float:
    evidence = sum(t.strength.weight for t in tags)
    if need == 0:
        known = 1.0
    else:
        certainty = max((t.strength.weight for t in tags), default=0.0)
        known = min(1.0, evidence / need) * certainty
    return round(max(0.0, min(1.0, 1.0 - known + MARKETING_WEIGHT * marketing)), 2)


def build(snapshot: Snapshot, backbone: Backbone, tags: dict[str, list[Tag]],
          marketing: dict[str, list[Evidence]], record: object = None) -> Verdict:
    """The verdict; `record` is the card's own note of its source (front matter `catalog:`), if any."""
    rows: dict[str, AxisRow] = {}
    for axis in AXES:
        axis_tags = tags.get(axis, [])
        need = needed(axis, tags)
        rows[axis] = AxisRow(axis=axis, tags=tuple(_ordered(axis_tags)),
                             murk=murk(axis_tags, need, len(marketing.get(axis, []))),
                             marketing=tuple(marketing.get(axis, [])), expected=int(need))
    worst: Axis = max(AXES, key=lambda a: (rows[a].murk, -TIE_ORDER.index(a)))
    lineage = _lineage(backbone, tags)
    return Verdict(
        target=snapshot.target,
        source=snapshot.source,
        lenses=lenses(backbone, tags.get("inference", [])),
        backbone=backbone,
        rows=rows,
        murkiest=Murkiest(axis=worst, reason=reason(worst, rows[worst], backbone)),
        lineage=lineage,
        notices=snapshot.notices + backbone.notes,
        origin=_origin(snapshot.origin, record),
    )


def _origin(origin: Origin, record: object) -> Origin:
    """Where the files came from, with the source and date the card records (front matter catalog.source, .date)."""
    if not isinstance(record, dict):
        return origin
    link, date = record.get("source"), record.get("date")
    return replace(origin, link=str(link) if link else None, date=str(date) if date else None)


def _ordered(tags: list[Tag]) -> list[Tag]:
    return sorted(tags, key=lambda t: (-t.strength.weight, t.name))


def reason(axis: Axis, row: AxisRow, backbone: Backbone) -> MurkReason:
    """What established the axis, what did not, how much marketing: counts and names, no sentence."""
    counts = {s: sum(1 for t in row.tags if t.strength.value == s) for s in ("verified", "declared", "hinted")}
    missing: tuple[str, ...] = ()
    if axis == "backbone" and backbone.facts.structure is None:
        missing = ("structure", "attention", "parameters")
    elif axis == "post_training":
        missing = ("dataset", "recipe", "reward")
    return MurkReason(
        strengths=counts,
        tags=tuple(t.name for t in row.tags),
        methods=tuple(t.name for t in row.tags if t.name in METHOD_TAGS) if axis == "post_training" else (),
        marketing=len(row.marketing),
        expected=row.expected,
        no_config=axis == "backbone" and backbone.facts.structure is None,
        machine_readable=counts["verified"] > 0,
        missing=missing,
    )


def _lineage(backbone: Backbone, tags: dict[str, list[Tag]]) -> Lineage:
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
    return Lineage(base_model=bases, relation=relation)
