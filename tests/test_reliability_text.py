"""Reliability of reading text (issue 17): card regexes linear in the line, rule regexes bounded in time, the
prefilter right about every bundled pattern, YAML alias bombs refused, one rule for broken side files; and a
fuzz run over cards, templates and rule regexes in which nothing takes a second.

Each case runs in-process behind signal.alarm, so a regression fails instead of hanging CI.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelfiles import LLAMA_1B, isolate
from typer.testing import CliRunner

from axes import pipeline
from axes.cli import app
from axes.errors import AxesError
from axes.parsing import safe_load
from axes.reading.card import parse_card
from axes.rules import RULES_DIR, rulebook, tagger
from axes.rules.regex import check_regex, lower_literals, pattern, required_literals, time_budget
from axes.types import Snapshot

runner = CliRunner()
# A few dozen examples per fuzz test keep the suite quick; AXES_FUZZ_EXAMPLES=5000 for a long hunt (README).
FUZZ = settings(max_examples=int(os.environ.get("AXES_FUZZ_EXAMPLES", "30")), deadline=None,  # within() times
                suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail the block if it takes over `seconds` of CPU time (this process's work, whatever else the machine
    is doing), and stop it (SIGALRM) if it runs five times that long on the clock: a hang."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds * 5:.0f} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds * 5)
    start = time.process_time()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    spent = time.process_time() - start
    assert spent < seconds, f"took {spent:.2f} s of CPU (limit {seconds} s)"


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """Rules loaded and the regex engine imported before any clock starts: a first run pays for both once."""
    analyse({"README.md": "# Warm\nTrained with SFT and DPO; it calls tools and thinks.\n",
             "chat_template": "{% if tools %}<think>{% endif %}", "config.json": json.dumps(LLAMA_1B)})


def analyse(files_: dict[str, str], name: str = "org/model"):
    snapshot = Snapshot(target=name, source="local", files=files_, repo_name=name.rsplit("/", 1)[-1])
    return pipeline.analyse(snapshot, rulebook())


def tag_names(verdict) -> set[str]:
    return {t.name for row in verdict.rows.values() for t in row.tags}


# -- 3: the card reader is linear in its input ----------------------------------------------------------------


@pytest.mark.parametrize("card", [
    "# a" + " " * 4000 + "b\nTrained with DPO.\n",  # the heading regex, before the 2,000-character cut
    "<h1>" * 200_000 + "\n",  # an HTML heading opened 200,000 times and never closed
    "<h1" * 100_000 + "\n",
    "---\ntags:\n  - a" + " " * 100_000 + "b\n---\n# x\n",  # a front matter list item
    "# " + "#" * 50_000 + " " * 50_000 + "x\n",
])
def test_the_card_reader_is_linear_in_a_line(card):
    rulebook()  # loaded before the clock starts
    with within(2.0):
        analyse({"README.md": card})


def test_headings_keep_their_titles():
    card = parse_card("# Model card #\n## C# tools ##\n<h2 class='x'>Training <b>recipe</b></h2>\nIt used DPO.\n")
    assert [line.section for line in card.lines][-1] == "Model card > Training recipe"
    assert parse_card("## C# tools ##\nx\n").lines[-1].section == "C# tools"


# -- 7: rule regexes ------------------------------------------------------------------------------------------


RULE = """axis: product
rules:
  - id: {id}
    tag: {tag}
    strength: declared
    message: a rule written for the reliability tests
    card: {{patterns: ['{pattern}']}}
    examples: {{match: ['{match}'], no_match: ['nothing here']}}
