"""A backbone for a repo without config.json (a gated repo, a GGUF-only repo, a card file): what its card says
of the structure, and what its base model's backbone is.

1. The card's explicit statements: "a sparse mixture-of-experts model with 8 experts, 2 active per token",
   "uses grouped-query attention", "a state-space (Mamba) model"; and the repo's own name (`-8x7B`, `-MoE`). Each
   becomes a fact with the card line (or the name) as its source, strength declared; a hedged statement
   ("reportedly", "is believed to") at most hinted; a negated or comparative one ("unlike MoE models") nothing.
2. Lesson 02: a fine-tune keeps its base's backbone. When the front matter names a base model that the bundled
   catalog holds a config.json for (the base itself, or a catalog entry made from the same base), the backbone
   is read from that config, every fact citing where it came from.
Only the facts the card or the base establish are set; the rest stay None.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from .. import regexes
from ..errors import AxesError
from ..parsing import parse_json_object
from ..types import Backbone, Facts, FactSource, Snapshot, Strength
from .attribution import Attribution
from .card import Card, sentence_bounds
from .identity import Identity

WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "eight": 8, "sixteen": 16, "thirty-two": 32,
                "sixty-four": 64}
NUMBER = r"(\d{1,3}|one|two|three|four|six|eight|sixteen|thirty-two|sixty-four)"
MOE = regexes.compile(r"\bmixture[- ]of[- ]experts?\b|\bMoE\b|\bsparse(?:ly)?[- ]activated\b|"
                      r"전문가 혼합|混合专家|專家混合", re.I)
EXPERTS = regexes.compile(NUMBER + r" (?:routed |local |feed-?forward |ffn )?experts\b", re.I)
PER_TOKEN = regexes.compile(r"\btop-?(\d)\b(?: routing| experts?| gating)?|\b" + NUMBER
                       + r" (?:experts? )?(?:are |is )?(?:active|activated|selected|used|routed)\b"
                       r"|\b" + NUMBER + r" experts? (?:per|for each|for every) token", re.I)
DENSE = regexes.compile(r"\bdense (?:decoder[- ]only )?(?:transformer|model|architecture)\b", re.I)
SSM = regexes.compile(r"\bstate[- ]space (?:language )?model\b|\bpure(?:ly)? (?:mamba|ssm)\b"
                 r"|\bMamba (?:architecture|model|blocks)\b", re.I)
HYBRID = regexes.compile(r"\bhybrid\b.{0,40}\b(?:mamba|ssm|state[- ]space|linear attention)\b"
                    r"|\b(?:interleav\w+|mix\w*|combin\w+) (?:of )?(?:attention|transformer) (?:layers )?(?:and|with) "
                    r"(?:mamba|ssm|state[- ]space|linear[- ]attention)", re.I)
ATTENTION = (("MLA", regexes.compile(r"\bmulti-head latent attention\b|\bMLA\b", re.I)),
             ("GQA", regexes.compile(r"\bgrouped[- ]query attention\b|\bGQA\b", re.I)),
             ("MQA", regexes.compile(r"\bmulti[- ]query attention\b|\bMQA\b", re.I)),
             # "multi-head attention" alone is what every transformer has (GQA and MQA included): only the acronym,
             # which names the kind with as many key-value heads as query heads
             ("MHA", regexes.compile(r"\bMHA\b")))
# Each statement with the text one of its matches must hold (a cheap test before the scan).
STATEMENTS: tuple[tuple[str, str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("structure", "hybrid", HYBRID, ("mamba", "ssm", "state space", "state-space", "linear attention",
                                     "linear-attention")),
    ("structure", "ssm", SSM, ("state space", "state-space", "mamba", "ssm")),
    ("structure", "moe", MOE, ("moe", "mixture", "sparse", "전문가", "专家", "專家")),
    ("structure", "dense", DENSE, ("dense",)),
    *(("attention", name, regex, needles) for (name, regex), needles in zip(
        ATTENTION, (("latent", "mla"), ("grouped", "gqa"), ("multi-query", "multi query", "mqa"), ("mha",)),
        strict=True)),
)
HEDGED = regexes.compile(r"\b(?:reportedly|rumou?red|is believed|are believed|allegedly|speculat\w+|may be|"
                         r"might be|likely|"
                    r"probably|unconfirmed)\b", re.I)
# Not a statement at all: "does not disclose whether it is dense or mixture-of-experts".
UNSTATED = regexes.compile(r"\b(?:whether|undisclosed|unknown|not (?:been )?(?:disclosed|confirmed|published|known)|"
                      r"(?:does|do|did) not (?:disclose|say|reveal|confirm|publish))\b", re.I)
NEGATED = regexes.compile(r"\b(?:not|no|non|unlike|than|compared (?:to|with)|versus|vs\.?|instead of|"
                          r"rather than|without)\b"
                     r"[^.;:]{0,40}$", re.I)
# The repo's own name: `Mixtral-8x7B`, `heron-kiwi-2x7b` (experts x size), `Heron-10.7Bx4`, `-MoE`.
NAME_EXPERTS = regexes.compile(r"(?:^|[-_])(\d{1,2})x\d+(?:\.\d+)?[bB](?:$|[-_])"
                          r"|(?:^|[-_])\d+(?:\.\d+)?[bB]x(\d{1,2})(?:$|[-_])")
NAME_MOE = regexes.compile(r"(?:^|[-_])moe(?:$|[-_])", re.I)


def declared_backbone(snapshot: Snapshot, card: Card, backbone: Backbone, identity: Identity) -> Backbone:
    """The backbone of a repo with no config.json: from its base model's catalog config, else from its card."""
    if "config.json" in snapshot.files:
        return backbone
    inherited = _inherited(card, identity.parents)
    if inherited is not None:
        return replace(inherited, facts=replace(inherited.facts, base_model=backbone.facts.base_model,
                                                checkpoint=backbone.facts.checkpoint,
                                                checkpoint_source=backbone.facts.checkpoint_source))
    facts: dict[str, Any] = {}
    sources: dict[str, FactSource] = {}

    def found(fact: str, value: Any, source: FactSource) -> None:
        if fact not in facts:
            facts[fact] = value
            sources[fact] = source

    _from_name(snapshot.repo_name, found)
    _from_card(card, Attribution(card, identity), found)
    if not facts:
        return backbone
    if facts.get("experts") and "structure" not in facts:
        found("structure", "moe", sources["experts"])
    if facts.get("structure") == "dense" and facts.get("experts"):
        facts["structure"] = "moe"
    notes = (*backbone.notes, "no config.json: the backbone facts shown are the card's own statements")
    return Backbone(facts=replace(backbone.facts, **facts), sources={**backbone.sources, **sources}, notes=notes)


