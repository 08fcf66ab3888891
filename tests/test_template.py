"""Chat templates rendered in the sandbox: the tags each syntax family gets from its renders, the facts
recorded about its syntax, the fallback to the template's text when a render fails, the places templates
live, the cache, and the CLI's --no-render and --explain."""

from __future__ import annotations

import json
import time
from pathlib import Path

import chat_templates as T
import pytest
from typer.testing import CliRunner

from axes.cli import app
from axes.pipeline import analyse
from axes.reading import template as template_reading
from axes.rules import rulebook
from axes.sources import files
from axes.types import Snapshot, Verdict

runner = CliRunner()
TOKENS = json.dumps({"bos_token": "<s>", "eos_token": "</s>"})
# A render that loops is stopped at 1 s of CPU; on a busy machine that is a few seconds of wall time.
LIMIT_S = 8.0


def verdict_of(template: str, **more: str) -> Verdict:
    snap = Snapshot(target="m", source="local",
                    files={"chat_template": template, "special_tokens_map.json": TOKENS, **more})
    return analyse(snap, rulebook())


def tags(verdict: Verdict, axis: str) -> dict[str, str]:
    """Tag name -> the rule that set it."""
    return {tag.name: tag.rule for tag in verdict.rows[axis].tags}


def timed(template: str) -> tuple[Verdict, float]:
    start = time.monotonic()
    verdict = verdict_of(template)
    return verdict, time.monotonic() - start


@pytest.fixture(autouse=True)
def fresh_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test renders for itself: nothing remembered from another test's identical template."""
    monkeypatch.setattr(template_reading, "_remembered", {})
    monkeypatch.setattr(template_reading, "_load", lambda key: None)


