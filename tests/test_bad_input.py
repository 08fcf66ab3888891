"""Every row of README "What axes does with bad input": a one-line error naming the target or file (and
line), exit code 2, no traceback and nothing written — or, for what can still be read, a notice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from axes.cli import app

runner = CliRunner()
CONFIG = {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100}


def folder(tmp_path: Path, name: str, **files: str | bytes) -> str:
    path = tmp_path / name
    path.mkdir()
    for file, content in files.items():
        target = path / file
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")
    return str(path)


def fails(args: list[str], *needles: str) -> str:
    result = runner.invoke(app, [*args, "--offline"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert result.stdout == ""
    return lines[0]


def test_empty_target():
    fails(["inspect", ""], "empty target")


def test_dotdot_and_empty_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(folder(tmp_path, "empty"))
    fails(["inspect", ".."], "..: folder holds neither config.json nor README.md")


def test_missing_path():
    fails(["inspect", "./no/such/model"], "./no/such/model", "no such file or folder")


def test_file_of_the_wrong_kind(tmp_path):
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n")
    fails(["inspect", str(png)], "logo.png", "not a model folder")


@pytest.mark.parametrize("target,needle", [("org/na me", "not a repo id"), ("org/name@", "not a repo id"),
                                           ("org//name", "no such file or folder"),
                                           ("a/b/c/d", "no such file or folder")])
def test_invalid_repo_id(target, needle):
    fails(["inspect", target, "--offline"], target, needle)


def test_a_target_that_looks_like_an_option_is_a_usage_error():
    result = runner.invoke(app, ["inspect", "-org/name", "--offline"])
    assert result.exit_code == 2 and "Missing argument" in result.output


def test_folder_without_config_or_card(tmp_path):
    fails(["inspect", folder(tmp_path, "m", **{"notes.txt": "hello"})], "neither config.json nor README.md")


def test_config_not_json(tmp_path):
    fails(["inspect", folder(tmp_path, "m", **{"config.json": '{\n"a": 1,\n"b": ,\n}'})], "m: config.json:3",
          "not valid JSON")


def test_config_not_an_object(tmp_path):
    fails(["inspect", folder(tmp_path, "m", **{"config.json": "[1, 2]"})], "config.json", "expected a JSON object")


@pytest.mark.parametrize("bad,needle", [({"num_hidden_layers": -4}, "num_hidden_layers"),
                                        ({"num_attention_heads": 0}, "num_attention_heads"),
                                        ({"num_local_experts": 10**15}, "num_local_experts")])
def test_config_absurd_values(tmp_path, bad, needle):
    fails(["inspect", folder(tmp_path, "m", **{"config.json": json.dumps(CONFIG | bad)})], "config.json", needle)


def test_config_too_large(tmp_path):
    huge = '{"pad": "' + "x" * (5 * 1024 * 1024) + '"}'
    fails(["inspect", folder(tmp_path, "m", **{"config.json": huge})], "config.json", "MB cap")


def test_broken_front_matter_is_a_note_and_the_card_is_still_read(tmp_path):
    card = "---\nlicense: mit\ntags: [a, b\n---\n# Model\nIt supports function calling.\n"
    out, err = notices_of(["inspect", folder(tmp_path, "m", **{"README.md": card})])
    assert "README.md:4: broken YAML front matter: did not find expected ',' or ']'" in err
    assert "tool-use" in {t["name"] for t in out["axes"]["product"]["tags"]}


def test_binary_card(tmp_path):
    fails(["inspect", folder(tmp_path, "m", **{"README.md": b"\x00\x01\x02 binary"})], "README.md", "binary")


def notices_of(args: list[str]) -> tuple[dict, str]:
    result = runner.invoke(app, [*args, "--format", "json", "--offline"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_huge_card_is_read_up_to_its_cap(tmp_path):
    card = "# Big\nIt was trained with GRPO.\n" + "Filler line of text.\n" * 1_100_000
    out, err = notices_of(["inspect", folder(tmp_path, "m", **{"README.md": card})])
    assert "README.md: 23.1 MB, read only the first 2.1 MB" in err
    assert "grpo" in {t["name"] for t in out["axes"]["post_training"]["tags"]}


@pytest.mark.parametrize("encoding,notice", [("cp1252", "Windows-1252"), ("utf-16", "UTF-16")])
def test_card_encodings(tmp_path, encoding, notice):
    card = "# Café model\nIt supports function calling.\n".encode(encoding)
    out, err = notices_of(["inspect", folder(tmp_path, "m", **{"README.md": card})])
    assert notice in err
    assert "tool-use" in {t["name"] for t in out["axes"]["product"]["tags"]}


def test_huge_chat_template_is_capped(tmp_path):
    template = "{% if tools %}{{ tools }}{% endif %}" + " " * (2 * 1024 * 1024)
    out, err = notices_of(["inspect", folder(tmp_path, "m", **{"config.json": json.dumps(CONFIG),
                                                                "chat_template.jinja": template})])
    assert "chat_template: 2.1 MB, read only the first" in err
    assert "tool-use" in {t["name"] for t in out["axes"]["product"]["tags"]}


@pytest.mark.parametrize("text,needle", [
    ("axis: product\nrules: [\n", "YAML syntax error"),
    ("axis: product\nrules:\n  - id: x\n    tagg: y\n", 'unknown key "tagg"'),
    ("axis: product\nrules:\n  - id: x\n    tag: y\n    strength: declared\n    message: a bad regex here\n"
     "    card: {patterns: ['(']}\n    examples: {match: [a], no_match: [b]}\n", "does not compile"),
    ("axis: product\nrules:\n  - id: x\n    tag: y\n    strength: declared\n    message: a slow regex here\n"
     "    card: {patterns: ['(a+)+$']}\n    examples: {match: [a], no_match: [b]}\n", "catastrophic"),
])
def test_bad_rule_files(tmp_path, text, needle):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text(text)
    model = folder(tmp_path, "m", **{"config.json": json.dumps(CONFIG)})
    fails(["inspect", model, "--rules", str(rules)], "mine.yaml", needle)


def test_duplicate_rule_id(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    rule = ("axis: product\nrules:\n  - id: dup\n    tag: y\n    strength: declared\n    message: one of two\n"
            "    card: {patterns: ['z']}\n    examples: {match: [z], no_match: [b]}\n")
    (rules / "a.yaml").write_text(rule)
    (rules / "b.yaml").write_text(rule)
    fails(["inspect", folder(tmp_path, "m", **{"config.json": json.dumps(CONFIG)}), "--rules", str(rules)],
          "b.yaml:3", 'duplicate rule id "dup"')


def test_out_into_a_missing_folder(tmp_path):
    model = folder(tmp_path, "m", **{"config.json": json.dumps(CONFIG)})
    fails(["inspect", model, "--out", str(tmp_path / "nowhere" / "out.json")], "nowhere", "does not exist")


def test_out_into_an_unwritable_place(tmp_path):
    model = folder(tmp_path, "m", **{"config.json": json.dumps(CONFIG)})
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    fails(["inspect", model, "--out", str(blocker / "out.json")], "out.json", "cannot write")


def test_out_writes_the_whole_file(tmp_path):
    model = folder(tmp_path, "m", **{"config.json": json.dumps(CONFIG)})
    target = tmp_path / "out.json"
    result = runner.invoke(app, ["inspect", model, "--out", str(target), "--format", "json"])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["facts"]["layers"] == 2
