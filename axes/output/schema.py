"""The JSON Schema of CONTRACT.md, built from the types: what every JSON object axes writes looks like.

Each part of the contract that is a stage object (Facts, Lenses, Tag, Material, Evidence, Lineage, Failure,
Difference, TemplateFacts) is read off its Struct: a field's type hint gives its JSON type, a Literal or an
Enum its allowed values, `X | None` adds null. The layout around them (`axes`, `murkiest`, the comparison)
follows output.contract and output.compare. A field added to Facts reaches the schema by rebuilding it
(`python schema/build.py`); tests/test_schema.py fails until the shipped file matches, and checks real output
against it.

Objects are closed (additionalProperties false) so the schema describes this version exactly; a reader of
the contract should still ignore keys it does not know, since the contract grows.
"""

from __future__ import annotations

import json
import types
import typing
from enum import Enum
from typing import Any, Literal, get_args, get_origin

from msgspec import Struct
from msgspec.structs import fields

from ..types import (
    AXES,
    AxisRow,
    Evidence,
    Facts,
    Failure,
    Lenses,
    Lineage,
    Material,
    Murkiest,
    Tag,
    TemplateFacts,
    Verdict,
)
from ..workflows.compare import AxisComparison, Difference
from .contract import SCHEMA_VERSION

SCHEMA_ID = "https://github.com/axes/axes/schema/axes.schema.json"
NULL = {"type": "null"}


def build() -> dict[str, Any]:
    """The schema: `$defs` for each object, and the whole as "one of": a verdict, a failure, a comparison."""
    defs: dict[str, Any] = {}
    for cls in (Evidence, Tag, Facts, Difference, TemplateFacts):
        defs[cls.__name__] = _object(cls)
    # checkpoint_evidence is written on the post-training row (PostTrainingRow.checkpoint), not in lineage
    defs["Lineage"] = _object(Lineage, only=("base_model", "relation", "family_methods"))
    defs["Lenses"] = _object(Lenses, extra={"lesson": {"type": "string"}})
    defs["Material"] = _object(Material)
    defs["AxisRow"] = _object(AxisRow, only=("tags", "murk", "materials"))
    defs["AxisRow"]["properties"]["murk"] |= {"minimum": 0, "maximum": 1}
    # unread is (file, reason) pairs in the types, {"file", "reason"} objects in the JSON (output.contract)
    reason = get_args(_hints(AxisRow)["unread"])[0]
    defs["AxisRow"]["properties"]["unread"] = {"type": "array", "items": _closed(
        {"file": {"type": "string"}, "reason": _type(get_args(reason)[1])})}
    defs["AxisRow"]["required"].append("unread")
    # The post-training row also says what this repo is (facts.checkpoint) and the evidence that decided it.
    facts = _hints(Facts)
    defs["Checkpoint"] = _closed({"value": _type(facts["checkpoint"]), "source": _type(facts["checkpoint_source"]),
                                  "evidence": {"type": "array", "items": _ref("Evidence")}})
    row = defs["AxisRow"]
    defs["PostTrainingRow"] = {**row, "properties": {**row["properties"], "checkpoint": _ref("Checkpoint")},
                               "required": [*row["required"], "checkpoint"]}
    hints = _hints(Verdict)
    defs["Verdict"] = _closed({
        "schema_version": {"const": SCHEMA_VERSION},
        "target": _type(hints["target"]),
        "source": _type(hints["source"]),
        "lenses": _ref("Lenses"),
        "facts": _ref("Facts"),
        "axes": _closed({axis: _ref("PostTrainingRow" if axis == "post_training" else "AxisRow") for axis in AXES}),
        "murkiest": _closed({"axis": _type(_hints(Murkiest)["axis"]), "why": {"type": "string"}}),
        "lineage": _ref("Lineage"),
        "notices": _type(hints["notices"]),
        "template": _nullable(_ref("TemplateFacts")),
    })
    defs["Failure"] = _object(Failure, extra={"schema_version": {"const": SCHEMA_VERSION}},
                              optional=("suggestions",))
    comparison = _hints(AxisComparison)
    defs["Comparison"] = _closed({
        "schema_version": {"const": SCHEMA_VERSION},
        "models": {"type": "array", "items": _ref("Verdict")},
        "axes": _closed({axis: _closed({"same": _type(comparison["same"]),
                                        "differences": _type(comparison["differences"]),
                                        "notes": _type(comparison["notes"])}) for axis in AXES}),
        "carrier": {"type": "array", "items": _type(_hints(Murkiest)["axis"])},
        "missing": {"type": "array", "items": _ref("Failure")},
    }, optional=("missing",))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"axes JSON output, schema_version {SCHEMA_VERSION} (CONTRACT.md)",
        "description": "`axes inspect --format json` and `Verdict.to_dict()`: a Verdict; `axes batch` JSONL: a "
                       "Verdict or a Failure per line; `axes compare --format json`: a Comparison.",
        "oneOf": [_ref("Verdict"), _ref("Failure"), _ref("Comparison")],
        "$defs": dict(sorted(defs.items())),
    }


def dumps(schema: dict[str, Any] | None = None) -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(build() if schema is None else schema, indent=2, ensure_ascii=False) + "\n"


def _object(cls: type, *, only: tuple[str, ...] | None = None, extra: dict[str, Any] | None = None,
            optional: tuple[str, ...] = ()) -> dict[str, Any]:
    hints = _hints(cls)
    names = [f.name for f in fields(cls) if only is None or f.name in only]
    properties = {**(extra or {}), **{name: _type(hints[name]) for name in names}}
    return _closed(properties, optional=optional)


def _closed(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties,
            "required": [name for name in properties if name not in optional], "additionalProperties": False}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _type(hint: Any) -> dict[str, Any]:
    """A type hint as JSON Schema."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [_type(arg) for arg in args if arg is not type(None)]
        nullable = type(None) in args
        if len(options) == 1 and nullable:
            return _nullable(options[0])
        return {"anyOf": [*options, NULL] if nullable else options}
    if origin is Literal:
        return {"enum": list(args)}
    if origin in (tuple, list):
        return {"type": "array", "items": _type(args[0]) if args else {}}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type(args[1])}
    if isinstance(hint, type) and issubclass(hint, Enum):
        return {"enum": [member.value for member in hint]}
    if isinstance(hint, type) and issubclass(hint, Struct):
        return _ref(hint.__name__)
    simple = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}
    if hint in simple:
        return {"type": simple[hint]}
    if hint is Any:
        return {}
    raise TypeError(f"no JSON Schema for the type hint {hint!r}")


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        return {"enum": [*schema["enum"], None]}
    if isinstance(schema.get("type"), str) and set(schema) == {"type"}:
        return {"type": [schema["type"], "null"]}
    return {"anyOf": [schema, NULL]}