SYSTEM = {"system-prompt": "product.system-prompt-rendered"}
TOOLS = {**SYSTEM, "tool-use": "product.tool-use-rendered"}
FAMILIES = {  # template -> (its inference tags, product tags it must have, facts)
    "chatml": (T.CHATML, {}, SYSTEM,
               {"system_prompt": "rendered", "tool_definitions": False, "tool_calls": False, "switches": ()}),
    "llama3-tools": (T.LLAMA3_TOOLS, {}, TOOLS,
                     {"tool_syntax": "bare JSON", "tool_call_syntax": "bare JSON", "tool_results": "tool"}),
    "mistral-tools": (T.MISTRAL_TOOLS, {}, TOOLS,
                      {"tool_syntax": "JSON in [AVAILABLE_TOOLS]", "tool_call_syntax": "[TOOL_CALLS] JSON"}),
    "qwen3-thinking": (T.QWEN3_THINKING,
                       {"thinking": "inference.thinking-rendered",
                        "thinking-toggle": "inference.thinking-toggle-rendered"}, TOOLS,
                       {"switches": ("enable_thinking",), "tool_syntax": "JSON in <tools>",
                        "tool_call_syntax": "<tool_call> JSON", "reasoning_rendered": True,
                        "reasoning_history": "stripped"}),
    "harmony-effort": (T.HARMONY_EFFORT,
                       {"thinking": "inference.thinking-rendered",
                        "reasoning-effort": "inference.reasoning-effort-rendered"}, TOOLS,
                       {"switches": (), "tool_syntax": "bare TypeScript-style namespace",
                        "tool_call_syntax": "bare harmony recipient", "reasoning_history": "stripped"}),
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_syntax_family_gets_its_tags_and_facts(family: str):
    template, inference, product, expected = FAMILIES[family]
    verdict, seconds = timed(template)
    assert tags(verdict, "inference") == inference
    assert tags(verdict, "product").items() >= product.items()
    facts = verdict.template.facts
    assert facts.rendered and {key: getattr(facts, key) for key in expected} == expected
    assert seconds < LIMIT_S


def test_a_date_is_a_level_but_no_reasoning_effort():
    verdict = verdict_of(T.LLAMA3_TOOLS)
    assert "date_string" in verdict.template.facts.levels and tags(verdict, "inference") == {}


def test_a_thinking_switch_shows_in_the_generation_prompts():
    facts = verdict_of(T.QWEN3_THINKING).template.facts
    assert any(prompt.endswith("<think>\n\n</think>\n\n") for prompt in facts.generation_prompts)


def test_reasoning_effort_cites_both_renders():
    verdict = verdict_of(T.HARMONY_EFFORT)
    effort = next(t for t in verdict.rows["inference"].tags if t.name == "reasoning-effort")
    assert effort.evidence[0].file == "chat_template"
    assert effort.evidence[0].text.startswith("rendered: reasoning_effort low / high: ")
    assert "Reasoning: low" in effort.evidence[0].text and "Reasoning: high" in effort.evidence[0].text


def test_a_template_that_refuses_the_system_role_gets_no_tag_and_says_why():
    verdict, seconds = timed(T.NO_SYSTEM)
    assert "system-prompt" not in tags(verdict, "product")  # the regex fallback stays silent too
    facts = verdict.template.facts
    assert facts.system_prompt == "rejected" and facts.system_error == "raised: System role not supported"
    assert verdict.template.sources["system_prompt"].probe == "system + user"
    assert seconds < LIMIT_S


def test_a_system_message_the_template_drops_is_not_a_system_prompt():
    dropping = ("{% for m in messages %}{% if m.role == 'user' %}<|user|>{{ m.content }}<|end|>{% endif %}"
                "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}")
    verdict = verdict_of(dropping)
    assert verdict.template.facts.system_prompt == "dropped"
    assert "system-prompt" not in tags(verdict, "product")


def test_a_template_that_loops_forever_is_cut_and_its_text_answers(monkeypatch: pytest.MonkeyPatch):
    from axes.reading import sandbox

    monkeypatch.setattr(sandbox, "WALL_SECONDS", 30.0)  # the CPU limit, not a busy machine's clock, decides
    verdict, seconds = timed(T.LOOPS)
    facts = verdict.template.facts
    assert not facts.rendered and "1 s of CPU" in (facts.note or "")
    assert tags(verdict, "product") == {"tool-use": "product.tool-use-template"}  # the regex fallback
    assert seconds < LIMIT_S


def test_a_template_that_always_raises_is_a_note_and_its_text_answers():
    verdict, seconds = timed(T.RAISES)
    facts = verdict.template.facts
    assert not facts.rendered
    assert "raised: This template only works inside the vendor SDK" in (facts.note or "")
    assert tags(verdict, "product") == {"tool-use": "product.tool-use-template"}
    assert seconds < LIMIT_S


def test_a_template_that_does_not_compile_is_a_note():
    verdict = verdict_of("{% for m in messages %}{{ m.content }}")
    assert not verdict.template.facts.rendered
    assert "does not compile: TemplateSyntaxError" in (verdict.template.facts.note or "")


def test_a_multimodal_template_is_probed_with_typed_content_parts():
    verdict = verdict_of(T.PARTS)
    assert verdict.template.facts.rendered and verdict.template.facts.system_prompt == "rendered"


def test_documents_the_template_writes_are_rag():
    verdict = verdict_of(T.DOCUMENTS)
    assert tags(verdict, "product")["rag"] == "product.rag-rendered"


def test_reasoning_wording_that_is_not_a_switch_sets_no_thinking_tag():
    prose = ("<|system|>Think step by step; reasoning and thinking are welcome. enable_thinking is not "
             "available here.<|end|>" + T.CHATML)
    verdict = verdict_of(prose)
    assert tags(verdict, "inference") == {}
    off = analyse(Snapshot(target="m", source="local", files={"chat_template": prose}), rulebook(), render=False)
    assert {"thinking", "thinking-toggle"} <= set(tags(off, "inference"))  # what the regexes alone say


def test_generation_tag_of_training_templates_renders_its_body():
    marked = T.CHATML.replace("{{ '<|im_start|>' + message['role']",
                              "{% generation %}{{ '<|im_start|>' + message['role']").replace(
        "'<|im_end|>\\n' }}", "'<|im_end|>\\n' }}{% endgeneration %}")
    assert "{% generation %}" in marked
    assert verdict_of(marked).template.facts.system_prompt == "rendered"


def test_named_templates_are_each_probed_and_facts_name_their_template(tmp_path: Path):
    tool_use = T.QWEN3_THINKING
    config = {"chat_template": [{"name": "default", "template": T.CHATML}, {"name": "tool_use", "template": tool_use}],
              "bos_token": {"__type": "AddedToken", "content": "<s>"}, "eos_token": "</s>"}
    (tmp_path / "README.md").write_text("# m\n", encoding="utf-8")
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    snap = files.from_directory(tmp_path, str(tmp_path), "local")
    assert snap.files["chat_template"] == T.CHATML and snap.files["chat_template:tool_use"] == tool_use
    assert json.loads(snap.files["special_tokens_map.json"]) == {"bos_token": "<s>", "eos_token": "</s>"}
    verdict = analyse(snap, rulebook())
    assert verdict.template.facts.templates == ("default", "tool_use")
    tool = next(t for t in verdict.rows["product"].tags if t.name == "tool-use")
    assert tool.evidence[0].text.startswith("rendered (tool_use template): tools: ")


def test_template_files_in_order_of_precedence(tmp_path: Path):
    (tmp_path / "README.md").write_text("# m\n", encoding="utf-8")
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"chat_template": "old", "eos_token": "</s>"}),
                                                    encoding="utf-8")
    (tmp_path / "chat_template.json").write_text(json.dumps({"chat_template": "processor"}), encoding="utf-8")
    snap = files.from_directory(tmp_path, "m", "local")
    assert snap.files["chat_template"] == "processor"
    (tmp_path / "chat_template.jinja").write_text("jinja", encoding="utf-8")
    snap = files.from_directory(tmp_path, "m", "local")
    assert snap.files["chat_template"] == "jinja"
    assert json.loads(snap.files["special_tokens_map.json"]) == {"eos_token": "</s>"}
    (tmp_path / "tokenizer_config.json").write_text("{broken", encoding="utf-8")
    snap = files.from_directory(tmp_path, "m", "local")  # the template has its own file: only tokens lost
    assert snap.files["chat_template"] == "jinja" and "special_tokens_map.json" not in snap.files
    assert any("tokenizer_config.json" in n for n in snap.notices)


