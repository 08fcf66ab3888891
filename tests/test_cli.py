"""The CLI as a user runs it: the JSON contract, every output format, exit codes and one-line errors."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from contract import assert_contract
from typer.testing import CliRunner

from axes.cli import app
from axes.output.formats import Format

CONFIG = {
    "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 4096, "intermediate_size": 12288,
    "num_hidden_layers": 36, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128,
    "vocab_size": 151936, "max_position_embeddings": 40960, "rope_theta": 1000000, "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
}
CARD = """---
license: apache-2.0
base_model: example/Base-8B
tags: [grpo, trl]
---
# Example-8B

## Training
After pretraining, the model was post-trained with supervised fine-tuning and then with GRPO
reinforcement learning on math and code problems with verifiable rewards.

## Usage
Thinking mode can be switched off with `enable_thinking=False`. The model supports function calling.
"""
TEMPLATE = """{%- if tools %}{{ tools | tojson }}{% endif %}
{%- for m in messages %}{% if m.role == 'system' %}<|system|>{{ m.content }}{% endif %}{% endfor %}
{%- if enable_thinking is defined and enable_thinking is false %}<think>\n\n</think>{% endif %}
"""
runner = CliRunner()


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "Example-8B"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(CONFIG, indent=2))
    (folder / "README.md").write_text(CARD)
    (folder / "chat_template.jinja").write_text(TEMPLATE)
    (folder / "generation_config.json").write_text(json.dumps({"temperature": 0.6, "top_p": 0.95}))
    return folder


def inspect_json(*args: str) -> dict:
    result = runner.invoke(app, ["inspect", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_contract_shape(model_dir):
    out = inspect_json(str(model_dir))
    assert_contract(out)
    assert out["target"] == str(model_dir) and out["source"] == "local"
    assert isinstance(out["facts"]["total_params"], int)


def test_tags_cite_file_and_line(model_dir):
    out = inspect_json(str(model_dir))
    tags = {t["name"]: t for axis in out["axes"].values() for t in axis["tags"]}
    assert {"grpo", "sft", "rl", "rlvr"} <= {t["name"] for t in out["axes"]["post_training"]["tags"]}
    assert {"thinking", "thinking-toggle", "sampling-defaults"} <= {t["name"] for t in out["axes"]["inference"]["tags"]}
    assert {"tool-use", "system-prompt"} <= {t["name"] for t in out["axes"]["product"]["tags"]}
    assert tags["thinking-toggle"]["strength"] == "verified"
    assert tags["thinking-toggle"]["evidence"][0] == {"file": "chat_template", "line": 3,
                                                     "text": tags["thinking-toggle"]["evidence"][0]["text"]}
    grpo = tags["grpo"]["evidence"]
    assert any(ev["file"] == "README.md" and ev["line"] == 9 for ev in grpo), grpo
    assert out["facts"]["base_model"] == "example/Base-8B"
    assert out["lenses"] == {**out["lenses"], "structure": "dense", "moe": False, "reasoning": True,
                             "summary": "dense + reasoning"}


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_renders(model_dir, fmt):
    result = runner.invoke(app, ["inspect", str(model_dir), "--format", fmt.value, "--width", "120"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    if fmt is Format.json:
        json.loads(text)
    elif fmt is Format.yaml:
        import yaml

        assert yaml.safe_load(text)["facts"]["layers"] == 36
    elif fmt is Format.markdown:
        rows = [line.split(" | ")[0].lstrip("| ").replace(" **▲**", "") for line in text.splitlines()
                if line.startswith("| ") and not line.startswith("| axis")]
        assert rows == ["backbone", "post-training", "inference strategy", "product behavior"], text
    else:
        for label in ("backbone", "post-training", "inference strategy", "product behavior", "murkiest"):
            assert label in text
        assert "▲" in text


def test_table_in_korean_at_fixed_width(model_dir):
    result = runner.invoke(app, ["inspect", str(model_dir), "--lang", "ko", "--width", "100"])
    assert result.exit_code == 0
    assert "백본 아키텍처" in result.stdout and "가장 모호한 축" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_explain_lists_rule_ids_and_lines(model_dir):
    result = runner.invoke(app, ["inspect", str(model_dir), "--explain", "--format", "markdown"])
    assert "rule post_training.grpo" in result.stdout
    assert "chat_template:3" in result.stdout


@pytest.mark.parametrize("target,needle", [
    ("", "empty target"),
    ("./does/not/exist", "no such file or folder"),
    ("not a repo id!", "not a repo id"),
    ("nobody/unknown-model-xyz", "not in the local HF cache or the catalog"),
])
def test_bad_targets_exit_2_with_one_line(target, needle):
    result = runner.invoke(app, ["inspect", target, "--offline"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in result.output


def test_malformed_config_names_file_and_line(tmp_path):
    (tmp_path / "config.json").write_text('{\n  "hidden_size": 64,\n  "layers": ,\n}')
    result = runner.invoke(app, ["inspect", str(tmp_path)])
    assert result.exit_code == 2
    assert "config.json:3: not valid JSON" in result.stderr


@pytest.mark.parametrize("option,value", [("--format", "pdf"), ("--lang", "fr")])
def test_bad_option_is_exit_2_naming_the_option(model_dir, option, value):
    result = runner.invoke(app, ["inspect", str(model_dir), option, value])
    assert result.exit_code == 2 and option in result.stderr and value in result.stderr
    assert "Traceback" not in result.output


def test_rules_list_and_test_commands():
    listed = runner.invoke(app, ["rules", "list"])
    assert listed.exit_code == 0 and "post_training.grpo" in listed.stdout
    tested = runner.invoke(app, ["rules", "test"])
    assert tested.exit_code == 0 and " 0 failed" in tested.stdout


def test_user_rules_dir_adds_a_tag(model_dir, tmp_path):
    rules = tmp_path / "my-rules"
    rules.mkdir()
    (rules / "extra.yaml").write_text("""axis: product
