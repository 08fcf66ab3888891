"""One RE2 set search rules card patterns out (rules.regex.PatternSet): it never rules out a pattern that matches,
it answers nothing rather than something wrong, and a batch's verdicts are the same with it as without it."""

from __future__ import annotations

import pickle

import pytest
from msgspec import to_builtins

from axes.pipeline import analyse
from axes.rules import rulebook
from axes.rules.regex import PatternSet, fold, pattern
from axes.sources import catalog, resolve
from axes.types import InspectOptions

pytest.importorskip("re2")

SOURCES = (r"\bdpo\b", r"fine-?tuned (on|with)", r"reward models?", r"\b\d+ ?b\b", r"^#+ training", r"über")
TEXTS = (
    "# Heron 7B\n\nHeron is fine-tuned on open chat data with dpo.",
    "## Training\nA reward model scored 12 b samples.",
    "nothing here",
    "",
)


def built(sources: tuple[str, ...] = SOURCES) -> PatternSet:
    patterns = PatternSet(sources)
    patterns._build()
    return patterns


@pytest.mark.parametrize("text", TEXTS)
def test_rules_out_exactly_the_patterns_that_match_nowhere(text: str) -> None:
    patterns = built()
    absent = patterns.ruled_out(text)
    assert absent is not None
    assert absent <= patterns.covered
    for source in patterns.covered:
        assert (source in absent) == (pattern(source, False).search(text) is None), source


def test_every_card_pattern_of_the_rulebook_is_ruled_out_only_where_it_matches_nowhere() -> None:
    book = rulebook()
    patterns = book.card_patterns
    patterns._build()
    assert len(patterns.covered) > 200  # most card patterns are in the set
    examples = [e if isinstance(e, str) else e.card for r in book.rules if r.rule.card
                for e in (*r.rule.examples.match, *r.rule.examples.no_match)]
    texts = [e.lower() for e in examples if e]
    assert len(texts) > 300
    for text in texts:
        absent = patterns.ruled_out(text)
        if absent is None:  # a text folding cannot stand for: no answer
            assert fold(text) is None
            continue
        for source in patterns.covered:
            assert (source in absent) == (pattern(source, False).search(text) is None), (source, text[:80])


def test_left_out_what_it_cannot_answer_exactly() -> None:
    patterns = PatternSet((r"v[^\W_]+", r"(?<!non-)thinking", r"end\Z", r"a.{0,40}b", r"기반", r"\bok\b", r"top_p"))
    assert patterns.sources == (r"\bok\b", r"top_p")  # `_` outside a negated class: folding finds more, not less


def test_no_answer_before_it_is_worth_building() -> None:
    patterns = PatternSet(SOURCES)
    answers = [patterns.ruled_out("fine-tuned with dpo") for _ in range(PatternSet.BUILD_AFTER)]
    assert answers[:-1] == [None] * (PatternSet.BUILD_AFTER - 1)
    assert answers[-1] is not None and r"\bdpo\b" not in answers[-1]


def test_no_answer_for_text_it_cannot_fold_nor_for_a_failed_search() -> None:
    patterns = built()
    assert patterns.ruled_out("digits \u0663\u0664 are not ASCII digits") is None

    class Failing:
        def Match(self, text: bytes) -> list[int]:  # noqa: N802 (RE2's name): RE2 out of memory matches nothing
            return []

    patterns._set = Failing()
    assert patterns.ruled_out("fine-tuned on dpo") is None


def test_a_set_too_big_for_its_memory_is_not_used() -> None:
    patterns = PatternSet(SOURCES)
    patterns._build(memory=1 << 10)
    assert patterns._set is None and patterns.ruled_out("dpo") is None


def test_pickles_without_its_compiled_set() -> None:
    patterns = built()
    copy = pickle.loads(pickle.dumps(patterns))
    assert copy.sources == patterns.sources and copy._set is None and copy.covered == frozenset()


def test_verdicts_are_the_same_with_the_set_and_without_it() -> None:
    options = InspectOptions(offline=True)
    snapshots = [resolve(entry.id, options) for entry in catalog.entries()]  # every bundled card
    assert len(snapshots) > 40
    book = rulebook()
    book.card_patterns._reset()
    book.card_patterns._asked = -10**9  # never built
    without = [to_builtins(analyse(s, book)) for s in snapshots]
    book.card_patterns._build()
    assert book.card_patterns._set is not None
    with_set = [to_builtins(analyse(s, book)) for s in snapshots]
    assert with_set == without
