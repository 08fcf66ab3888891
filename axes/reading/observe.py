"""Renders -> TemplateFacts: what the probe conversations' renders show, compared.

reading.sandbox sends back every probe's render (or error); this module records what they show: whether the
system text appears, how tools and tool calls are written, what the generation prompt opens, which variables
switch the output, and the render that showed each. It decides no tag. Imported only for a template whose
renders reading.template has not seen before.
"""

from __future__ import annotations

import re
from typing import Any

from .. import regexes
from ..types import ProbeSource, Rendering, TemplateFacts
from . import probes

SNIPPET = 120  # characters of a render shown as evidence
# Special-token-like markers a render may hold: <|tool|>, <｜tool▁sep｜>, [TOOL_CALLS], <tools> ... (bounded).
MARKER = regexes.compile(r"<\|[^<>|\n]{1,40}\|>|<｜[^<>｜\n]{1,40}｜>|\[/?[A-Z][A-Z_]{2,30}\]|"
                         r"</?[A-Za-z][\w.:-]{0,30}>")
RAW_MESSAGE = regexes.compile(r"""["']role["']\s*:\s*["']user["']""")  # a message dumped whole ({"role": "user"})


def observe(reply: dict[str, Any], names: tuple[str, ...]) -> Rendering:
    """Facts from the renders of every named template: a fact comes from the first template (default first)
    that establishes it, with the probe that did."""
    merged: dict[str, Any] = {}
    sources: dict[str, ProbeSource] = {}
    notes: list[str] = []
    entries = reply.get("templates") or {}
    for name in names:
        entry = entries.get(name)
        if not isinstance(entry, dict):
            continue
        facts, found, note = _observe_one(name, entry)
        if note:
            notes.append(note if name == "default" else f"{name} template: {note}")
        for key, value in facts.items():
            known = merged.get(key)
            if isinstance(value, tuple) and isinstance(known, tuple):
                merged[key] = tuple(dict.fromkeys(known + value))
            elif known is None or (not known and value):  # a later template may add what an earlier lacks
                merged[key] = value
        for key, source in found.items():
            sources.setdefault(key, source)
    if reply.get("cut"):
        notes.append(str(reply["cut"]))
    rendered = bool(merged.pop("rendered", False))
    note = _show("; ".join(notes)) or None
    if not rendered:
        note = (note or "no probe rendered") + "; the template's text is matched"
    return Rendering(facts=TemplateFacts(rendered=rendered, templates=names, note=note, **merged), sources=sources)


class Renders:
    """One template's probe results, with the comparisons the facts need."""

    def __init__(self, name: str, results: dict[str, Any]):
        self.name = name
        self.results = results

    def output(self, probe: str) -> str | None:
        result = self.results.get(probe)
        return result.get("output") if isinstance(result, dict) and isinstance(result.get("output"), str) else None

    def error(self, probe: str) -> str | None:
        result = self.results.get(probe)
        return str(result["error"]) if isinstance(result, dict) and result.get("error") else None

    def refused(self, probes_: tuple[str, ...] | list[str]) -> bool:
        """Did the template itself refuse one of these probes (raise_exception, its own words)?"""
        return any(isinstance(r := self.results.get(p), dict) and r.get("raised") for p in probes_)

    def outcome(self, probe: str) -> str | None:
        """The render or the error, as one comparable value (None: the probe did not run)."""
        out = self.output(probe)
        return out if out is not None else (f"error: {self.error(probe)}" if self.error(probe) else None)

    def source(self, probe: str, snippet: str) -> ProbeSource:
        return ProbeSource(probe=probe, template=self.name, snippet=snippet)


def _observe_one(name: str, entry: dict[str, Any]) -> tuple[dict[str, Any], dict[str, ProbeSource], str | None]:
    """(facts, their sources, a note) for one named template."""
    renders = Renders(name, entry.get("probes") or {})
    if entry.get("error") and not renders.results:
        return {}, {}, f"the template does not compile: {entry['error']}"
    plain, prompted = renders.output("user"), renders.output("user + generation prompt")
    if plain is None and prompted is None:
        why = renders.error("user") or entry.get("error")
        return {}, {}, f"a plain user turn does not render: {why}" if why else None
    if probes.USER not in (plain or "") + (prompted or ""):
        return {}, {}, "the render does not show the probe's user message"
    if RAW_MESSAGE.search(plain or prompted or ""):
        # Every field of every message is written, whatever it is: the renders say nothing about support.
        return {}, {}, "the template writes the messages as raw data"
    facts: dict[str, Any] = {"rendered": True}
    sources: dict[str, ProbeSource] = {}
    # The markers of a plain conversation (turns, roles), which say nothing about tool syntax.
    base = "".join(filter(None, (prompted, plain, renders.output("earlier reasoning"))))
    for part in (_system, _tools, _calls, _documents, _reasoning):
        part(renders, base, facts, sources)
    _switches(renders, entry, facts, sources)
    cut = next((r["cut"] for r in renders.results.values() if isinstance(r, dict) and r.get("cut")), None)
    return facts, sources, entry.get("error") or (f"a render was cut: {cut}" if cut else None)