"""


def rule_dir(tmp_path: Path, pattern: str, match: str, rule_id: str = "mine") -> Path:
    folder = tmp_path / f"rules-{rule_id}"
    folder.mkdir()
    (folder / "mine.yaml").write_text(RULE.format(id=rule_id, tag=rule_id, pattern=pattern, match=match))
    return folder


def _slow_line_model(tmp_path: Path) -> Path:
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text(json.dumps(LLAMA_1B))
    (model / "README.md").write_text("# M\nIt supports function calling.\n" + "a" * 1900 + "!\n")
    return model


def test_a_slow_user_regex_is_a_note_naming_the_rule_not_a_hang(tmp_path):
    """A polynomial pattern the checker lets through, on one 1,900-character line, on the regex engine (its
    lookahead keeps it off RE2): the timeout stops it."""
    slow = r"\w*\w*\w*\w*\w*(?=\d)\d!"
    check_regex(slow)  # not refused: it is the timeout's to bound
    assert pattern(slow).re2 is None
    rules = rule_dir(tmp_path, slow, "a1!")
    with within(6.0):
        result = runner.invoke(app, ["inspect", str(_slow_line_model(tmp_path)), "--rules", str(rules), "--format",
                                     "json", "--offline"])
    assert result.exit_code == 0, result.output
    assert "rule product.mine skipped: its regexes took over" in result.stderr
    assert "tool-use" in {t["name"] for t in json.loads(result.stdout)["axes"]["product"]["tags"]}


def test_a_polynomial_user_regex_on_re2_runs_in_linear_time(tmp_path):
    """The same shape without the lookahead runs on RE2, which does not backtrack: the whole line is read and
    nothing is skipped."""
    slow = r"\w*\w*\w*\w*\w*\d!"
    assert pattern(slow).re2 is not None
    rules = rule_dir(tmp_path, slow, "a1!")
    with within(6.0):
        result = runner.invoke(app, ["inspect", str(_slow_line_model(tmp_path)), "--rules", str(rules), "--format",
                                     "json", "--offline"])
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.stderr
    assert "tool-use" in {t["name"] for t in json.loads(result.stdout)["axes"]["product"]["tags"]}


@pytest.mark.parametrize("pattern,refused", [
    (r"\b\w+(?:-\w+)*\s+tuned\b", False),  # each round starts at "-": harmless, and was refused
    (r"(\w+\s?){1,40}!", True),  # forty rounds that trade text: was let through, and hung re on 32 characters
    (r"(a+)+$", True),
    (r"(\w+[ -]){0,4}model", False),  # a few rounds: up to four words
    (r"(a|aa)+$", True),
    (r"(x)\1", True),
])
def test_the_checker_refuses_the_exponential_shapes(pattern, refused):
    if refused:
        with pytest.raises(ValueError, match="repeat|backreference"):
            check_regex(pattern)
    else:
        check_regex(pattern)


@pytest.mark.parametrize("pattern", ["a{4294967295}", "(" * 500 + "a" + ")" * 500])
def test_a_regex_beyond_the_engine_is_a_rule_error(tmp_path, pattern):
    rules = rule_dir(tmp_path, pattern.replace("'", "''"), "a")
    model = tmp_path / "m"
    model.mkdir()
    (model / "README.md").write_text("# M\n")
    result = runner.invoke(app, ["inspect", str(model), "--rules", str(rules), "--offline"])
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and "mine.yaml" in line and "internal error" not in line, line


def bundled_card_patterns() -> list[tuple[str, str]]:
    """Every bundled card and chat-template pattern (both are prefiltered by their required text)."""
    found = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            for matcher in ("card", "template"):
                found += [(rule["id"], p) for p in (rule.get(matcher) or {}).get("patterns", [])]
    return found


def test_every_bundled_pattern_compiles_and_passes_the_checker():
    for _, source in bundled_card_patterns():
        check_regex(source)


PATTERN_GROUP = 20  # patterns drawn per example: more would overrun hypothesis's buffer for one example (at 25, a
# group holding several long bounded patterns was seen to run out of it)
PATTERNS = bundled_card_patterns()


@pytest.mark.parametrize("start", range(0, len(PATTERNS), PATTERN_GROUP))
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_the_prefilter_holds_for_every_bundled_pattern(start, data):
    """Text drawn to match a bundled card pattern always holds one of the pattern's required literals: a
    prefilter that asked for text a match need not hold would keep its rule from ever firing."""
    for rule_id, source in PATTERNS[start:start + PATTERN_GROUP]:
        low = lower_literals(source)
        needed = required_literals(low)
        if needed is None:
            continue
        text = data.draw(st.from_regex(re.compile(low), fullmatch=True), label=rule_id)
        assert any(literal in text for literal in needed), (rule_id, source, needed, text)


def test_a_quantifier_after_a_group_is_not_required_text():
    assert required_literals("(추론|사고) ?모드(와|를)? .{0,20}(전환|끄|켜)") == ("모드",)
    assert required_literals(r"a (\w+[ -]){0,4}model") == ("model",)


def test_the_korean_thinking_toggle_pattern_fires():
    """The bundled inference.thinking-toggle-card pattern `(추론|사고|생각) ?모드… .{0,20}(전환|끄|켜)` never
    fired: its prefilter asked for the text "0,20"."""
    verdict = analyse({"README.md": "# 모델\n\n사고 모드를 필요에 따라 켜거나 끌 수 있습니다.\n"})
    assert "thinking-toggle" in tag_names(verdict)


# -- 4: YAML alias bombs ---------------------------------------------------------------------------------------


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True))


def test_an_alias_bomb_in_front_matter_is_a_note_and_the_card_is_read(tmp_path):
    with within(2.0):
        verdict = analyse({"README.md": f"---\n{BOMB}---\n# M\nIt supports function calling.\n"})
    assert any("YAML aliases" in n and "README.md:3" in n for n in verdict.notices), verdict.notices
    assert "tool-use" in tag_names(verdict)


def test_an_alias_bomb_in_a_yaml_card_is_one_error(tmp_path):
    card = tmp_path / "bomb.yaml"
    card.write_text(f"name: org/bomb\n{BOMB}")
    with within(2.0):
        result = runner.invoke(app, ["inspect", str(card), "--offline"])
    assert result.exit_code == 2 and "YAML aliases" in result.stderr and "bomb.yaml:3" in result.stderr


def test_a_rule_file_may_use_anchors_but_not_bombs():
    assert safe_load("a: &x {k: 1}\nb: *x\n", "r.yaml", aliases=True) == {"a": {"k": 1}, "b": {"k": 1}}
    with within(2.0), pytest.raises(AxesError, match="expand to more than"):
        safe_load(BOMB, "r.yaml", aliases=True)


# -- 13, 16: side files ----------------------------------------------------------------------------------------


DEEP = "[" * 100_000 + "]" * 100_000
SIDE_FILES = {
    "generation_config.json": ("{\"temperature\": ", "generation_config.json"),
    "tokenizer_config.json": ("{\"chat_template\": [", "tokenizer_config.json"),
    "chat_template.jinja": ("{{ x }}\x00\x01", "chat_template"),
    "quantize_config.json": ("{\"bits\": " + "9" * 5000 + "}", "quantize_config.json"),
    "mergekit_config.yml": ("\x00\x00binary", "mergekit_config.yml"),
}


@pytest.mark.parametrize("name", sorted(SIDE_FILES))
@pytest.mark.parametrize("deep", [False, True])
def test_a_broken_side_file_is_a_note_and_the_verdict_stands(tmp_path, name, deep):
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text(json.dumps(LLAMA_1B))
    (model / "README.md").write_text("# M\nIt supports function calling.\n")
    text, cited = SIDE_FILES[name]
    (model / name).write_text(DEEP if deep and name.endswith(".json") else text)
    result = runner.invoke(app, ["inspect", str(model), "--format", "json", "--offline"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["facts"]["layers"] == 16 and "tool-use" in {t["name"] for t in out["axes"]["product"]["tags"]}
    assert any(cited in n and "left out" in n for n in out["notices"]), out["notices"]


@pytest.mark.parametrize("config,needle", [
    (DEEP, "nested too deeply"),
    ('{"num_hidden_layers": ' + "9" * 5000 + "}", "thousands of digits"),
])
def test_a_broken_config_is_one_error_naming_it(tmp_path, config, needle):
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text(config)
    result = runner.invoke(app, ["inspect", str(model), "--offline"])
    assert result.exit_code == 2 and "config.json" in result.stderr and needle in result.stderr, result.output


@pytest.mark.parametrize("front_matter", ["tags: {a: 1}", "tags: [[a]]", "base_model: {a: 1}", "n: " + "9" * 5000])
def test_odd_front_matter_values_are_read_without_error(front_matter):
    verdict = analyse({"README.md": f"---\n{front_matter}\n---\n# M\nIt supports function calling.\n"})
    assert "tool-use" in tag_names(verdict)


# -- the fuzz run: nothing under 64 KB takes a second -------------------------------------------------------------

WORDS = ["DPO", "RLHF", "SFT", "GRPO", "tool", "calling", "function", "thinking", "<think>", "not", "base", "model",
         "-", " ", "  ", "\t", "#", "##", "<h1>", "</h1>", "<h2 class=x>", "|", "*", ">", "```", "\n", "\n\n", "a" * 50,
         "fine-tuned", "instruct", "추론 모드", "않", ".", ";", "!", "(", ")", "---", ": ", "&a", "*a",
         "[", "]", "{", "}"]
texts = st.lists(st.sampled_from(WORDS) | st.text(max_size=40), max_size=400).map("".join)
# One long run of a character a regex could backtrack over (spaces in a heading, <h1> never closed ...).
long_runs = st.tuples(st.sampled_from(["# a", "<h1>", "- ", "| ", "tags: ", ""]),
                      st.sampled_from([" ", "a", "#", "<h1>", "-"]), st.integers(0, 30_000),
                      st.sampled_from(["b", "", "!", "#", "</h1>"])).map(
    lambda t: t[0] + t[1] * (t[2] // max(1, len(t[1]))) + t[3])


@FUZZ
@given(body=texts, front=st.one_of(st.none(), texts), run=long_runs)
def test_fuzz_cards_with_front_matter_headings_and_html(body, front, run):
    card = (f"---\n{front}\n---\n" if front is not None else "") + body + "\n" + run + "\n" + body
    assert len(card.encode()) < 64 * 1024
    with within(1.0):
        analyse({"README.md": card})


@FUZZ
@given(template=texts, run=long_runs)
def test_fuzz_chat_templates(template, run):
    with within(1.0):
        analyse({"chat_template": template + run, "config.json": json.dumps(LLAMA_1B)})


REGEX_PARTS = [r"\w", r"\s", r"\d", ".", "a", "-", "x", "(", ")", "(?:", "|", "*", "+", "?", "{0,3}", "{1,40}", "[a-z]",
               r"\b", "^", "$", "tuned"]


@FUZZ
@given(parts=st.lists(st.sampled_from(REGEX_PARTS), min_size=1, max_size=14), text=texts, run=long_runs)
def test_fuzz_rule_regexes(parts, text, run):
    """Any regex the checker accepts runs over any card under 64 KB within a rule's time (or is noted)."""
    source = "".join(parts)
    try:
        check_regex(source)
    except ValueError:
        return
    with within(1.0), time_budget(tagger.RULE_TIME):
        try:
            for _ in pattern(lower_literals(source), case_blind=False).finditer((text + run).lower()):
                pass
        except TimeoutError:
            pass  # the tagger notes the rule and goes on