def _from_name(name: str, found: Any) -> None:
    source = FactSource(key=f"repo name {name}", file="name", strength=Strength.declared)
    hit = NAME_EXPERTS.search(name)
    if hit:
        found("experts", int(hit.group(1) or hit.group(2)), source)
        found("structure", "moe", source)
    elif NAME_MOE.search(name):
        found("structure", "moe", source)


def _from_card(card: Card, attribution: Attribution, found: Any) -> None:
    """The card's statements of this repo's structure (or its base's, which a fine-tune keeps); not of other
    models it names. Each statement pattern scans the whole card once; its hits are judged in their paragraph."""
    body = card.body
    for fact, value, index, start, end in sorted(_statements(body, card), key=lambda s: s[3] + card.spans[s[2]][0]):
        para = card.paragraphs[index]
        if para.code or not para.claims or "evaluat" in para.section.lower() or "benchmark" in para.section.lower():
            continue
        if attribution.subject(index, start, end) in ("other", "sibling", "reader"):
            continue
        text = para.text
        left, right = sentence_bounds(text, start, end)
        sentence = text[left:right]
        if NEGATED.search(text[max(left, start - 60):start]) or UNSTATED.search(sentence):
            continue
        strength = Strength.hinted if HEDGED.search(sentence) else Strength.declared
        found(fact, value, FactSource(key=_excerpt(text, start), line=para.line_at(start), file="README.md",
                                      strength=strength))


