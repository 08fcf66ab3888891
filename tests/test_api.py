"""The Python API (axes.inspect / batch / compare): the CLI's JSON, notebook display, errors, a cheap import."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from contract import assert_contract
from modelfiles import LLAMA_1B, OLMOE, isolate, model_folder
from typer.testing import CliRunner

import axes
from axes.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
runner = CliRunner()


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


class Rows(HTMLParser):
    """The rows of the first table body in an HTML fragment, as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: set[str] = set()
        self._body = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "tbody":
            self._body += 1
        elif tag == "tr" and self._body == 1:
            self.rows.append([])
        elif tag in ("td", "th") and self._body == 1 and self.rows:
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._body += 10  # only the first body counts

    def handle_data(self, data: str) -> None:
        if self._body == 1 and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def test_inspect_gives_the_cli_json() -> None:
    verdict = axes.inspect("deepseek-ai/DeepSeek-R1")
    assert isinstance(verdict, axes.Verdict)
    cli = runner.invoke(app, ["inspect", "deepseek-ai/DeepSeek-R1", "--format", "json"])
    assert verdict.to_json() == cli.stdout
    assert verdict.to_dict() == json.loads(cli.stdout)
    assert_contract(verdict.to_dict())
    assert verdict.to_dict()["lenses"] | {"lesson": ""} == {"structure": "moe", "moe": True, "reasoning": True,
                                                            "summary": "MoE + reasoning", "lesson": ""}
    # The stage object's own fields are there too, unchanged.
    assert verdict.backbone.facts.layers == 61 and verdict.murkiest.axis in verdict.rows


def test_a_verdict_shows_as_the_four_row_table() -> None:
    verdict = axes.inspect("deepseek-ai/DeepSeek-R1")
    table = Rows()
    table.feed(verdict._repr_html_())
    assert [row[0].replace("▲", "").strip() for row in table.rows] == [
        "backbone", "post-training", "inference strategy", "product behavior"]
    assert "script" not in table.tags  # a notebook fragment: style only
    assert "671B params" in table.rows[0][1]
    markdown = verdict._repr_markdown_()
    assert markdown.startswith("## deepseek-ai/DeepSeek-R1") and markdown.count("\n| ") >= 5


def test_options_reach_the_pipeline(tmp_path: Path) -> None:
    folder = model_folder(tmp_path, "m", LLAMA_1B)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text("""axis: product
rules:
  - id: tool-mention
    tag: mentions-tools
    strength: hinted
    message: the card mentions tools
    card: {patterns: ['call tools']}
    examples:
      match: ["It can call tools."]
      no_match: ["It cannot fly."]
""")
    verdict = axes.inspect(folder, rules=rules)  # a Path target, one rule folder
    assert "mentions-tools" in {t.name for t in verdict.rows["product"].tags}
    assert axes.inspect(str(folder), rules=[str(rules)]).to_dict() == verdict.to_dict()


def test_errors_are_axes_errors_with_the_cli_message(tmp_path: Path) -> None:
    with pytest.raises(axes.TargetNotFound) as caught:
        axes.inspect("nobody/no-such-model", offline=True)
    assert isinstance(caught.value, axes.AxesError)
    cli = runner.invoke(app, ["inspect", "nobody/no-such-model", "--offline"])
    assert cli.stderr.strip() == f"axes: {caught.value}"
    bad = tmp_path / "bad-rules"
    bad.mkdir()
    (bad / "x.yaml").write_text("axis: product\nrules:\n  - id: x\n    tagg: y\n")
    with pytest.raises(axes.RuleError):
        next(axes.batch(["deepseek-ai/DeepSeek-R1"], rules=bad))  # before any target


def test_batch_yields_verdicts_and_failures_in_order(tmp_path: Path) -> None:
    targets = [str(model_folder(tmp_path, "a", LLAMA_1B)), "nobody/missing", str(model_folder(tmp_path, "b", OLMOE))]
    results = list(axes.batch(iter(targets), jobs=2))
    assert [r.target for r in results] == targets
    assert [type(r).__name__ for r in results] == ["Verdict", "Failure", "Verdict"]
    failure = results[1]
    assert isinstance(failure, axes.Failure) and "not in the local HF cache" in failure.error
    assert isinstance(results[2], axes.Verdict) and results[2].lenses.moe is True
    cli = runner.invoke(app, ["batch", "-", "--format", "jsonl"], input="\n".join(targets))
    assert [json.loads(line) for line in cli.stdout.splitlines()][0] == results[0].to_dict()


def test_compare_names_the_axis_that_differs() -> None:
    comparison = axes.compare("deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1")
    assert comparison.axes["backbone"].same is True and "post_training" in comparison.carrier
    cli = runner.invoke(app, ["compare", "deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1", "--format", "json"])
    assert json.loads(comparison.to_json()) == json.loads(cli.stdout)
    assert "| " in comparison._repr_markdown_()
    with pytest.raises(axes.AxesError, match="two or more"):
        axes.compare("deepseek-ai/DeepSeek-R1")


def test_import_axes_is_cheap() -> None:
    """`import axes` loads no pipeline, no third-party package; the API loads on first use."""
    code = ("import sys, axes\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('axes'))\n"
            "assert loaded == ['axes'], loaded\n"
            "heavy = [m for m in ('yaml', 'typer', 'rich', 'pydantic', 'huggingface_hub') if m in sys.modules]\n"
            "assert not heavy, heavy\n"
            "axes.inspect\n"
            "assert 'axes.api' in sys.modules and 'huggingface_hub' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert "inspect" in dir(axes)
    with pytest.raises(AttributeError):
        axes.no_such_name  # noqa: B018


def test_the_type_stub_names_what_the_package_exports() -> None:
    stub = (Path(axes.__file__).parent / "__init__.pyi").read_text(encoding="utf-8")
    declared = set(re.findall(r" as (\w+)$", stub, re.M)) | set(re.findall(r"^(\w+):", stub, re.M))
    assert declared - {"__all__"} == set(axes.__all__)
    assert all(getattr(axes, name) is not None for name in axes.__all__)


def test_the_readme_example_runs(tmp_path: Path) -> None:
    """The README's "Python API" example, as written, in a fresh interpreter (offline: the catalog answers)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code = "\n".join(block for block in re.findall(r"```python\n(.*?)```", section, re.S))
    assert "axes.inspect(" in code and "axes.batch(" in code
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert "'structure': 'moe'" in run.stdout
