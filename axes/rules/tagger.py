"""Evidence -> Tags: apply every rule to one model's files and collect what matched, with its lines.

Matching is a pure function of the Context; rules never see each other's results until the last
step, where `when_tags` / `unless_tags` are resolved to a fixed point.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from ..reading import Reading
from ..reading.backbone import key_line
from ..reading.card import Card, sentence_at
from ..types import Backbone, Evidence, EvidenceFile, Material, Snapshot, Strength, Tag
from .regex import Pattern, could_match, pattern, time_budget
from .schema import (
    CardMatch,
    CompiledRule,
    Condition,
    FilesMatch,
    KeysMatch,
    LoadedRule,
    NameMatch,
    RenderMatch,
    Rulebook,
    TextMatch,
)

if TYPE_CHECKING:
    from .regex import Match as RegexMatch

MAX_EVIDENCE = 3  # lines cited per tag
RULE_TIME = 0.5  # seconds all of one rule's regexes may take on one model (each takes milliseconds)
NEGATION_BEFORE = re.compile(
    r"(?:\b(?:no|not|non|without|never|nor|neither|lacks?|lacking|cannot|free of|instead of|rather than|"
    r"(?:does|do|did|is|are|was|were|has|have|had)(?:n['’]t| not))\b|않|없)(?![^.]*\bonly\b)[^.;:]{0,60}$",
    re.IGNORECASE,
)
NEGATION_AFTER = re.compile(
    r"^[^.;]{0,40}?(?:\b(?:is|are|was|were)\s+not\b|\bnot\s+(?:supported|available|included|used|applied)|"
    r"\bunsupported\b)"
    r"|^[^.;,]{0,80}?(?:않|없|아니)",  # Korean puts the negation at the end of the clause
    re.IGNORECASE,
)
# Tokens that name a model: letters, digits and dots joined by hyphens ("DeepSeek-R1-Distill-Qwen-7B").
MODEL_NAME = re.compile(r"\b[A-Za-z][\w.]*(?:-[\w.]+)+\b")
# "the tuned versions", "chat models", "the instruct model": a base repo's card describing its siblings.
OTHER_VARIANT = re.compile(
    r"\b(?:the|its|our|their)\s+(?:tuned|chat|instruct|instruction[- ]tuned|fine[- ]?tuned|aligned|dialogue)\s+"
    r"(?:\w+\s+)?(?:models?|versions?|variants?)\b"
    r"|\b(?:tuned|chat|instruct|instruction[- ]tuned|fine[- ]?tuned|aligned|distilled|student|smaller|dialogue)\s+"
    r"(?:\w+\s+)?(?:models|versions|variants|checkpoints)\b",
    re.IGNORECASE,
)
TUNED_NAME = re.compile(r"chat|instruct|(?:^|[-_])it(?:$|[-_])|sft|dpo|rlhf|assistant|tuned|distill", re.IGNORECASE)


@dataclass(frozen=True)
class Context:
    """One model's Reading as the matchers see it."""

    reading: Reading
    facts: dict[str, Any]
    # Derived once per target and shared by the rules that ask the same question (a cache, not state
    # any rule's outcome depends on): readable sections per section settings.
    memo: dict[Any, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # rules skipped because their regexes ran out of time

    @property
    def snapshot(self) -> Snapshot:
        return self.reading.snapshot

    @property
    def card(self) -> Card:
        return self.reading.card

    @property
    def backbone(self) -> Backbone:
        return self.reading.backbone

    @property
    def config(self) -> dict[str, Any] | None:
        return self.reading.config

    @property
    def generation(self) -> dict[str, Any] | None:
        return self.reading.generation

    @property
    def template(self) -> str | None:
        return self.reading.template

    @property
    def name(self) -> str:
        return self.snapshot.repo_name


@dataclass(frozen=True)
class Match:
    rule: LoadedRule
    strength: Strength
    evidence: tuple[Evidence, ...]


def build_context(reading: Reading) -> Context:
    return Context(reading, asdict(reading.backbone.facts))


def kept_matches(rulebook: Rulebook, ctx: Context) -> list[Match]:
    """The rules that matched and survived their when_tags/unless_tags.

    Tags are settled in dependency order (rulebook.tag_order): a rule's when/unless tags are final
    before the rule is judged, so the outcome never depends on the order rules are listed in.
    """
    by_tag: dict[str, list[Match]] = {}
    for m in (_match_in_time(rule, ctx) for rule in rulebook.rules):
        if m is not None:
            by_tag.setdefault(m.rule.rule.tag, []).append(m)
    present: set[str] = set()
    kept: list[Match] = []
    for name in rulebook.tag_order:
        survivors = [
            m for m in by_tag.get(name, [])
            if all(t in present for t in m.rule.rule.when_tags)
            and not any(t in present for t in m.rule.rule.unless_tags)
            and not any(t in by_tag for t in m.rule.rule.unless_matched)
        ]
        if survivors:
            kept += survivors
            if any(m.rule.rule.sets_tag for m in survivors):
                present.add(name)
    return kept


def _match_in_time(loaded: LoadedRule, ctx: Context) -> Match | None:
    """match_rule within RULE_TIME: a rule whose regexes run out of time on this model is skipped, noted."""
    try:
        with time_budget(RULE_TIME):
            return match_rule(loaded, ctx)
    except TimeoutError:
        ctx.notes.append(f"rule {loaded.full_id} skipped: its regexes took over {RULE_TIME:g} s on this model's text")
        return None


@dataclass(frozen=True)
class Tagged:
    """What the rules found, per axis: tags, marketing phrases, materials a reader can check; and notes on
    rules skipped (their regexes ran out of time)."""

    tags: dict[str, list[Tag]]
    marketing: dict[str, list[Evidence]]
    materials: dict[str, list[Material]]
    notes: tuple[str, ...] = ()


def tag(rulebook: Rulebook, reading: Reading) -> Tagged:
    ctx = build_context(reading)
    kept = kept_matches(rulebook, ctx)
    marketing: dict[str, list[Evidence]] = {}
    materials: dict[str, list[Material]] = {}
    for m in kept:
        rule = m.rule.rule
        if rule.marketing:
            marketing.setdefault(m.rule.axis, []).extend(m.evidence)
        if rule.material is not None:
            materials.setdefault(m.rule.axis, []).append(Material(
                kind=rule.material.kind, grade=rule.material.grade, rule=m.rule.full_id,
                evidence=m.evidence[:MAX_EVIDENCE]))
    tags = {axis: _merge([m for m in kept if m.rule.axis == axis and m.rule.rule.sets_tag])
            for axis in {m.rule.axis for m in kept}}
    return Tagged(tags=tags, marketing=marketing, materials=materials, notes=tuple(ctx.notes))


def _merge(matches: list[Match]) -> list[Tag]:
    """One Tag per name: the strongest match names the rule; evidence from all, deduplicated."""
    by_name: dict[str, list[Match]] = {}
    for m in matches:
        by_name.setdefault(m.rule.rule.tag, []).append(m)
    tags = []
    for name, group in by_name.items():
        group.sort(key=lambda m: -m.strength.weight)
        evidence: list[Evidence] = []
        for m in group:
            for ev in m.evidence:
                if ev not in evidence:
                    evidence.append(ev)
        tags.append(Tag(name=name, strength=group[0].strength, rule=group[0].rule.full_id,
                        evidence=tuple(evidence[:MAX_EVIDENCE])))
    return tags


def match_rule(loaded: LoadedRule, ctx: Context) -> Match | None:
    rule = loaded.rule
    gate = rule.requires
    if gate and not (
        (gate.files is None or _files(loaded, gate.files, ctx))
        and (gate.facts is None or _facts(loaded, gate.facts, ctx))
        and (gate.name is None or _name_holds(gate.name, ctx))
    ):
        return None
    found: list[tuple[Strength, list[Evidence]]] = []
    checks: tuple[tuple[Any, Callable[[LoadedRule, Any, Context], list[Evidence]]], ...] = (
        (rule.card, _card),
        (rule.front_matter, _front_matter),
        (rule.template, _template),
        (rule.rendered, _rendered),
        (rule.config, _config),
        (rule.generation, _generation),
        (rule.facts, _facts),
        (rule.hub, _hub),
        (rule.name, _name),
        (rule.files, _files),
    )
    for matcher, check in checks:
        if matcher is None:
            continue
        evidence = check(loaded, matcher, ctx)
        if evidence:
            found.append((matcher.strength or rule.strength, evidence))
    if not found:
        return None
    strength = max((s for s, _ in found), key=lambda s: s.weight)
    return Match(loaded, strength, tuple(ev for _, evs in found for ev in evs))


# --- card text --------------------------------------------------------------------------------------

def _card(loaded: LoadedRule, matcher: CardMatch, ctx: Context) -> list[Evidence]:
    """Each pattern scans the paragraphs that can hold it; a hit is judged in its paragraph, section and
    sentence. The earliest paragraphs that hold evidence are cited, one citation per paragraph."""
    compiled = loaded.compiled
    body = ctx.card.lowered
    sources, literals, case_blind = compiled.card, compiled.card_literals, False
    if body is None:  # lowercasing moved offsets: scan the original text case-blind instead
        body, sources, literals, case_blind = ctx.card.body, matcher.patterns, (None,) * len(sources), True
    readable = _readable_sections(matcher, compiled, ctx)
    found: dict[int, Evidence] = {}
    for source, needed in zip(sources, literals, strict=True):
        accepted = 0
        for index, hit in _hits(ctx.card, body, partial(pattern, source, case_blind), needed):
            para = ctx.card.paragraphs[index]
            if index in found or para.section not in readable or (para.code and not matcher.code):
                continue
            start = hit.start() - ctx.card.spans[index][0]
            stop = start + len(hit.group(0))
            if stop <= len(para.text) and _counts(para.text, start, stop, matcher, loaded, ctx):
                found[index] = Evidence(file="README.md", line=para.line_at(start), text=_excerpt(para.text, start))
                accepted += 1
                if accepted >= MAX_EVIDENCE:
                    break
    return sorted(found.values(), key=lambda ev: ev.line or 0)[:MAX_EVIDENCE]


def _hits(card: Card, body: str, compile_it: Callable[[], Pattern], needed: tuple[str, ...] | None
          ) -> Iterator[tuple[int, RegexMatch]]:
    """(paragraph index, match) for a pattern: where it has required text, the regex runs only over the
    paragraphs a substring search finds holding it (and is compiled only if there are any); otherwise one
    scan of the whole card."""
    if needed is None:
        for hit in compile_it().finditer(body):
            yield card.index_at(hit.start()), hit
        return
    indices = card.holding(needed)
    if not indices:
        return
    regex = compile_it()
    for index in indices:
        begin, end = card.spans[index]
        for hit in regex.finditer(body, begin, end):
            yield index, hit


def _readable_sections(matcher: CardMatch, compiled: CompiledRule, ctx: Context) -> set[str]:
    """The card's sections this rule may read: not skipped, inside `sections` if given, and not headed
    by another model's name. Decided once per card for each combination of those settings."""
    key = (compiled.skip_sections, matcher.sections, matcher.self_only)
    if key in ctx.memo:
        return ctx.memo[key]
    readable = set()
    for section in ctx.card.sections:
        if section and pattern(compiled.skip_sections).search(section):
            continue
        if compiled.sections and not pattern(compiled.sections).search(section):
            continue
        if _section_about_another(section.rsplit(" > ", 1)[-1], matcher, ctx):
            continue
        readable.add(section)
    ctx.memo[key] = readable
    return readable


def _counts(text: str, start: int, end: int, matcher: CardMatch, loaded: LoadedRule, ctx: Context) -> bool:
    """Is the hit text[start:end] evidence: not in an `unless` sentence, not negated, about this model."""
    sentence = sentence_at(text, start, end)
    if any(pattern(p).search(sentence) for p in loaded.compiled.card_unless):
        return False
    if matcher.negation and _negated(text, sentence, start, end):
        return False
    return not (matcher.self_only and about_another_model(sentence, ctx.name))


def _section_about_another(line_section: str, matcher: CardMatch, ctx: Context) -> bool:
    return matcher.self_only and bool(line_section) and about_another_model(line_section, ctx.name)


def _negated(text: str, sentence: str, start: int, end: int) -> bool:
    """A negation cue before the hit in its sentence ("not", "without", 않), or just after it
    ("is not supported", Korean's clause-final negation)."""
    sentence_start = max(text.find(sentence), 0) if sentence else 0
    before = text[max(sentence_start, start - 80):start]
    return bool(NEGATION_BEFORE.search(before) or NEGATION_AFTER.search(text[end:end + 100]))


def about_another_model(sentence: str, own_name: str) -> bool:
    """Is this sentence about a sibling model rather than this repo's own?

    A base repo's card often describes its chat variant ("the tuned versions use SFT and RLHF"), and a
    teacher's card its students ("DeepSeek-R1-Distill models are fine-tuned from ..."). A model name
    whose parts are all in this repo's name ("Llama-2-Chat" in Llama-2-13B-chat-GPTQ) is this model.
    """
    own_parts = set(_parts(own_name))
    family = _parts(own_name)[0] if own_parts else ""
    for token in MODEL_NAME.findall(sentence):
        parts = _parts(token)
        if parts and parts[0] == family and not set(parts) <= own_parts:
            return True
    return not TUNED_NAME.search(own_name) and bool(OTHER_VARIANT.search(sentence))


def _parts(name: str) -> list[str]:
    return [p for p in re.split(r"[-_.\s]+", name.lower()) if p]


def _excerpt(text: str, at: int, width: int = 160) -> str:
    """The text around offset `at`, at most `width` characters."""
    text = text.strip()
    if len(text) <= width:
        return text
    start = max(0, min(at - width // 3, len(text) - width))
    return ("…" if start else "") + text[start:start + width].strip() + "…"


# --- machine-readable files ---------------------------------------------------------------------------

def lookup(data: Any, key: str) -> tuple[bool, Any]:
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return False, None
        data = data[part]
    return True, data


def holds(cond: Condition, data: Any) -> bool:
    present, value = lookup(data, cond.key)
    if cond.op == "absent":
        return not present
    if not present:
        return False
    values = value if isinstance(value, (list, tuple)) else [value]
    for v in values:
        if _holds_one(cond, v):
            return True
    return False


def _holds_one(cond: Condition, v: Any) -> bool:
    op, want = cond.op, cond.value
    if op == "exists":
        return v is not None
    if op == "truthy":
        return bool(v)
    if op == "equals":
        return _norm(v) == _norm(want)
    if op == "in":
        return any(_norm(v) == _norm(w) for w in want)  # no hashing: a front matter value may be a mapping
    if op == "regex":
        return isinstance(v, str) and pattern(want).search(v) is not None
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    return {"gt": v > want, "gte": v >= want, "lt": v < want, "lte": v <= want}[op]


def _norm(v: Any) -> Any:
    return v.strip().lower() if isinstance(v, str) else v


def _describe(cond: Condition, data: Any) -> str:
    present, value = lookup(data, cond.key)
    if not present:
        return f"{cond.key}: absent"
    shown = json.dumps(value) if not isinstance(value, str) else value
    return f"{cond.key}: {shown[:120]}"


def _keys(matcher: KeysMatch, data: Any) -> bool:
    return data is not None and all(holds(c, data) for c in matcher.all)


def _front_matter(_rule: LoadedRule, matcher: KeysMatch, ctx: Context) -> list[Evidence]:
    fm = ctx.card.front_matter
    if not fm or not _keys(matcher, fm):
        return []
    out = []
    for cond in matcher.all:
        _, value = lookup(fm, cond.key)
        line = None
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if cond.op != "absent" and _holds_one(cond, v):
                line = ctx.card.fm_lines.get(f"{cond.key}={str(v).lower()}")
                break
        line = line or ctx.card.fm_lines.get(cond.key.split(".")[0])
        out.append(Evidence(file="README.md", line=line, text=_describe(cond, fm)))
    return out


def _config(_: LoadedRule, matcher: KeysMatch, ctx: Context) -> list[Evidence]:
    if not _keys(matcher, ctx.config):
        return []
    raw = ctx.snapshot.files.get("config.json")
    return [Evidence(file="config.json", line=key_line(raw, c.key), text=_describe(c, ctx.config)) for c in matcher.all]


def _generation(_: LoadedRule, matcher: KeysMatch, ctx: Context) -> list[Evidence]:
    if not _keys(matcher, ctx.generation):
        return []
    raw = ctx.snapshot.files.get("generation_config.json")
    return [Evidence(file="generation_config.json", line=key_line(raw, c.key), text=_describe(c, ctx.generation))
            for c in matcher.all]


def _facts(_: LoadedRule, matcher: KeysMatch, ctx: Context) -> list[Evidence]:
    if not _keys(matcher, ctx.facts):
        return []
    out = []
    for cond in matcher.all:
        source = ctx.backbone.sources.get(cond.key)
        where = f" ({'config ' if source.file == 'config.json' else ''}{source.key})" if source else ""
        out.append(Evidence(file=source.file if source else "config.json", line=source.line if source else None,
                            text=_describe(cond, ctx.facts) + where))
    return out


def _hub(_: LoadedRule, matcher: KeysMatch, ctx: Context) -> list[Evidence]:
    info = asdict(ctx.snapshot.hub) if ctx.snapshot.hub else None
    if not _keys(matcher, info):
        return []
    return [Evidence(file="hub", text=_describe(c, info)) for c in matcher.all]


def _template(loaded: LoadedRule, matcher: TextMatch, ctx: Context) -> list[Evidence]:
    text = ctx.template
    if not text or _rendering_answers(matcher, ctx):
        return []
    compiled = loaded.compiled
    if "template" not in ctx.memo:  # lowercased once per model, for the prefilter (None: lowering moved offsets)
        low = text.lower()
        ctx.memo["template"] = low if len(low) == len(text) else None
    low = ctx.memo["template"]
    if any(could_match(p, low) and pattern(p).search(text) for p in compiled.template_unless):
        return []
    for source in compiled.template:
        hit = could_match(source, low) and pattern(source).search(text)
        if hit:
            line_start = text.rfind("\n", 0, hit.start()) + 1
            line_end = text.find("\n", hit.start())
            snippet = text[line_start:line_end if line_end >= 0 else len(text)]
            line = text.count("\n", 0, hit.start()) + 1
            return [Evidence(file="chat_template", line=line, text=_excerpt(snippet, hit.start() - line_start))]
    return []


def _rendering_answers(matcher: TextMatch, ctx: Context) -> bool:
    """Whether the renders settle what this fallback regex would: the template rendered, and (for a list of
    facts) at least one of them was established."""
    rendering = ctx.reading.rendering
    if not matcher.fallback or rendering is None or not rendering.facts.rendered:
        return False
    names = matcher.fallback if isinstance(matcher.fallback, tuple) else ()
    return not names or any(getattr(rendering.facts, name) is not None for name in names)


def _rendered(_rule: LoadedRule, matcher: RenderMatch, ctx: Context) -> list[Evidence]:
    """What the rendered template showed: every `all` condition and the first `any` condition that holds,
    each cited with the probe that established it and the rendered text."""
    rendering = ctx.reading.rendering
    if rendering is None or not rendering.facts.rendered:
        return []
    facts = ctx.memo.get("rendered")
    if facts is None:
        facts = ctx.memo["rendered"] = asdict(rendering.facts)
    if not all(holds(c, facts) for c in matcher.all):
        return []
    first = next((c for c in matcher.any if holds(c, facts)), None)
    if matcher.any and first is None:
        return []
    out = []
    for cond in (*matcher.all, *([first] if first else [])):
        _, value = lookup(facts, cond.key)
        element = next((v for v in value if _holds_one(cond, v)), None) if isinstance(value, (list, tuple)) else None
        source = rendering.sources.get(f"{cond.key}:{element}") or rendering.sources.get(cond.key)
        if source is None:
            out.append(Evidence(file="chat_template", text=f"rendered: {_describe(cond, facts)}"))
            continue
        named = "" if source.template == "default" else f" ({source.template} template)"
        out.append(Evidence(file="chat_template", text=f"rendered{named}: {source.probe}: {source.snippet}"))
    return out


def _name(_: LoadedRule, matcher: NameMatch, ctx: Context) -> list[Evidence]:
    return [Evidence(file="name", text=f"repo name: {ctx.name}")] if _name_holds(matcher, ctx) else []


def _name_holds(matcher: NameMatch, ctx: Context) -> bool:
    return bool(pattern(matcher.pattern).search(ctx.name)) and not (
        matcher.unless and pattern(matcher.unless).search(ctx.name)
    )


def _files(_: LoadedRule, matcher: FilesMatch, ctx: Context) -> list[Evidence]:
    files = ctx.snapshot.files
    if not all(name in files for name in matcher.present) or any(name in files for name in matcher.absent):
        return []
    return [Evidence(file=_cite(n), text=f"{n} present") for n in matcher.present] + [
        Evidence(file=_cite(n), text=f"no {n} in the repo") for n in matcher.absent
    ]


# Files evidence names as themselves; any other file's presence or absence cites "files".
CITED: dict[str, EvidenceFile] = {name: name for name in ("config.json", "README.md", "chat_template",
                                                           "generation_config.json")}


def _cite(name: str) -> EvidenceFile:
    return CITED.get(name, "files")