def _system(renders: Renders, _base: str, facts: dict[str, Any], sources: dict[str, ProbeSource]) -> None:
    probe = "system + user"
    out, err = renders.output(probe), renders.error(probe)
    if out is not None:
        shown = probes.SYSTEM.lower() in out.lower()
        facts["system_prompt"] = "rendered" if shown else "dropped"
        sources["system_prompt"] = renders.source(probe, _around(out, probes.SYSTEM) if shown else
                                                  "the system text does not appear in the prompt")
    elif err is not None:
        facts["system_prompt"], facts["system_error"] = "rejected", _show(err)
        sources["system_prompt"] = renders.source(probe, _show(err))


def _tools(renders: Renders, base: str, facts: dict[str, Any], sources: dict[str, ProbeSource]) -> None:
    candidates = [*probes.TOOL_PROBES, *(p for p in renders.results if p.startswith("tools as "))]
    for probe in candidates:
        out = renders.output(probe)
        if out is not None and probes.TOOL_NAME in out:
            facts["tool_definitions"] = True
            facts["tool_syntax"] = _syntax(out, base, out.find(probes.TOOL_NAME), definitions=True)
            sources["tool_definitions"] = sources["tool_syntax"] = renders.source(
                probe, _around(out, probes.TOOL_NAME))
            return
    if any(renders.output(p) is not None for p in candidates) or renders.refused(candidates):
        facts["tool_definitions"] = False  # rendered without them, or refused: established, not unknown


def _calls(renders: Renders, base: str, facts: dict[str, Any], sources: dict[str, ProbeSource]) -> None:
    listed = (renders.output("tools") or "").count(probes.TOOL_NAME)
    for probe in probes.CALL_PROBES:
        out = renders.output(probe)
        if out is None:
            continue
        before = listed if probe.endswith("with tools") else 0
        if out.count(probes.TOOL_NAME) > before and "tool_calls" not in sources:
            at = _nth(out, probes.TOOL_NAME, before)
            facts["tool_calls"] = True
            facts["tool_call_syntax"] = _syntax(out, base, at, definitions=False)
            sources["tool_calls"] = sources["tool_call_syntax"] = renders.source(probe, _around(out, at=at))
        if "tool_results" not in sources and probes.RESULT in out:
            facts["tool_results"] = "ipython" if probe.endswith("ipython") else "tool"
            sources["tool_results"] = renders.source(probe, _around(out, probes.RESULT))
    if "tool_calls" not in sources and (any(renders.output(p) is not None for p in probes.CALL_PROBES)
                                        or renders.refused(probes.CALL_PROBES)):
        facts["tool_calls"] = False


def _documents(renders: Renders, _base: str, facts: dict[str, Any], sources: dict[str, ProbeSource]) -> None:
    out = renders.output("documents")
    if out is not None:
        facts["documents"] = probes.DOCUMENT in out
        if facts["documents"]:
            sources["documents"] = renders.source("documents", _around(out, probes.DOCUMENT))


def _reasoning(renders: Renders, _base: str, facts: dict[str, Any], sources: dict[str, ProbeSource]) -> None:
    earlier, last = renders.output("earlier reasoning"), renders.output("last reasoning")
    inline = renders.output("earlier inline reasoning")
    marker = probes.REASONING
    for probe, out in (("last reasoning", last), ("earlier reasoning", earlier)):
        if out is not None and marker in out:
            facts["reasoning_rendered"] = True
            sources["reasoning_rendered"] = renders.source(probe, _around(out, marker))
            break
    else:
        if earlier is not None or last is not None:
            facts["reasoning_rendered"] = False
    if earlier is not None and marker in earlier:
        facts["reasoning_history"] = "kept"
        sources["reasoning_history"] = renders.source("earlier reasoning", _around(earlier, marker))
    elif earlier is not None and last is not None and marker in last and probes.ANSWER in earlier:
        facts["reasoning_history"] = "stripped"
        sources["reasoning_history"] = renders.source(
            "earlier reasoning", "an earlier turn's reasoning is left out: " + _around(earlier, probes.ANSWER))
    elif inline is not None and probes.ANSWER in inline and marker not in inline:
        facts["reasoning_history"] = "stripped"
        sources["reasoning_history"] = renders.source(
            "earlier inline reasoning", "the <think> block of an earlier turn is removed: "
            + _around(inline, probes.ANSWER))


