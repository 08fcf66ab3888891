"""`axes compare`: which axis carries the difference. Backbone on its wiring, the other axes on their tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from modelfiles import CLOSED_CARD, GPTQ, LLAMA_1B, QWEN_05B, isolate, model_folder, with_quantization
from typer.testing import CliRunner

from axes.cli import app
from axes.sources import catalog

runner = CliRunner()
V3, R1 = "deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def compare_json(*targets: str) -> dict:
    result = runner.invoke(app, ["compare", *targets, "--offline", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.skipif(catalog.find(V3) is None or catalog.find(R1) is None,
                    reason="the bundled catalog has no DeepSeek-V3 / DeepSeek-R1 cards yet")
def test_v3_and_r1_share_a_backbone_and_differ_in_post_training() -> None:
    """Lesson 02: the V3 -> R1 jump is post-training; the weights' shape is the same."""
    data = compare_json(V3, R1)
    assert [m["target"] for m in data["models"]] == [V3, R1]
    assert data["axes"]["backbone"]["same"] is True
    assert data["axes"]["post_training"]["same"] is False
    assert "post_training" in data["carrier"] and "backbone" not in data["carrier"]
    differing = {d["name"] for d in data["axes"]["post_training"]["differences"]}
    assert differing and all(d["kind"] == "tag" for d in data["axes"]["post_training"]["differences"])
    assert differing <= {t["name"] for m in data["models"] for t in m["axes"]["post_training"]["tags"]}


def test_a_quantized_copy_keeps_its_base_backbone(tmp_path: Path) -> None:
    base = model_folder(tmp_path, "tiny-llama", LLAMA_1B)
    quant = model_folder(tmp_path, "tiny-llama-gptq", with_quantization(LLAMA_1B, GPTQ))
    data = compare_json(str(base), str(quant))
    backbone = data["axes"]["backbone"]
    assert backbone["same"] is True and backbone["differences"] == []
    assert backbone["notes"] == [{"kind": "fact", "name": "quantization", "values": [None, "gptq"]}]
    assert "backbone" not in data["carrier"]
    table = runner.invoke(app, ["compare", str(base), str(quant), "--offline", "-f", "markdown"]).stdout
    assert "| verdict: same |" in table and "quantized: gptq" in table


def test_different_wiring_is_a_different_backbone(tmp_path: Path) -> None:
    llama = model_folder(tmp_path, "tiny-llama", LLAMA_1B)
    qwen = model_folder(tmp_path, "tiny-qwen", QWEN_05B)
    data = compare_json(str(llama), str(qwen))
    backbone = data["axes"]["backbone"]
    assert backbone["same"] is False
    layers = next(d for d in backbone["differences"] if d["name"] == "layers")
    assert layers["values"] == [16, 24]
    assert data["carrier"][0] == "backbone"


def test_a_closed_model_backbone_cannot_be_told(tmp_path: Path) -> None:
    llama = model_folder(tmp_path, "tiny-llama", LLAMA_1B)
    card = tmp_path / "acme-assistant.md"
    card.write_text(CLOSED_CARD, encoding="utf-8")
    data = compare_json(str(llama), str(card))
    assert data["axes"]["backbone"]["same"] is None
    assert "backbone" not in data["carrier"]
    text = runner.invoke(app, ["compare", str(llama), str(card), "--offline", "--width", "160"]).stdout
    assert "cannot tell" in text and "no config.json" in text


def test_table_and_markdown_have_a_column_per_model_and_a_verdict_per_axis(tmp_path: Path) -> None:
    targets = [str(model_folder(tmp_path, name, LLAMA_1B)) for name in ("m-one", "m-two", "m-three")]
    table = runner.invoke(app, ["compare", *targets, "--offline", "--width", "160"])
    assert table.exit_code == 0, table.output
    header = table.stdout.splitlines()[1]
    assert all(name in header for name in ("m-one", "m-two", "m-three"))
    assert table.stdout.count("verdict: same") == 4
    assert "No axis differs" in table.stdout

    markdown = runner.invoke(app, ["compare", *targets, "--offline", "-f", "markdown"]).stdout.splitlines()
    assert markdown[0] == "| axis |  | m-one | m-two | m-three |" and markdown[1] == "|---|---|---|---|---|"
    verdicts = [line for line in markdown if "| verdict:" in line]
    assert [line.split(" | ")[0] for line in verdicts] == [
        "| backbone", "| post-training", "| inference strategy", "| product behavior"]


def test_korean_labels(tmp_path: Path) -> None:
    targets = [str(model_folder(tmp_path, name, cfg)) for name, cfg in (("a", LLAMA_1B), ("b", QWEN_05B))]
    text = runner.invoke(app, ["compare", *targets, "--offline", "-f", "markdown", "--lang", "ko"]).stdout
    assert text.startswith("| 축 |") and "판정: 달라요" in text and "차이가 있는 축: 백본 아키텍처" in text


def test_needs_two_targets(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compare", str(model_folder(tmp_path, "solo", LLAMA_1B)), "--offline"])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_a_bad_target_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compare", str(model_folder(tmp_path, "ok", LLAMA_1B)),
                                 str(tmp_path / "missing"), "--offline"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"axes: {tmp_path / 'missing'}: no such file or folder"]
