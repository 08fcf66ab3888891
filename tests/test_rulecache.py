"""The validated-rulebook cache: a hit returns the same rules without validating, an edited rule file or
an unusable cache folder falls back to loading the files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from axes.rules import RULES_DIR
from axes.rules import cache as rulecache
from axes.rules.regex import pattern

RULE = """axis: product
rules:
  - id: my-rule
    tag: {tag}
    strength: declared
    message: a rule for the cache tests
    card: {{patterns: ['zebra']}}
    examples: {{match: [zebra], no_match: [horse]}}
"""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "mine.yaml").write_text(RULE.format(tag="first"))
    return folder


def test_second_load_comes_from_the_cache(rules, tmp_path, monkeypatch):
    monkeypatch.setenv("AXES_CACHE", str(tmp_path / "cache"))
    first = rulecache.load((RULES_DIR, rules))
    assert len(list((tmp_path / "cache").glob("rules-*.json"))) == 1

    def no_validation(_dirs):
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(rulecache, "load_rulebook", no_validation)
    second = rulecache.load((RULES_DIR, rules))
    assert [r.full_id for r in second.rules] == [r.full_id for r in first.rules]
    assert pattern(second.rules[-1].compiled.card[0]).search("a zebra")


def test_an_edited_rule_file_is_a_miss(rules, tmp_path, monkeypatch):
    monkeypatch.setenv("AXES_CACHE", str(tmp_path / "cache"))
    assert rulecache.load((RULES_DIR, rules)).rules[-1].rule.tag == "first"
    (rules / "mine.yaml").write_text(RULE.format(tag="second"))
    assert rulecache.load((RULES_DIR, rules)).rules[-1].rule.tag == "second"


def test_edits_leave_only_the_most_recent_rulebooks_in_the_cache(rules, tmp_path, monkeypatch):
    monkeypatch.setenv("AXES_CACHE", str(tmp_path / "cache"))
    for edit in range(rulecache.KEPT + 3):
        (rules / "mine.yaml").write_text(RULE.format(tag=f"edit-{edit}"))
        rulecache.load((RULES_DIR, rules))
    kept = list((tmp_path / "cache").glob("rules-*.json"))
    assert len(kept) == rulecache.KEPT
    monkeypatch.setattr(rulecache, "load_rulebook", lambda _dirs: pytest.fail("the newest should be cached"))
    assert rulecache.load((RULES_DIR, rules)).rules[-1].rule.tag == f"edit-{rulecache.KEPT + 2}"


def test_a_corrupt_or_unwritable_cache_is_not_used(rules, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("AXES_CACHE", str(blocker))
    assert rulecache.load((RULES_DIR, rules)).rules[-1].rule.tag == "first"
    cache = tmp_path / "cache"
    monkeypatch.setenv("AXES_CACHE", str(cache))
    rulecache.load((RULES_DIR, rules))
    for cached in cache.glob("rules-*.json"):
        cached.write_bytes(b"garbage")
    assert rulecache.load((RULES_DIR, rules)).rules[-1].rule.tag == "first"


def cached_file(cache: Path) -> Path:
    (found,) = cache.glob("rules-*.json")
    return found


def test_the_cache_is_data_that_cannot_run_code(rules, tmp_path, monkeypatch):
    """A pickle in the cache folder (where the old cache lived) is never loaded: the cache is JSON."""
    import pickle

    cache = tmp_path / "cache"
    monkeypatch.setenv("AXES_CACHE", str(cache))
    rulecache.load((RULES_DIR, rules))
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (marker.write_text, ("code ran",))

    key = rulecache.key((RULES_DIR, rules))
    (cache / f"rules-{key}.pickle").write_bytes(pickle.dumps(Payload()))
    cached_file(cache).write_bytes(pickle.dumps(Payload()))
    assert rulecache.load((RULES_DIR, rules)).rules[-1].rule.tag == "first"
    assert not marker.exists()
    json.loads(cached_file(cache).read_bytes().partition(b"\n")[0])  # rewritten as JSON


@pytest.mark.parametrize("tamper", ["empty rulebook", "other version", "body edited", "unknown class",
                                    "extra field", "truncated"])
def test_a_tampered_cache_is_a_miss_never_fewer_rules(rules, tmp_path, monkeypatch, tamper):
    cache = tmp_path / "cache"
    monkeypatch.setenv("AXES_CACHE", str(cache))
    full = len(rulecache.load((RULES_DIR, rules)).rules)
    path = cached_file(cache)
    header_line, _, body = path.read_bytes().partition(b"\n")
    header, data = json.loads(header_line), json.loads(body)
    if tamper == "empty rulebook":
        data["rules"], header["rules"] = {"@t": []}, 0
    elif tamper == "other version":
        header["version"] = "0.0.0"
    elif tamper == "unknown class":
        data["rules"]["@t"][0]["@"] = "Popen"
    elif tamper == "extra field":
        data["rules"]["@t"][0]["rule"]["shell"] = "rm -rf /"
    new_body = json.dumps(data).encode()
    if tamper != "body edited":
        header["sha256"] = hashlib.sha256(new_body).hexdigest()  # a careful tamperer fixes the digest too
    text = json.dumps(header).encode() + b"\n" + new_body
    path.write_bytes(text[: len(text) // 2] if tamper == "truncated" else text)
    assert len(rulecache.load((RULES_DIR, rules)).rules) == full


def test_a_cached_rulebook_equals_the_validated_one(rules, tmp_path, monkeypatch):
    monkeypatch.setenv("AXES_CACHE", str(tmp_path / "cache"))
    first = rulecache.load((RULES_DIR, rules))
    second = rulecache.load((RULES_DIR, rules))
    assert second is not first
    # As the cache writes them, not ==: every field, and a list must come back a list and a tuple a tuple
    # (yaml.safe_dump of an example needs a list); the compiled form is written beside the rule.
    assert [rulecache._encode(r) for r in second.rules] == [rulecache._encode(r) for r in first.rules]
    assert all("compiled" in rulecache._encode(r) for r in second.rules)
    assert second.tag_order == first.tag_order


def test_cached_examples_keep_their_plain_types(rules, tmp_path, monkeypatch):
    """A cached example's values are the plain lists and dicts YAML reads (selftest dumps them back to YAML)."""
    import dataclasses

    import yaml

    monkeypatch.setenv("AXES_CACHE", str(tmp_path / "cache"))
    rulecache.load((RULES_DIR, rules))
    cached = rulecache.load((RULES_DIR, rules))
    models = [e for r in cached.rules for e in (*r.rule.examples.match, *r.rule.examples.no_match)
              if not isinstance(e, str)]
    assert models
    for model in models:
        yaml.safe_dump(dataclasses.asdict(model))
