"""Every rule's own examples (one test each), rule-file validation with file:line messages, and regex
safety. A `todo` example is a known miss: it is reported as xfail, not hidden."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from axes.errors import RuleError
from axes.reading.card import parse_card
from axes.rules import RULES_DIR, rulebook
from axes.rules.load import load_rulebook
from axes.rules.regex import check_regex, literal_conjunctions, pattern, required_literals
from axes.rules.selftest import judge

BOOK = rulebook()
CASES = [
    pytest.param(rule, kind, example, id=f"{rule.full_id}-{kind}-{i}",
                 marks=[pytest.mark.xfail(reason="known miss", strict=False)] if kind == "todo" else [])
    for rule in BOOK.rules
    for kind, items in (("match", rule.rule.examples.match), ("no_match", rule.rule.examples.no_match),
                        ("todo", rule.rule.examples.todo))
    for i, example in enumerate(items)
]


@pytest.mark.parametrize("rule,kind,example", CASES)
def test_rule_example(rule, kind, example):
    result = judge(rule, kind, 0, example, BOOK)
    assert result.ok, f"{result.describe()}: {example!r}"


def test_contract_tags_are_all_produced_by_some_rule():
    contract = {
        "backbone": "dense moe hybrid ssm encoder encoder-decoder mha gqa mqa mla sliding-window rope alibi "
                    "absolute-position nope yarn rope-scaling shared-experts multimodal quantized",
        "post_training": "sft rlhf ppo dpo grpo rlvr rl distillation merge instruction-tuned preference-tuning "
                         "safety-tuning continued-pretraining base-only",
        "inference": "thinking thinking-toggle reasoning-effort mtp speculative-decoding structured-output "
                     "long-context sampling-defaults",
        "product": "tool-use agent rag system-prompt guardrail code-interpreter browsing memory computer-use",
    }
    for axis, names in contract.items():
        have = {r.rule.tag for r in BOOK.for_axis(axis)}
        assert set(names.split()) <= have, (axis, set(names.split()) - have)


def test_tag_order_puts_every_tag_after_the_tags_it_depends_on():
    position = {tag: i for i, tag in enumerate(BOOK.tag_order)}
    assert set(position) == {r.rule.tag for r in BOOK.rules}
    for r in BOOK.rules:
        for dep in (*r.rule.when_tags, *r.rule.unless_tags):
            assert position[dep] < position[r.rule.tag], (r.full_id, dep)


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    (folder / "mine.yaml").write_text(text)
    return folder


GOOD = """axis: product
rules:
  - id: my-memory
    tag: memory
    strength: declared
    message: the card mentions a memory feature
    card: {patterns: ['remembers you']}
    examples:
      match: ["It remembers you."]
      no_match: ["It forgets."]
"""


@pytest.mark.parametrize("text,message,line", [
    (GOOD.replace("card:", "kard:"), 'rule "my-memory": unknown key "kard"', 7),
    (GOOD.replace("    message: the card mentions a memory feature\n", ""), 'missing key "message"', 3),
    (GOOD.replace("id: my-memory", "id: My_Memory"), "not kebab-case", 3),
    (GOOD.replace("['remembers you']", "['(unclosed']"), "does not compile", 7),
    (GOOD.replace("['remembers you']", "['(a+)+b']"), "catastrophic backtracking", 7),
    (GOOD.replace("['remembers you']", "['(a|aa)*c']"), "catastrophic backtracking", 7),
    (GOOD.replace("strength: declared", "strength: certain"), "strength", 5),
    (GOOD.replace("no_match: [\"It forgets.\"]", "no_match: []"), "no_match", 10),
    (GOOD.replace("axis: product", "axis: vibes"), "axis", 1),
    (GOOD.replace('match: ["It remembers you."]', 'match: [{crad: "It remembers you."}]'), 'unknown key "crad"', 9),
    (GOOD.replace("    examples:", "    unless_tags: [base-onlyy]\n    examples:"),
     'rule "my-memory": unless_tags: no rule sets the tag "base-onlyy"', 8),
    (GOOD.replace("    examples:", "    facts: {all: [{key: structur, op: equals, value: moe}]}\n    examples:"),
     "no such key 'structur'", 8),
    ("axis: product\nrules: [\n", "YAML syntax error", None),
])
def test_invalid_rule_files_name_file_line_and_rule(tmp_path, text, message, line):
    folder = write(tmp_path, text)
    with pytest.raises(RuleError) as info:
        load_rulebook((RULES_DIR, folder))
    rendered = info.value.render()
    assert "mine.yaml" in rendered and message in rendered
    if line is not None:
        assert info.value.line == line, rendered


def test_duplicate_id_across_files(tmp_path):
    folder = write(tmp_path, GOOD)
    (folder / "again.yaml").write_text(GOOD)
    with pytest.raises(RuleError, match='duplicate rule id "my-memory"'):
        load_rulebook((folder,))


def test_when_unless_cycle_is_refused(tmp_path):
    text = GOOD + """  - id: other
    tag: agent
    strength: declared
    message: a rule that depends on memory
    card: {patterns: ['agent']}
    unless_tags: [memory]
    examples:
      match: ["an agent"]
      no_match: ["nothing"]
