"""RE2 answers as Python's engines do (rules.regex): every bundled pattern RE2 runs finds, on the folded text,
the spans Python's engine finds on the text itself, over the rules' own examples, over text salted with the
characters folding must get right, and over text drawn to match each pattern; folding keeps every offset and
refuses the characters it cannot stand for, and those lists agree with what re and regex say of each character.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest
import regex
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axes.rules import RULES_DIR
from axes.rules.regex import CASE_BLIND_ASCII, Hit, fold, lower_literals, pattern

pytest.importorskip("re2")

PATTERN_KEYS = ("patterns", "pattern", "unless", "skip_sections", "sections")


def _sources(node: Any, found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "examples":
                continue
            if key in PATTERN_KEYS and isinstance(value, str):
                found.append(value)
            elif key in PATTERN_KEYS and isinstance(value, list) and all(isinstance(v, str) for v in value):
                found.extend(value)
            elif key == "op" and value == "regex" and isinstance(node.get("value"), str):
                found.append(node["value"])
            else:
                _sources(value, found)
    elif isinstance(node, list):
        for item in node:
            _sources(item, found)


def _texts(examples: Any) -> list[str]:
    """The card texts and names of a rule's examples."""
    found: list[str] = []
    for kind in ("match", "no_match", "todo"):
        for example in (examples or {}).get(kind) or []:
            if isinstance(example, str):
                found.append(example)
            elif isinstance(example, dict):
                found += [v for k, v in example.items() if k in ("card", "name") and isinstance(v, str)]
    return found


def bundled() -> list[tuple[str, str, list[str]]]:
    """(rule id, regex source, its rule's example texts) for every regex in the bundled rule files."""
    rows = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []:
            sources: list[str] = []
            _sources({k: v for k, v in rule.items() if k != "examples"}, sources)
            texts = _texts(rule.get("examples"))
            rows += [(rule["id"], source, texts) for source in dict.fromkeys(sources)]
    return rows


BUNDLED = bundled()
ALL_TEXTS = list(dict.fromkeys(text for _, _, texts in BUNDLED for text in texts))


def salted(text: str) -> list[str]:
    """The text with the characters folding must get right: non-ASCII letters and spaces, typographic
    punctuation, emoji, CJK next to ASCII words, a vertical tab; and some folding must refuse."""
    return [
        text,
        text.replace(" ", "\u00a0", 3),
        text.replace("e", "é").replace("o", "ö"),
        text.replace("'", "’").replace('"', "“"),
        "🤗 " + text + " 🚀",
        "이 모델은 " + text.replace(" ", "로 ", 1) + "입니다",
        text.replace(" ", "\v", 2),
        text.replace("a", "а"),  # Cyrillic а: a word character to both engines, never an ASCII a
        text + " ３ｂ",  # fullwidth digit: unfoldable
        text.replace("e", "e\u0301", 1),  # combining accent: unfoldable
    ]


SALTED = [s for text in ALL_TEXTS[::7] for s in salted(text)]


def python_spans(source: str, case_blind: bool, text: str) -> list[tuple[int, int]]:
    """What the Python way finds: regex for a pattern with a repeat, else re (rules.regex)."""
    compiled = pattern(source, case_blind).compiled
    return [m.span() for m in compiled.finditer(text)]


def re2_spans(source: str, case_blind: bool, text: str) -> list[tuple[int, int]]:
    return [hit.span() for hit in pattern(source, case_blind).finditer(text)]


def modes(source: str) -> list[tuple[str, bool]]:
    # Card patterns run lowercased on the lowercased text; every other pattern runs case-blind.
    return [(lower_literals(source), False), (source, True)]


def test_re2_runs_most_bundled_patterns():
    """The engine is in use (a silently missing google-re2 would leave every pattern on Python's engines)."""
    on_re2 = [s for _, source, _ in BUNDLED for s, blind in modes(source) if pattern(s, blind).re2 is not None]
    assert len(on_re2) > 0.6 * 2 * len(BUNDLED)


