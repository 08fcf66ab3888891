"""Running the examples every rule carries: `match` must set the rule's tag, `no_match` must not,
`todo` records a known miss without failing. One parametrized test and `axes rules test` use this.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml

from .backbone import read_backbone
from .card import parse_card
from .models import HubInfo, Snapshot
from .rulebook import LoadedRule, Rulebook
from .tagger import build_context, kept_matches

EXAMPLE_KEYS = {"card", "template", "config", "generation", "front_matter", "name", "files", "hub"}


@dataclass(frozen=True)
class ExampleResult:
    rule: LoadedRule
    kind: str  # match | no_match | todo
    index: int
    ok: bool
    todo: bool

    def describe(self) -> str:
        return f"{self.rule.file.name}:{self.rule.line} {self.rule.full_id} {self.kind}[{self.index}]"


def example_snapshot(rule: LoadedRule, example: str | dict[str, Any]) -> Snapshot:
    """A model made of the example's parts; a bare string is card text, or template text for a
    rule that reads only the chat template."""
    if isinstance(example, str):
        key = "template" if rule.rule.template is not None and rule.rule.card is None else "card"
        example = {key: example}
    unknown = set(example) - EXAMPLE_KEYS
    if unknown:
        raise ValueError(f"{rule.full_id}: unknown example key {sorted(unknown)[0]!r}")
    files: dict[str, str] = {}
    card = example.get("card", "")
    if "front_matter" in example:
        card = "---\n" + yaml.safe_dump(example["front_matter"], sort_keys=False) + "---\n" + card
    if card:
        files["README.md"] = card
    if "config" in example:
        files["config.json"] = json.dumps(example["config"], indent=1)
    if "generation" in example:
        files["generation_config.json"] = json.dumps(example["generation"], indent=1)
    if "template" in example:
        files["chat_template"] = example["template"]
    for name in example.get("files", []):
        files.setdefault(name, "{}")
    name = example.get("name", "example-model")
    hub = HubInfo(**{k: tuple(v) if isinstance(v, list) else v for k, v in example["hub"].items()}) \
        if "hub" in example else None
    return Snapshot(target=name, source="card", files=files, repo_name=name, hub=hub)


def fired(rule: LoadedRule, snapshot: Snapshot, book: Rulebook) -> bool:
    """Did this rule match the example and keep its tag after when_tags/unless_tags?"""
    card = parse_card(snapshot.files.get("README.md"))
    ctx = build_context(snapshot, card, read_backbone(snapshot, card))
    return any(m.rule is rule for m in kept_matches(book, ctx))


def run_examples(book: Rulebook) -> list[ExampleResult]:
    results = []
    for rule in book.rules:
        ex = rule.rule.examples
        for kind, items, want in (("match", ex.match, True), ("no_match", ex.no_match, False),
                                  ("todo", ex.todo, True)):
            for index, example in enumerate(items):
                got = fired(rule, example_snapshot(rule, example), book)
                results.append(ExampleResult(rule, kind, index, got == want, kind == "todo"))
    return results
