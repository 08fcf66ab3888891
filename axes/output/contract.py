"""Verdict -> the JSON object of CONTRACT.md: what scripts, batch lines and the accuracy checks read.

The contract may only grow: keys are added, never renamed or dropped. Every JSON object axes writes (one
verdict, a batch line, an error line, a comparison) carries SCHEMA_VERSION, which changes when a key is added;
schema/axes.schema.json is its JSON Schema, built from the types by output.schema.
"""

from __future__ import annotations

from typing import Any

from msgspec.structs import asdict

from ..types import Evidence, Failure, Material, Tag, Verdict
from .i18n import Lang, lesson, why

# "3": the template object; materials and unread on each axis; "4": facts.computed_params; "5":
# facts.checkpoint_source, the post-training row's checkpoint, lineage.family_methods
SCHEMA_VERSION = "5"


def evidence_record(evidence: Evidence) -> dict[str, Any]:
    return asdict(evidence)  # its fields are plain values: the shallow copy is the whole record


def tag_record(tag: Tag) -> dict[str, Any]:
    return {"name": tag.name, "strength": tag.strength.value, "rule": tag.rule,
            "evidence": [evidence_record(ev) for ev in tag.evidence]}


def material_record(material: Material) -> dict[str, Any]:
    return {"kind": material.kind, "grade": material.grade, "rule": material.rule,
            "evidence": [evidence_record(ev) for ev in material.evidence]}


def contract(verdict: Verdict) -> dict[str, Any]:
    """The JSON shape of CONTRACT.md; the murkiest axis's why in English, as the contract's examples are."""
    return {
        "schema_version": SCHEMA_VERSION,
        "target": verdict.target,
        "source": verdict.source,
        "lenses": {**asdict(verdict.lenses), "lesson": lesson(verdict.lenses, Lang.en)},
        "facts": asdict(verdict.backbone.facts),
        "axes": {
            name: {"tags": [tag_record(tag) for tag in row.tags], "murk": row.murk,
                   "materials": [material_record(m) for m in row.materials],
                   "unread": [{"file": file, "reason": why} for file, why in row.unread],
                   **({"checkpoint": _checkpoint(verdict)} if name == "post_training" else {})}
            for name, row in verdict.rows.items()
        },
        "murkiest": {"axis": verdict.murkiest.axis, "why": why(verdict.murkiest, Lang.en)},
        "lineage": {"base_model": list(verdict.lineage.base_model), "relation": verdict.lineage.relation,
                    "family_methods": list(verdict.lineage.family_methods)},
        "notices": list(verdict.notices),
        # What the chat template did with the probe conversations (null: the repo has no template).
        "template": _lists(asdict(verdict.template.facts)) if verdict.template else None,
    }


def _checkpoint(verdict: Verdict) -> dict[str, Any]:
    """What this repo is (facts.checkpoint) and the evidence that decided it, on the post-training row."""
    facts = verdict.backbone.facts
    return {"value": facts.checkpoint, "source": facts.checkpoint_source,
            "evidence": [evidence_record(ev) for ev in verdict.lineage.checkpoint_evidence]}


def _lists(record: dict[str, Any]) -> dict[str, Any]:
    """Tuples as lists: the dict equals its own JSON read back (Verdict.to_dict)."""
    return {key: list(value) if isinstance(value, tuple) else value for key, value in record.items()}


def failure_record(failure: Failure) -> dict[str, Any]:
    """A target that gave no verdict, as a batch line: its error, and the names it may have meant."""
    record: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "target": failure.target, "error": failure.error}
    if failure.suggestions:
        record["suggestions"] = list(failure.suggestions)
    return record