@pytest.mark.parametrize("rule_id,source,texts", BUNDLED, ids=[f"{r}:{i}" for i, (r, _, _) in enumerate(BUNDLED)])
def test_re2_finds_what_python_finds(rule_id, source, texts):
    for spelt, case_blind in modes(source):
        if pattern(spelt, case_blind).re2 is None:
            continue
        for text in [t for own in texts for t in salted(own)] + SALTED:
            subject = text.lower() if not case_blind else text
            if fold(subject) is None:
                continue
            assert re2_spans(spelt, case_blind, subject) == python_spans(spelt, case_blind, subject), \
                (rule_id, spelt, subject)


ON_RE2 = [(rule_id, s, blind) for rule_id, source, _ in BUNDLED for s, blind in modes(source)
          if pattern(s, blind).re2 is not None]
GROUP = 8  # patterns drawn per example: more overrun hypothesis's buffer for one example
# Each example draws every GROUPS-th pattern: one rule's long patterns sit side by side in the list, and drawn in
# one example they overrun the buffer too, wherever an added pattern shifts the groups' bounds.
GROUPS = -(-len(ON_RE2) // GROUP)
NOISE = st.lists(st.sampled_from(list("aé 한’🤗\u00a0\v.-_K\n") + ["DPO", "fine-tuned"]), max_size=8).map("".join)


@pytest.mark.parametrize("start", range(GROUPS))
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_re2_finds_what_python_finds_on_text_drawn_to_match(start, data):
    for rule_id, source, case_blind in ON_RE2[start::GROUPS]:
        flags = re.IGNORECASE if case_blind else 0
        try:
            drawn = data.draw(st.from_regex(re.compile(source, flags), fullmatch=True), label=rule_id)
        except re.error:
            continue  # a pattern only the regex engine reads
        text = data.draw(NOISE) + drawn + data.draw(NOISE)
        if fold(text) is None:
            continue
        assert re2_spans(source, case_blind, text) == python_spans(source, case_blind, text), (rule_id, source, text)


@given(st.text())
def test_folding_keeps_every_offset(text):
    folded = fold(text)
    assert folded is None or (len(folded) == len(text) and all(
        byte == ord(char) for byte, char in zip(folded, text, strict=True) if char.isascii() and char != "\v"))


def test_folding_says_of_each_character_what_both_engines_say():
    """Over every character of the Basic Multilingual Plane and the letter-like symbols above it: a folded
    character is a word character, a space or neither to re and to regex alike, as its folding says; no
    character folding keeps is a digit, or matched by a case-blind ASCII letter."""
    checks = {"_": (r"\w", True), "\f": (r"\s", True), "\x7f": (r"[\w\s]", False)}
    engines = [(re.compile(p), regex.compile(p), want) for p, want in checks.values()]
    digit = (re.compile(r"\d"), regex.compile(r"\d"))
    letter = (re.compile("[a-z]", re.IGNORECASE), regex.compile("[a-z]", regex.IGNORECASE))
    points = list(range(0x80, 0x10000)) + list(range(0x1F100, 0x1F200)) + [0x1F917, 0x1F680, sys.maxunicode]
    for point in points:
        char = chr(point)
        folded = fold(char)
        if folded is None:
            continue
        kind = folded.decode()
        assert kind in checks, (hex(point), folded)
        for ours in (0, 1):
            compiled = engines[list(checks).index(kind)][ours]
            assert bool(compiled.match(char)) == checks[kind][1], (hex(point), kind, ours)
            assert not digit[ours].match(char) and not letter[ours].match(char), hex(point)


def test_the_case_blind_list_is_what_the_engines_match():
    derived = {chr(p) for p in range(0x80, sys.maxunicode + 1)
               if re.match("[a-z]", chr(p), re.IGNORECASE) or regex.match("[a-z]", chr(p), regex.IGNORECASE)}
    assert derived == set(CASE_BLIND_ASCII)


@pytest.mark.parametrize("source", [r"(?<!not )\bdpo\b", r"fine-tuned(?= on)", "모델", r"\p{L}+ model", r"\u00e9",
                                    r"(?x) a b", r"a*+b"])
def test_patterns_re2_cannot_answer_for_stay_on_python(source):
    assert pattern(source).re2 is None


def test_a_pattern_naming_the_underscore_has_its_hits_over_letters_folding_made_checked_again():
    """Folding turns letters into `_`: a hit of a pattern naming it that holds a non-ASCII character is searched
    again the Python way, and only such a hit (RE2 answers the rest, whatever else the text holds)."""
    enable = pattern(r"enable_\w+")
    assert enable.re2 is not None and not enable.ascii_only
    assert enable.search("enable思thinking") is None
    assert [m.group(0) for m in enable.finditer("enable思x enable_a 🤗 enable_b")] == ["enable_a", "enable_b"]
    assert enable.search("🤗 enable_thinking") is not None
    assert isinstance(enable.search("🤗 enable_thinking"), Hit)  # an ASCII hit: RE2's own
    top = pattern(r"\btop[_ -]?p\b", case_blind=False)
    assert [m.span() for m in top.finditer("topép, top_p and top p")] == [(7, 12), (17, 22)]


def test_a_pattern_naming_the_underscore_in_a_negated_class_runs_on_re2_over_ascii_text_only():
    """`[^\\W_]` takes a non-ASCII letter, and would not take the `_` folding makes of it."""
    letters = pattern(r"v[^\W_]+")
    assert letters.ascii_only
    assert letters.search("vé2").group(0) == "vé2"
    assert letters.search("v_2") is None


def test_an_unfoldable_text_is_searched_the_python_way():
    found = pattern(r"\b\d+ ?k examples\b").search("trained on ３0 k examples")
    assert found is not None and found.group(0) == "３0 k examples"
    assert pattern(r"\b\d+ ?k examples\b").re2 is not None


@pytest.mark.parametrize("source,behind,lead,ahead", [
    (r"\bq-?lora (train|training)\b(?! (script|code))", None, r"\bq-?lora (train|training)\b", " (script|code)"),
    (r"(?<![\w./@-])[a-z][\w-]{1,40}/\w+", r"[\w./@-]", r"[a-z][\w-]{1,40}/\w+", None),
    (r"(?<!\w)dpo(?! tokens)", r"\w", "dpo", " tokens"),
    (r"z|x(?!y)", None, r"z|x(?!y)", None),  # the lookahead follows one branch only
    (r"[]|]a(?!b)", None, r"[]|]a", "b"),  # a `]` first in a class is a member, and so is the `|` after it
    (r"(a(?!b))", None, r"(a(?!b))", None),  # inside a group
    (r"(?<!x)a|b", None, r"(?<!x)a|b", None),  # the lookbehind comes before one branch only
    (r"(?<!non-)thinking", None, r"(?<!non-)thinking", None),  # more than one character behind: Python's
])
def test_a_pattern_s_outer_lookarounds_are_split_from_what_re2_runs(source, behind, lead, ahead):
    from axes.rules.regex import _guarded

    assert _guarded(source) == (behind, lead, ahead)


def test_a_hit_a_lookaround_refuses_goes_to_python_which_finds_the_next_way():
    trained = pattern(r"\btrained on [a-z][\w.\-]*-\d+[bm]\b(?! tokens)", case_blind=False)
    assert trained.re2 is not None
    text = "trained on heron-7b tokens, then trained on wren-2b-3b data, trained on heron-7b."
    assert [m.group(0) for m in trained.finditer(text)] == [m.group(0) for m in trained.compiled.finditer(text)]
    assert [m.group(0) for m in trained.finditer(text)] == ["trained on wren-2b-3b", "trained on heron-7b"]
    assert trained.search("trained on heron-7b tokens") is None
    repo = pattern(r"(?<![\w./@-])[a-z][\w-]{1,40}/[\w.-]+", case_blind=False)
    assert repo.re2 is not None
    text = "see https://x.co/heron/wren or heron/wren-7b and @a/b"
    assert [m.group(0) for m in repo.finditer(text)] == [m.group(0) for m in repo.compiled.finditer(text)]
    assert isinstance(repo.search("use heron/wren-7b"), Hit) and repo.search("ab/c") is not None


def test_a_lookahead_with_a_repeat_stays_on_the_regex_engine():
    assert pattern(r"\bmerged with \w+(?![\w.\-]*lora)").re2 is None