def test_renders_are_remembered_on_disk_and_the_next_run_needs_no_sandbox(monkeypatch: pytest.MonkeyPatch,
                                                                          rule_cache: Path):
    monkeypatch.undo()  # this test wants the disk cache the fixture switched off
    monkeypatch.setattr(template_reading, "_remembered", {})
    first = verdict_of(T.QWEN3_THINKING + "{# cache test #}")
    assert list((rule_cache / "renders").glob("*.json"))
    from axes.reading import sandbox

    def no_sandbox(*_args: object) -> object:
        raise AssertionError("rendered again")

    monkeypatch.setattr(sandbox, "run_isolated", no_sandbox)
    monkeypatch.setattr(template_reading, "_remembered", {})
    again = verdict_of(T.QWEN3_THINKING + "{# cache test #}")
    assert again.template == first.template


def test_no_render_leaves_the_regexes_to_answer(tmp_path: Path):
    (tmp_path / "README.md").write_text("# m\n", encoding="utf-8")
    (tmp_path / "chat_template.jinja").write_text(T.NO_SYSTEM, encoding="utf-8")
    shown = runner.invoke(app, ["inspect", str(tmp_path), "--format", "json", "--offline"])
    off = runner.invoke(app, ["inspect", str(tmp_path), "--format", "json", "--offline", "--no-render"])
    assert shown.exit_code == 0 and off.exit_code == 0, (shown.output, off.output)
    shown_json, off_json = json.loads(shown.stdout), json.loads(off.stdout)
    assert shown_json["template"]["rendered"] and shown_json["template"]["system_prompt"] == "rejected"
    assert off_json["template"]["rendered"] is False and "--no-render" in off_json["template"]["note"]
    generation = {t["name"]: t["rule"] for t in off_json["axes"]["product"]["tags"]}
    assert "system-prompt" not in generation  # the regex's own `unless` still reads the refusal


