"""Accuracy on the shared corpus of real model files, when it sits beside the repo (skipped otherwise).
The thresholds are the release targets; the figures themselves come from `axes eval`."""

from __future__ import annotations

from pathlib import Path

import pytest

from axes.evaluate import evaluate_corpus

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not (CORPUS / "labels.yaml").is_file(), reason="../shared/corpus not present")


@pytest.fixture(scope="module")
def report():
    return evaluate_corpus(CORPUS, CORPUS / "labels.yaml")


def share(report, name: str) -> float:
    ok, total = report.fields[name]
    return ok / total


@pytest.mark.parametrize("name", ["structure", "moe", "attention", "layers", "kv_heads", "total_params",
                                  "active_params", "position", "rope_scaling", "context_length"])
def test_backbone_facts_are_exact(report, name):
    assert share(report, name) == 1.0, [m for m in report.misses if f" {name}:" in m]


def test_reasoning_lens(report):
    assert share(report, "reasoning") >= 0.95


@pytest.mark.parametrize("axis", ["post_training", "inference", "product"])
def test_tag_recall_and_no_false_tags(report, axis):
    assert share(report, f"{axis}.recall") >= 0.90, [m for m in report.misses if axis in m]
    assert share(report, f"{axis}.no_false") >= 0.95, [m for m in report.misses if axis in m]
