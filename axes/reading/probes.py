"""The probe conversations every chat template is rendered with, and the marker texts that show, in a render,
whether the template used what it was given.

Data and plain functions only: reading.sandbox renders the probes in a limited child process, reading.observe
reads the renders. Each marker is lowercase ASCII with a tag no real prompt holds ("5e1"), so a template that
lowercases or trims its input still shows it, and finding it is a substring test.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

SYSTEM = "you are probe-system-5e1, a careful assistant."
USER = "probe-user-5e1: what is the weather in paris?"
FOLLOW_UP = "probe-followup-5e1: and tomorrow?"
ANSWER = "probe-answer-5e1: sunny, 21 degrees."
REASONING = "probe-reasoning-5e1: the user wants the weather today."
TOOL_NAME = "lookup_weather_5e1"
TOOL_DESCRIPTION = "probe-tool-5e1: look up the weather of a city."
RESULT = "probe-result-5e1: 21 degrees and sunny"
DOCUMENT = "probe-document-5e1: paris is the capital of france."
CALL_ID = "call5e1ab"  # nine letters and digits: the strictest templates refuse any other call id
THINK_OPEN, THINK_CLOSE = "<think>", "</think>"  # the inline reasoning block most templates strip

TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": TOOL_NAME,
        "description": TOOL_DESCRIPTION,
        "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "the city"}},
                       "required": ["city"]},
    },
}

# The same function without the {"type": "function"} wrapper, with Cohere-style parameter_definitions: the
# form older tool templates read.
FLAT_TOOL = {**TOOL["function"], "parameter_definitions": {"city": {"type": "str", "description": "the city",
                                                                    "required": True}}}

# Variables a template reads that the probes set themselves, or that are the environment's own globals:
# never flipped as switches. Everything else the template reads is tried as a switch (true/false) and as
# a level (low/high); the rules decide from the variable's name what a change means.
SET_BY_PROBES = frozenset({"messages", "tools", "documents", "add_generation_prompt"})
ENVIRONMENT = frozenset({"raise_exception", "strftime_now", "range", "dict", "lipsum", "cycler", "joiner",
                         "namespace", "bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token",
                         "mask_token"})
MAX_SWITCHES = 24  # variables tried per template: a bound on renders, far above what real templates read


class Probe(Struct, frozen=True):
    name: str
    messages: tuple[dict[str, Any], ...]
    generation: bool = True  # add_generation_prompt
    extra: tuple[tuple[str, Any], ...] = ()  # more template variables (tools, documents, a switch)

    def context(self, tokens: dict[str, str], parts: bool = False) -> dict[str, Any]:
        """The variables this render gets: fresh copies, so no render sees another's objects. `parts`: each
        message's text as a list of typed parts, the form multimodal templates read."""
        import copy

        messages = copy.deepcopy(list(self.messages))
        if parts:
            for message in messages:
                text = message.get("content")
                if isinstance(text, str):
                    message["content"] = [{"type": "text", "text": text}] if text else []
        return {**{name: "" for name in ENVIRONMENT if name.endswith("_token")}, **tokens,
                "messages": messages, "add_generation_prompt": self.generation, **copy.deepcopy(dict(self.extra))}


def _user() -> dict[str, Any]:
    return {"role": "user", "content": USER}


def _call(arguments: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": "", "tool_calls": [
        {"id": CALL_ID, "type": "function", "function": {"name": TOOL_NAME, "arguments": arguments}}]}


def _result(role: str) -> dict[str, Any]:
    return {"role": role, "tool_call_id": CALL_ID, "name": TOOL_NAME, "content": RESULT}


REASONED = {"role": "assistant", "content": ANSWER, "reasoning_content": REASONING, "thinking": REASONING}
INLINE = {"role": "assistant", "content": f"{THINK_OPEN}\n{REASONING}\n{THINK_CLOSE}\n\n{ANSWER}"}
FOLLOW = {"role": "user", "content": FOLLOW_UP}

# The fixed probes, by name; the names are what evidence cites ("rendered: system + user").
FIXED = (
    Probe("user", (_user(),), generation=False),
    Probe("user + generation prompt", (_user(),)),
    Probe("system + user", ({"role": "system", "content": SYSTEM}, _user())),
    Probe("tools", (_user(),), extra=(("tools", [TOOL]),)),
    Probe("system + tools", ({"role": "system", "content": SYSTEM}, _user()), extra=(("tools", [TOOL]),)),
    Probe("tools, flat", (_user(),), extra=(("tools", [FLAT_TOOL]),)),
    Probe("documents", (_user(),), extra=(("documents", [{"title": "probe", "text": DOCUMENT}]),)),
    Probe("tool call + result", (_user(), _call({"city": "Paris"}), _result("tool"))),
    Probe("tool call + result, string arguments", (_user(), _call('{"city": "Paris"}'), _result("tool"))),
    Probe("tool call + result, role ipython", (_user(), _call({"city": "Paris"}), _result("ipython"))),
    Probe("tool call + result, with tools", (_user(), _call({"city": "Paris"}), _result("tool")),
          extra=(("tools", [TOOL]),)),
    Probe("earlier reasoning", (_user(), REASONED, FOLLOW)),
    Probe("last reasoning", (_user(), REASONED), generation=False),
    Probe("earlier inline reasoning", (_user(), INLINE, FOLLOW)),
)
CALL_PROBES = tuple(p.name for p in FIXED if p.name.startswith("tool call"))
TOOL_PROBES = tuple(p.name for p in FIXED if "tools" in p.name and not p.name.startswith("tool call"))
SWITCH_VALUES: tuple[tuple[str, Any], ...] = (("true", True), ("false", False), ("low", "low"), ("high", "high"))
NUMBER_VALUES: tuple[tuple[str, Any], ...] = (("128", 128), ("8192", 8192))  # a budget low/high cannot set


def switch_probe(variable: str, label: str, value: Any) -> Probe:
    return Probe(f"{variable} {label}", (_user(),), extra=((variable, value),))


def tool_probe(variable: str) -> Probe:
    """The tools probe with the function list under another name the template reads (custom_tools ...)."""
    return Probe(f"tools as {variable}", (_user(),), extra=((variable, [TOOL]),))


def switch_candidates(variables: set[str]) -> list[str]:
    """The variables a template reads that no probe sets: the switches and levels to try, in name order."""
    return sorted(v for v in variables if v not in SET_BY_PROBES | ENVIRONMENT)[:MAX_SWITCHES]


def tool_variables(variables: set[str]) -> list[str]:
    """Other variables that may carry the function list (functions, custom_tools, xml_tools ...)."""
    return [v for v in switch_candidates(variables) if ("tool" in v or "function" in v) and "builtin" not in v]