def test_explain_shows_the_probe_and_the_rendered_snippet(tmp_path: Path):
    (tmp_path / "README.md").write_text("# m\n", encoding="utf-8")
    (tmp_path / "chat_template.jinja").write_text(T.QWEN3_THINKING, encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(tmp_path), "--explain", "--offline", "--width", "200"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "inference  thinking-toggle  [verified]  rule inference.thinking-toggle-rendered" in out
    assert "chat_template  rendered: enable_thinking true / false: " in out
    assert "chat_template  rendered: system + user: " in out and "probe-system-5e1" in out
    assert "chat_template (default)  rendered: system prompt rendered; tool definitions: JSON in <tools>" in out


def test_explain_says_why_there_is_no_system_prompt(tmp_path: Path):
    (tmp_path / "README.md").write_text("# m\n", encoding="utf-8")
    (tmp_path / "chat_template.jinja").write_text(T.NO_SYSTEM, encoding="utf-8")
    result = runner.invoke(app, ["inspect", str(tmp_path), "--explain", "--offline", "--width", "200"])
    assert "no system-prompt: system + user: raised: System role not supported" in result.stdout


def test_terminal_escapes_in_a_render_are_shown_as_escapes():
    sneaky = "{{ '\\x1b]0;owned\\x07' }}" + T.CHATML.replace("'<|im_start|>' + message['role']",
                                                          "'\\x1b[2J<|im_start|>' + message['role']")
    verdict = verdict_of(sneaky)
    texts = [ev.text for tag in verdict.rows["product"].tags for ev in tag.evidence]
    assert texts and all("\x1b" not in text for text in texts)
    assert any("\\x1b" in text for text in texts)


def test_when_every_tool_probe_fails_the_tool_regex_answers():
    # The tool branch reads a field no probe gives (a vendor's own shape): the renders establish nothing
    # about tools, so the template's text answers for them, and only for them.
    vendor = ("{% for m in messages %}{% if m.tool_calls %}{{ m.tool_calls[0].vendor_spec.name | upper }}"
              "{% else %}<|{{ m.role }}|>{{ m.content }}{% endif %}{% endfor %}"
              "{% if tools %}{{ tools[0].vendor_spec.name | upper }}{% endif %}")
    verdict = verdict_of(vendor)
    facts = verdict.template.facts
    assert facts.rendered and facts.tool_definitions is None and facts.tool_calls is None
    assert tags(verdict, "product") == {"system-prompt": "product.system-prompt-rendered",
                                        "tool-use": "product.tool-use-template"}


def test_a_template_that_refuses_tools_in_its_own_words_has_no_tool_use():
    refusing = "{% if tools %}{{ raise_exception('tools are not supported by this model') }}{% endif %}" + T.CHATML
    verdict = verdict_of(refusing)
    assert verdict.template.facts.tool_definitions is False
    assert "tool-use" not in tags(verdict, "product")


def test_a_template_that_dumps_whole_messages_proves_nothing():
    dumping = "{% for m in messages %}{{ m | tojson }}\n{% endfor %}"
    verdict = verdict_of(dumping)
    facts = verdict.template.facts
    assert not facts.rendered and "raw data" in (facts.note or "")
    assert tags(verdict, "inference") == {} and "tool-use" not in tags(verdict, "product")


def test_a_fallback_naming_an_unknown_fact_is_refused(tmp_path: Path):
    from axes.errors import RuleError
    from axes.rules.load import load_file

    path = tmp_path / "mine.yaml"
    path.write_text(
        "axis: product\nrules:\n  - id: x\n    tag: x\n    strength: verified\n    message: a rule for the test\n"
        "    template: {patterns: ['tools'], fallback: [tool_sintax]}\n"
        "    examples: {match: ['tools'], no_match: ['none']}\n", encoding="utf-8")
    with pytest.raises(RuleError, match="no such template fact 'tool_sintax'"):
        load_file(path)


@pytest.mark.parametrize("rendered,message", [
    ("{all: [{key: sistem_prompt, op: truthy}]}", "no such key 'sistem_prompt'"),
    ("{strength: verified}", "needs at least one condition"),
])
def test_rendered_conditions_are_validated(tmp_path: Path, rendered: str, message: str):
    from axes.errors import RuleError
    from axes.rules.load import load_file

    path = tmp_path / "mine.yaml"
    path.write_text(
        "axis: product\nrules:\n  - id: x\n    tag: x\n    strength: verified\n    message: a rule for the test\n"
        f"    rendered: {rendered}\n    examples: {{match: ['a'], no_match: ['b']}}\n", encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        load_file(path)
