"""The validated-rulebook cache: a hit returns the same rules without validating, an edited rule file or
an unusable cache folder falls back to loading the files."""

from __future__ import annotations

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
    assert len(list((tmp_path / "cache").glob("rules-*.pickle"))) == 1

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


def test_a_corrupt_or_unwritable_cache_is_not_used(rules, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("AXES_CACHE", str(blocker))
    assert rulecache.load((RULES_DIR, rules)).rules[-1].rule.tag == "first"
    cache = tmp_path / "cache"
    monkeypatch.setenv("AXES_CACHE", str(cache))
    rulecache.load((RULES_DIR, rules))
    for pickle_file in cache.glob("rules-*.pickle"):
        pickle_file.write_bytes(b"garbage")
    assert rulecache.load((RULES_DIR, rules)).rules[-1].rule.tag == "first"
