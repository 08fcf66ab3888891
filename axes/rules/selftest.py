"""Running the examples every rule carries: `match` must set the rule's tag, `no_match` must not,
`todo` records a known miss without failing. One parametrized test and `axes rules test` use this.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from msgspec import Struct

from ..reading import read
from ..types import HubInfo, Snapshot
from .schema import Example, ExampleModel, LoadedRule, Rulebook
from .tagger import Match, context, kept_matches


class ExampleResult(Struct, frozen=True):
    rule: LoadedRule
    kind: str  # match | no_match | todo
    index: int
    ok: bool
    todo: bool
    why: str = ""  # what went wrong, when it did

    def describe(self) -> str:
        where = f"{self.rule.file.name}:{self.rule.line} {self.rule.full_id} {self.kind}[{self.index}]"
        return f"{where}: {self.why}" if self.why else where


def as_model(rule: LoadedRule, example: Example) -> ExampleModel:
    if isinstance(example, ExampleModel):
        return example
    if (rule.rule.template is not None or rule.rule.rendered is not None) and rule.rule.card is None:
        return ExampleModel(template=example)
    return ExampleModel(card=example)


def example_snapshot(rule: LoadedRule, example: Example) -> Snapshot:
    """A model made of the example's parts."""
    model = as_model(rule, example)
    files: dict[str, str] = {}
    card = model.card or ""
    if model.front_matter is not None:
        card = "---\n" + yaml.safe_dump(model.front_matter, sort_keys=False) + "---\n" + card
    if card:
        files["README.md"] = card
    if model.config is not None:
        files["config.json"] = json.dumps(model.config, indent=1)
    if model.generation is not None:
        files["generation_config.json"] = json.dumps(model.generation, indent=1)
    if model.template is not None:
        files["chat_template"] = model.template
    if model.tokens is not None:
        files["special_tokens_map.json"] = json.dumps(model.tokens)
    for name in model.files:
        files.setdefault(name, "{}")
    hub = None
    if model.hub is not None:
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in model.hub.items()}
        hub = HubInfo(**values)
    return Snapshot(target=model.name, source="card", files=files, repo_name=model.name, hub=hub)


def match_of(rule: LoadedRule, snapshot: Snapshot, book: Rulebook) -> Match | None:
    """This rule's match on the example, if it matched and kept its tag after when_tags/unless_tags.

    A rule whose template regexes are a fallback is judged as the fallback runs, with rendering off; every
    other rule sees its example's template rendered in the sandbox.
    """
    template = rule.rule.template
    render = not (template is not None and template.fallback)
    return next((m for m in kept_matches(book, context(book, read(snapshot, render))) if m.rule is rule), None)


def judge(rule: LoadedRule, kind: str, index: int, example: Example, book: Rulebook) -> ExampleResult:
    match = match_of(rule, example_snapshot(rule, example), book)
    want = kind != "no_match"
    ok, why = (match is not None) == want, ""
    if not ok:
        why = "did not fire" if want else "fired"
    line = as_model(rule, example).line
    if ok and want and line is not None and match is not None:
        cited = sorted({ev.line for ev in match.evidence if ev.line is not None})
        ok = line in cited
        why = "" if ok else f"cited line {', '.join(map(str, cited)) or 'none'}, not line {line}"
    return ExampleResult(rule, kind, index, ok, kind == "todo", why)


def run_examples(book: Rulebook) -> list[ExampleResult]:
    results = []
    for rule in book.rules:
        ex = rule.rule.examples
        for kind, items in (("match", ex.match), ("no_match", ex.no_match), ("todo", ex.todo)):
            results += [judge(rule, kind, index, example, book) for index, example in enumerate(items)]
    return results