""".replace("", "")
    text = text.replace("    examples:\n      match: [\"It remembers you.\"]",
                        "    unless_tags: [agent]\n    examples:\n      match: [\"It remembers you.\"]")
    with pytest.raises(RuleError, match="cycle"):
        load_rulebook((write(tmp_path, text),))


def test_user_rules_extend_the_bundled_ones(tmp_path):
    book = load_rulebook((RULES_DIR, write(tmp_path, GOOD)))
    assert "product.my-memory" in {r.full_id for r in book.rules}
    assert len(book.rules) == len(BOOK.rules) + 1


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w+\s?)*x", r"(x|xy)+z", r"(?:a*)*", r"(a)\1"])
def test_dangerous_regexes_are_refused_quickly(pattern):
    start = time.perf_counter()
    with pytest.raises(ValueError):
        check_regex(pattern)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("pattern", [r"\bGRPO\b", r"(?:\w+\s+){0,4}into", r"tool[- ]?(use|calling)", r"a{2,5}"])
def test_ordinary_regexes_are_accepted(pattern):
    check_regex(pattern)


@pytest.mark.parametrize("pattern,literals", [
    (r"\bGRPO\b", ("GRPO",)), (r"supervised (instruction )?fine-?tun", ("supervised ",)), (r"(a|b)c", None),
    (r"x+yz", ("yz",)), (r"a.bc", ("bc",)), (r"[]ab]cd", ("cd",)), (r"ab\.cd", ("ab.cd",)),
    (r"abc{2}d", ("ab",)), (r"tool use|function call", ("tool use", "function call")), (r"ab|c", None),
    (r"x[^.]{0,80}yz", ("yz",)), (r"(ab|cd)[^.]{0,800}(e|f)", ("ab", "cd")), (r"(ab|cd)?xyz", ("xyz",)),
    (r"\b(sft|dpo|rlhf)\b", ("sft", "dpo", "rlhf")), (r"(?:abc|de)f|ghi", ("abc", "de", "ghi")),
    (r"(a+b|cd)ef", ("ef",)), (r"(?<!x)ab", ("ab",)), (r"(ab(c|d)|ef)g", None),
    (r"\b(datasets|dataset|corpus)\b", ("dataset", "corpus")), (r"reward models|reward", ("reward",)),
])
def test_required_literals(pattern, literals):
    assert required_literals(pattern) == literals


@pytest.mark.parametrize("pattern,conjunctions", [
    (r"\bGRPO\b", ((("GRPO",),),)),
    # the literal runs, then the choices
    (r"rewards? (from|by) (\w+ ){0,3}unit tests?", ((("reward",), ("unit test",), ("from", "by")),)),
    (r"optimi[sz]ed for (dialogue|chat)( use cases)?", ((("optimi",), ("ed for ",), ("dialogue", "chat")),)),
    (r"(ab|cd)?xyz", ((("xyz",),),)),  # an optional group is not needed
    (r"tool use|function (call|calling)", ((("tool use",),), (("function ",), ("call",)))),
    (r"x[^.]{0,80}yz", ((("yz",),),)),  # one-letter runs say too little to be searched for
    (r"(a|b)c", None), (r"ab|c", None),
])
def test_literal_conjunctions(pattern, conjunctions):
    assert literal_conjunctions(pattern) == conjunctions


def test_a_card_paragraph_holds_a_conjunction_only_with_one_word_of_each_set():
    card = parse_card("RL with rewards from unit tests.\n\nRewards from humans.\n\nUnit tests run nightly.\n")
    sets = literal_conjunctions(r"rewards? (from|by) (\w+ ){0,3}unit tests?")
    assert sets is not None
    assert card.scan.holding(("reward",)) == [0, 1]
    assert card.scan.holding_all(sets) == [0]
    assert card.scan.holding_all(((("humans",),), (("nightly",), ("unit",)))) == [1, 2]


def test_prefilter_never_hides_a_match():
    """For every bundled card pattern and every example text: a regex match implies a literal is present."""
    for rule in BOOK.rules:
        if rule.rule.card is None:
            continue
        texts = [e if isinstance(e, str) else e.card or "" for e in
                 (*rule.rule.examples.match, *rule.rule.examples.no_match, *rule.rule.examples.todo)]
        compiled = rule.compiled
        for source, needed, sets in zip(compiled.card, compiled.card_literals, compiled.card_conjunctions,
                                        strict=True):
            assert needed is not None or sets is None
            for text in texts:
                low = text.lower()
                if needed is not None and pattern(source, case_blind=False).search(low):
                    assert any(n in low for n in needed), (rule.full_id, source, text)
                    assert sets is None or any(all(any(n in low for n in words) for words in branch)
                                               for branch in sets), (rule.full_id, source, text)
