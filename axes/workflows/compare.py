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

from typing import Any, Literal

from msgspec import Struct

from ..types import AXES, Axis, Facts, Verdict

# Facts that decide the weights' shapes and wiring: any difference means another backbone.
BACKBONE_WIRING = ("structure", "layers", "hidden_size", "heads", "kv_heads", "attention", "attention_pattern",
                   "position", "experts", "experts_per_token", "shared_experts")
PARAMS_TOLERANCE = 0.01  # total parameters this close are the same backbone (tied heads, padded vocab)
# Facts about storage and serving settings: reported when they differ, but the backbone stays the same.
BACKBONE_SETTINGS = ("quantization", "rope_scaling", "rope_theta", "context_length", "sliding_window")


class Difference(Struct, frozen=True, kw_only=True):
    kind: Literal["fact", "tag"]
    name: str
    values: tuple[Any, ...]  # one per model, in the models' order; for a tag, whether the model has it


class AxisComparison(Struct, frozen=True, kw_only=True):
    axis: str
    same: bool | None  # None: cannot tell (a backbone no config.json establishes)
    differences: tuple[Difference, ...] = ()
    notes: tuple[Difference, ...] = ()  # differences that leave the axis the same


class Comparison(Struct, frozen=True, kw_only=True):
    verdicts: tuple[Verdict, ...]
    axes: dict[str, AxisComparison]

    @property
    def carrier(self) -> list[Axis]:
        """The axes that differ: where the difference between the models lives."""
        return [axis for axis in AXES if self.axes[axis].same is False]


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