rules:
  - id: math-tutor
    tag: tutoring
    strength: declared
    message: the card says the model works on math problems
    card: {patterns: ['math and code problems']}
    examples:
      match: ["trained on math and code problems"]
      no_match: ["trained on web text"]
""")
    out = inspect_json(str(model_dir), "--rules", str(rules))
    assert "tutoring" in {t["name"] for t in out["axes"]["product"]["tags"]}
    bad = rules / "broken.yaml"
    bad.write_text("axis: product\nrules:\n  - id: x\n    tagg: y\n")
    result = runner.invoke(app, ["inspect", str(model_dir), "--rules", str(rules)])
    assert result.exit_code == 2 and "broken.yaml:4" in result.stderr


# -- the command line's basics: --version, -h, completion, --quiet, a closed pipe, COLUMNS ---------------


def axes_process(*args: str, stdout: int | None = subprocess.PIPE, env: dict[str, str] | None = None):
    return subprocess.run([sys.executable, "-m", "axes", *args], stdout=stdout, stderr=subprocess.PIPE, text=True,
                          timeout=60, env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})})


def test_version_and_short_help():
    from axes import __version__

    for flag in ("--version", "-V"):
        result = runner.invoke(app, [flag])
        assert result.exit_code == 0 and result.stdout == f"axes {__version__}\n"
    for args in (["-h"], ["inspect", "-h"], ["cards", "list", "-h"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage:" in result.stdout, args


def test_shell_completion_script():
    result = axes_process("--show-completion", "bash", env={"SHELL": "/bin/bash"})
    assert result.returncode == 0 and "_AXES_COMPLETE" in result.stdout


def test_quiet_drops_notes_but_not_errors():
    target = ["inspect", "deepseek-ai/DeepSeek-R1@v1", "--offline", "--format", "json"]
    assert "axes: note: revision 'v1' ignored" in runner.invoke(app, target).stderr
    quiet = runner.invoke(app, ["--quiet", *target])
    assert quiet.exit_code == 0 and quiet.stderr == "" and json.loads(quiet.stdout)["target"]
    failed = runner.invoke(app, ["-q", "inspect", "nobody/absent", "--offline"])
    assert failed.exit_code == 2 and "not in the local HF cache" in failed.stderr


@pytest.mark.parametrize("args", [["cards", "list"], ["rules", "list"], ["inspect", "deepseek-ai/DeepSeek-R1"],
                                  ["batch", "-"]])
def test_a_closed_pipe_is_a_clean_exit(args):
    """`axes cards list | head -1`: the reader left; no traceback, no "internal error", exit 0."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    try:
        result = subprocess.run([sys.executable, "-m", "axes", *args], stdout=write, stderr=subprocess.PIPE,
                                input="deepseek-ai/DeepSeek-R1\n", text=True, timeout=60,
                                env={**os.environ, "HF_HUB_OFFLINE": "1"})
    finally:
        os.close(write)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_columns_is_honoured_when_piped():
    for width in (80, 140):
        result = axes_process("inspect", "deepseek-ai/DeepSeek-R1", env={"COLUMNS": str(width)})
        assert result.returncode == 0
        assert max(len(line) for line in result.stdout.splitlines()) == width


def test_a_run_builds_only_the_command_it_runs():
    """axes.cli names its commands without importing them; `--help` lists every one, in COMMANDS order."""
    from axes.cli import COMMANDS

    script = ("import sys; from axes.cli import app; "
              "print(sorted(m for m in sys.modules if m.startswith('axes.cli.')))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert ast.literal_eval(loaded) == ["axes.cli.console", "axes.cli.options"]
    shown = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    listed = [line.split()[1] for line in shown.splitlines() if line.startswith("│ ") and line.split()[1] in COMMANDS]
    assert listed == list(COMMANDS)
    for name in COMMANDS:
        assert CliRunner().invoke(app, [name, "--help"]).exit_code == 0, name


def test_one_model_s_json_loads_no_other_renderer_nor_the_regex_engine_for_a_plain_card(tmp_path):
    """What a run of `axes inspect --format json` imports: not the HTML, comparison or batch renderers, and for
    a card every rule pattern of which RE2 runs, not the regex engine either."""
    script = ("import sys\nfrom axes.cli import main\nsys.argv = ['axes', 'inspect', sys.argv[1], '--format', 'json',"
              " '--offline']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
              "print(' '.join(sorted(m for m in sys.modules if m in WATCHED)), file=sys.stderr)\n")
    watched = "WATCHED = {'axes.output.html', 'axes.output.compare', 'axes.output.batch', 'regex', 'csv'}\n"
    folder = tmp_path / "heron"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(CONFIG))
    (folder / "README.md").write_text(CARD)
    env = {**os.environ, "AXES_CACHE": str(tmp_path / "cache")}
    for _ in range(2):  # the first run validates the rule files (with the regex engine) and caches them
        done = subprocess.run([sys.executable, "-c", watched + script, str(folder)], capture_output=True,
                              text=True, env=env, timeout=60)
    assert json.loads(done.stdout)["target"]
    assert done.stderr.strip().splitlines()[-1:] in ([], [""])
