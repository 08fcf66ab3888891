"""Accuracy of axes over a labelled corpus (the same fields and rules as ../shared/tools/score.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from msgspec import Struct, field
from msgspec.structs import asdict

from ..errors import AxesError
from ..pipeline import inspect
from ..types import InspectOptions, Verdict

EXACT = ("structure", "attention", "position", "rope_scaling", "layers", "experts", "experts_per_token",
         "context_length", "kv_heads", "shared_experts", "moe", "reasoning")
RELATIVE = {"total_params": 0.03, "active_params": 0.05}
TAG_AXES = ("post_training", "inference", "product")


class Report(Struct):
    fields: dict[str, list[int]] = field(default_factory=dict)  # field -> [ok, total]
    misses: list[str] = field(default_factory=list)

    def count(self, name: str, ok: bool, miss: str) -> None:
        tally = self.fields.setdefault(name, [0, 0])
        tally[0] += ok
        tally[1] += 1
        if not ok:
            self.misses.append(miss)

    def lines(self, show_misses: bool = False) -> list[str]:
        out = [f"{name:<24} {ok:>3}/{n:<3} {100 * ok / n:5.1f}%" for name, (ok, n) in sorted(self.fields.items())]
        total_ok = sum(ok for ok, _ in self.fields.values())
        total = sum(n for _, n in self.fields.values())
        out.append(f"overall {total_ok}/{total} = {100 * total_ok / max(total, 1):.1f}%")
        if show_misses:
            out += [f"MISS {m}" for m in self.misses]
        return out


def _got(verdict: Verdict, name: str) -> Any:
    if name in ("structure", "moe", "reasoning"):
        return getattr(verdict.lenses, name)
    return asdict(verdict.backbone.facts).get(name)


def _norm(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def evaluate_corpus(corpus: Path, labels_path: Path) -> Report:
    try:
        labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise AxesError(f"cannot read labels: {err}", where=str(labels_path)) from None
    if not isinstance(labels, dict):
        raise AxesError("labels must map model ids to expected values", where=str(labels_path))
    report = Report()
    options = InspectOptions(offline=True)
    for model, truth in labels.items():
        try:
            found = inspect(str(corpus / model), options)
        except AxesError as err:
            for name in truth:
                report.count(name, False, f"{model} {name}: error {err.render()}")
            continue
        for name in EXACT:
            if name in truth:
                want, got = truth[name], _got(found, name)
                report.count(name, _norm(want) == _norm(got), f"{model} {name}: want {want!r} got {got!r}")
        for name, tolerance in RELATIVE.items():
            if truth.get(name) is not None:
                want, got = float(truth[name]), _got(found, name)
                ok = isinstance(got, (int, float)) and abs(got - want) <= tolerance * want
                report.count(name, ok, f"{model} {name}: want {want:.4g} got {got}")
        for axis in TAG_AXES:
            names = {tag.name for tag in found.rows[axis].tags}
            for wanted in (truth.get(axis) or {}).get("must") or []:
                report.count(f"{axis}.recall", wanted in names, f"{model} {axis}: missing {wanted}")
            for unwanted in (truth.get(axis) or {}).get("must_not") or []:
                report.count(f"{axis}.no_false", unwanted not in names, f"{model} {axis}: wrongly {unwanted}")
    return report