def _switches(renders: Renders, entry: dict[str, Any], facts: dict[str, Any],
              sources: dict[str, ProbeSource]) -> None:
    """Generation prompts, and the variables whose true/false or low/high changes the prompt."""
    prompts: list[str] = []

    def prompt_of(probe: str) -> None:
        # What follows the user's words: the turn's end and the generation prompt. Read so rather than as
        # the difference from a render without it, because some templates always append the prompt.
        out = renders.output(probe) or ""
        at = out.lower().rfind(probes.USER.lower())
        suffix = out[at + len(probes.USER):] if at >= 0 else ""
        if suffix.strip() and suffix not in prompts:
            prompts.append(suffix)
            sources[f"generation_prompts:{suffix}"] = renders.source(probe, _show(suffix[-SNIPPET:]))

    prompt_of("user + generation prompt")
    switches, levels = [], []
    for variable in probes.switch_candidates(set(entry.get("variables") or ())):
        on, off = renders.outcome(f"{variable} true"), renders.outcome(f"{variable} false")
        if on is not None and off is not None and on != off:
            switches.append(variable)
            sources[f"switches:{variable}"] = renders.source(f"{variable} true / false", _difference(on, off))
            prompt_of(f"{variable} true")
            prompt_of(f"{variable} false")
        for low, high in (("low", "high"), ("128", "8192")):
            a, b = renders.outcome(f"{variable} {low}"), renders.outcome(f"{variable} {high}")
            if a is not None and b is not None and a != b and not (a.startswith("error") and b.startswith("error")):
                levels.append(variable)
                sources[f"levels:{variable}"] = renders.source(f"{variable} {low} / {high}", _difference(a, b))
                break
    facts["generation_prompts"] = tuple(prompts)
    facts["switches"], facts["levels"] = tuple(switches), tuple(levels)


def _syntax(out: str, base: str, at: int, *, definitions: bool) -> str:
    """How the function (at offset `at`) is written: the markers before it that a plain conversation does
    not have (<tools>, [TOOL_CALLS] ...), and the shape of the text (JSON, XML, a signature ...)."""
    known = set(MARKER.findall(base))
    window = out[:at] if definitions else out[max(0, at - 400):at]
    fresh = [m for m in MARKER.findall(window) if m not in known and probes.TOOL_NAME not in m]
    shape = _shape(out[max(0, at - 40):at + 120])
    if not fresh:
        return f"bare {shape}" if shape != "text" else "plain text"
    if not definitions:
        return f"{fresh[0]} {shape}"  # the call's outermost opener: <tool_call>, [TOOL_CALLS] ...
    opening = [m for m in fresh if not m.startswith(("</", "[/"))] or fresh
    return f"{shape} in {opening[-1]}"  # the block the definitions sit in: the nearest opener before them


SHAPES = (  # how a function name is written, tried in order on the text around it
    ("JSON", r'"name"\s*:\s*"{name}"|"{name}"\s*:'),
    ("Python dict", r"'name'\s*:\s*'{name}'"),
    ("XML", r"<function={name}>|<name>{name}</name>"),
    ("Python signature", r"def {name}\("),
    ("TypeScript-style namespace", r"type {name}\s*="),
    ("harmony recipient", r"functions\.{name}"),
    ("call expression", r"{name}\("),
    ("name + JSON arguments", r"{name}[^{{]{{0,40}}\{{"),
)


def _shape(around: str) -> str:
    name = re.escape(probes.TOOL_NAME)
    return next((shape for shape, form in SHAPES if re.search(form.format(name=name), around)), "text")


def _difference(a: str, b: str) -> str:
    """Where two renders first differ, both sides, shortly."""
    n = len(_common_prefix(a, b))
    start = max(0, n - 30)
    return f"{_show(a[start:n + 50])}  vs  {_show(b[start:n + 50])}"


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _nth(text: str, needle: str, n: int) -> int:
    at = -1
    for _ in range(n + 1):
        at = text.find(needle, at + 1)
    return at


def _around(text: str, needle: str = "", at: int | None = None) -> str:
    """The render around a marker, newlines shown as \\n."""
    if at is None:
        at = max(text.lower().find(needle.lower()), 0)
    start = max(0, at - SNIPPET // 2)
    return ("…" if start else "") + _show(text[start:start + SNIPPET]) + ("…" if start + SNIPPET < len(text) else "")


# Control characters a render may carry (a terminal escape sequence in a stranger's template), shown as
# escapes so evidence printed to a terminal cannot drive it.
CONTROL = regexes.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _show(text: str) -> str:
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text.replace("\n", "\\n"))
