"""The shipped JSON Schema (schema/axes.schema.json): built from the types, up to date, and true of what axes
writes — one verdict, batch lines (errors too), a comparison; every corpus model when ../shared is present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from modelfiles import LLAMA_1B, OLMOE, isolate, model_folder
from typer.testing import CliRunner

from axes.cli import app
from axes.output.contract import SCHEMA_VERSION
from axes.output.schema import build, dumps

jsonschema = pytest.importorskip("jsonschema")  # a test extra

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "schema" / "axes.schema.json"
CORPUS = ROOT.parent / "shared" / "corpus"
runner = CliRunner()


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SHIPPED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator, record: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)]


def test_the_shipped_schema_is_built_from_the_types() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == dumps(), "rebuild it: python schema/build.py"


def test_the_schema_follows_the_types() -> None:
    defs = build()["$defs"]
    assert defs["Facts"]["properties"]["total_params"] == {"type": ["integer", "null"]}
    assert None in defs["Facts"]["properties"]["attention"]["enum"]
    assert defs["Facts"]["properties"]["checkpoint"]["enum"][:2] == ["base", "instruct"]
    assert defs["Tag"]["properties"]["strength"] == {"enum": ["verified", "declared", "hinted"]}
    assert defs["Verdict"]["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def test_cli_output_validates(validator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch, tmp_path)
    models = [str(model_folder(tmp_path, "dense", LLAMA_1B)), str(model_folder(tmp_path, "moe", OLMOE))]
    one = runner.invoke(app, ["inspect", models[0], "--format", "json"])
    assert errors(validator, json.loads(one.stdout)) == []
    lines = runner.invoke(app, ["batch", "-", "--format", "jsonl"], input="\n".join([*models, "nobody/absent"]))
    records = [json.loads(line) for line in lines.stdout.splitlines()]
    assert len(records) == 3 and "error" in records[2]
    assert all(r["schema_version"] == SCHEMA_VERSION for r in records)
    assert [errors(validator, r) for r in records] == [[], [], []]
    compared = runner.invoke(app, ["compare", *models, "--format", "json"])
    assert errors(validator, json.loads(compared.stdout)) == []


def test_the_schema_refuses_what_the_contract_does_not_allow(validator, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The schema can fail: a count as text, an unknown strength, a dropped key, an unknown key."""
    isolate(monkeypatch, tmp_path)
    good = json.loads(runner.invoke(app, ["inspect", str(model_folder(tmp_path, "m", LLAMA_1B)), "-f", "json"]).stdout)
    assert errors(validator, good) == []
    broken = [
        {**good, "facts": {**good["facts"], "total_params": "1.2B"}},
        {**good, "axes": {**good["axes"], "backbone": {"tags": [{**good["axes"]["backbone"]["tags"][0],
                                                                  "strength": "certain"}], "murk": 0.0}}},
        {k: v for k, v in good.items() if k != "murkiest"},
        {**good, "surprise": 1},
        {**good, "schema_version": "1"},
    ]
    assert all(errors(validator, record) for record in broken)


@pytest.mark.skipif(not (CORPUS / "labels.yaml").is_file(), reason="../shared/corpus not present")
def test_every_corpus_model_validates(validator) -> None:
    folders = sorted(str(p) for p in CORPUS.glob("*/*") if p.is_dir())
    result = runner.invoke(app, ["batch", "-", "--offline", "--format", "jsonl"], input="\n".join(folders))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(folders)
    invalid = {r["target"]: errors(validator, r)[:2] for r in records if errors(validator, r)}
    assert invalid == {}


def test_contract_md_names_every_key_axes_writes() -> None:
    """CONTRACT.md is the project's own copy: every key of the schema and every CSV column is in it."""
    from axes.output.batch import CSV_COLUMNS

    text = (ROOT / "CONTRACT.md").read_text(encoding="utf-8")
    defs = build()["$defs"]
    keys = {key for d in defs.values() for key in d.get("properties", {})} - set(
        defs["Verdict"]["properties"]["axes"]["properties"])
    assert [key for key in sorted(keys) if f'"{key}"' not in text] == []
    assert [column for column in CSV_COLUMNS if column not in text] == []
    assert f'"schema_version": "{SCHEMA_VERSION}"' in text