def _statements(body: str, card: Card) -> list[tuple[str, Any, int, int, int]]:
    """(fact, value, paragraph index, start, end in the paragraph) for every statement pattern's hit."""
    out: list[tuple[str, Any, int, int, int]] = []

    def add(fact: str, value: Any, hit: re.Match[str]) -> None:
        index = card.index_at(hit.start())
        at = card.spans[index][0]
        out.append((fact, value, index, hit.start() - at, hit.end() - at))

    low = card.lowered or body.lower()
    for fact, value, regex, needles in STATEMENTS:
        if any(needle in low for needle in needles):  # most cards state none of these: skip the scan
            for hit in regex.finditer(body):
                add(fact, value, hit)
    if "expert" in low:
        for hit in EXPERTS.finditer(body):
            count = _number(hit.group(1))
            if count and count > 1:
                add("experts", count, hit)
        for hit in PER_TOKEN.finditer(body):
            count = _number(next(g for g in hit.groups() if g))
            if count:
                add("experts_per_token", count, hit)
    return out


def _number(word: str) -> int | None:
    return int(word) if word.isdigit() else WORD_NUMBERS.get(word.lower())


def _excerpt(text: str, at: int) -> str:
    start = max(0, at - 40)
    return ("…" if start else "") + text[start:at + 80].strip()


def _inherited(card: Card, parents: tuple[str, ...]) -> Backbone | None:
    """The backbone of the bundled catalog's config for this repo's base model: the base itself, or an entry that
    names the same base (an instruct sibling shares its base's backbone)."""
    from ..sources import catalog  # the bundled catalog, read only for a config-less fine-tune

    for parent in parents:
        entry = catalog.find(parent) or _entry_of_base(parent)
        if entry is None or not entry.path.is_dir() or not (entry.path / "config.json").is_file():
            continue
        try:
            return _entry_backbone(entry.id, entry.path, parent, card.fm_lines.get("base_model"))
        except AxesError:
            continue  # a broken catalog config gives no backbone; the card's statements still may
    return None


def _entry_of_base(parent: str) -> Any:
    from ..sources import catalog

    wanted = parent.lower()
    for entry in catalog.entries():
        if entry.bundled and _base_of(entry.path) == wanted:
            return entry
    return None


@lru_cache(maxsize=64)
def _base_of(path: Path) -> str | None:
    """The base_model a catalog entry's card names (lowercased), or None."""
    readme = path / "README.md"
    if not path.is_dir() or not readme.is_file():
        return None
    from .card import parse_card

    try:
        text = readme.read_text(encoding="utf-8", errors="replace")[:200_000]
        value = parse_card(text).front_matter.get("base_model")
    except AxesError:
        return None
    return value.strip().lower() if isinstance(value, str) else None


@lru_cache(maxsize=16)
def _entry_backbone(entry_id: str, path: Path, parent: str, line: int | None) -> Backbone:
    from ..sources.files import read_capped
    from .backbone import read_backbone

    text, _ = read_capped(path / "config.json", "config.json", 4 * 1024 * 1024)
    config = parse_json_object(text, "config.json")
    entry = Snapshot(target=entry_id, source="catalog", files={"config.json": text}, repo_name=entry_id.split("/")[-1])
    base = read_backbone(entry, Card(), config)
    via = entry_id if entry_id.lower() == parent.lower() else f"{entry_id}, made from the same base"
    sources = {fact: FactSource(key=f"base_model {parent}: the catalog's config.json of {via} ({src.key})", line=line,
                                file="README.md", strength=Strength.declared)
               for fact, src in base.sources.items()}
    facts: Facts = replace(base.facts, base_model=None, hub_params=None)
    notes = (f"no config.json: the backbone is its base model's ({parent}), read from the bundled catalog",)
    return Backbone(facts=facts, sources=sources, notes=notes)
