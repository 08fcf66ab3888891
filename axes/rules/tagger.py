"""Evidence -> Tags: apply every rule to one model's files and collect what matched, with its lines.

Matching is a pure function of the Context; rules never see each other's results until the last
step, where `when_tags` / `unless_tags` are resolved to a fixed point.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field
from msgspec.structs import asdict, replace

from .. import regexes
from ..reading import Reading
from ..reading.attribution import Attribution, describes_another, inside_name
from ..reading.backbone import key_line
from ..reading.card import Card, Scan, sentence_bounds
from ..reading.identity import RANK, Identity
from ..types import Backbone, Evidence, EvidenceFile, Material, Snapshot, Strength, Tag
from .regex import Pattern, PatternSet, could_match, pattern, time_budget
from .schema import (
    DEFAULT_SKIP_SECTIONS,
    CardMatch,
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
# A negation cue before the hit in its clause ("not", "nor", "without", "except", 没有/未, 않/없), unless the
# clause turns ("not only ... but", "not just"). Markdown is already gone, so "**not**" reads as "not".
NEGATION_BEFORE = regexes.compile(
    r"(?:\b(?:no|not|non|without|never|nor|neither|lacks?|lacking|cannot|free of|instead of|rather than|except|"
    r"excluding|apart from|other than|no longer|yet to|absence of|(?:does|do|did|is|are|was|were|has|have|had|"
    r"could|would|will)(?:n['’]t| not))\b|않|없|没有|沒有|未经|未經|未进行|未進行|未使用|未采用|并未|並未|不支持|"
    r"不包含|"
    r"不使用|不具备|无需|無需)(?![^.;:]*\b(?:only|just|merely|but)\b)[^.;:。]{0,90}$",
    re.IGNORECASE,
)
NEGATION_AFTER = regexes.compile(
    r"^[^.;]{0,40}?(?:\b(?:is|are|was|were|has|have)(?:n['’]t|\s+not)(?:\s+been)?\s+(?:used|applied|performed|"
    r"done|supported|included|available|trained|conducted)?\b|\bnot\s+(?:supported|available|included|used|"
    r"applied)|\bunsupported\b)"
    r"|^[^.;,]{0,80}?(?:않|없|아니)"  # Korean puts the negation at the end of the clause
    r"|^[^。.]{0,40}?(?:ていない|ていません|しない|しません|されていない|されていません|なし|無し|ではない|ではありません)",
    re.IGNORECASE,
)
# The method marks in a sibling's name (`-dpo`) that a post-training tag stands for.
METHOD_TAGS: dict[str, frozenset[str]] = {
    "dpo": frozenset({"dpo"}), "rlhf": frozenset({"rlhf", "ppo"}), "ppo": frozenset({"ppo"}),
    "grpo": frozenset({"grpo"}), "rl": frozenset({"rl", "rlhf", "ppo", "grpo"}), "sft": frozenset({"sft"}),
    "preference-tuning": frozenset({"dpo", "rlhf", "ppo", "orpo", "kto", "ipo", "simpo"}),
}
NOT_YET_BEFORE = regexes.compile(r"\b(?:before|prior to|ahead of)\s+(?:the\s+|any\s+)?$", re.I)
NOT_YET_AFTER = regexes.compile(r"^\W{0,3}(?:\w+\s+)?(?:has|have|had|is|was|were|gets?)\s+(?:been\s+)?"
                           r"(?:applied|done|run|performed)\b", re.I)
# What is planned is not what was done: "its instruction-tuned version is coming soon".
FUTURE = regexes.compile(
    r"\bcoming soon\b|\bwill be (?:released|added|available|supported|published|open-?sourced|trained|updated)\b"
    r"|\bto be released\b|\b(?:plan|plans|planning|intend|intends) to\b|\bin (?:the )?future\b|\bupcoming\b"
    r"|\bnot yet (?:available|released|supported|trained)\b|\bstay tuned\b|\bwork in progress\b|\bTODO\b"
    r"|\bwill be (?:advantageous|beneficial|useful|helpful)\b|\bfor (?:subsequent|further|future|later) (?:RL\b|"
    r"reinforcement|training|alignment|fine-?tuning|preference)"
    r"|\bif\b[^.;]{0,60}\bhad been\b|\bwould have been\b"  # what would have been, had it been done
    r"|即将|敬请期待|将会发布|予定|近日公開|예정",
    re.IGNORECASE,
)
ASIDE = regexes.compile(r"\([^()]{0,300}\)")
# A quoted title or sample of three words or more ("Open Foundation and Fine-tuned Chat Models").
QUOTED = regexes.compile(r"[\"“][^\"“”]{0,200}\s[^\"“”]{0,200}\s[^\"“”]{0,200}[\"”]")


class Context(Struct, frozen=True):
    """One model's Reading as the matchers see it, under one identity of the repo."""

    reading: Reading
    facts: dict[str, Any]
    identity: Identity
    attribution: Attribution
    # Derived once per target and shared by the rules that ask the same question (a cache, not state
    # any rule's outcome depends on): the facts as a dict, the set search's answer, each rule's match.
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


class Match(Struct, frozen=True):
    rule: LoadedRule
    strength: Strength
    evidence: tuple[Evidence, ...]
    # Card lines where the rule's claim was made about the family's other checkpoints on a base checkpoint:
    # lineage, not a tag (a Match with lineage only sets nothing).
    lineage: tuple[Evidence, ...] = ()


class Tagged(Struct, frozen=True):
    """What the rules found, per axis: tags, marketing phrases, and materials a reader can check; and the
    repo's identity as the card settled it, with the methods it gives the family's other checkpoints."""

    tags: dict[str, list[Tag]]
    marketing: dict[str, list[Evidence]]
    materials: dict[str, list[Material]]
    identity: Identity
    lineage: tuple[str, ...] = ()  # on a base checkpoint: the tags the card gives the family's tuned models
    notes: tuple[str, ...] = ()  # rules skipped because their regexes ran out of time


def build_context(reading: Reading, identity: Identity | None = None, memo: dict[Any, Any] | None = None) -> Context:
    """The rules' view of a reading under an identity; `memo` carries what does not depend on the identity
    (the facts as a dict, the set search's answer, notes) from an earlier context of the same reading."""
    identity = identity or reading.identity
    memo = memo if memo is not None else {}
    if "facts" not in memo:
        memo["facts"] = asdict(reading.backbone.facts)
    facts = {**memo["facts"], "checkpoint": identity.settled, "checkpoint_source": identity.source or None}
    memo[("identity", id(identity))] = identity  # kept alive: memoized matches are keyed by the identity's id
    notes = memo.setdefault("notes", [])  # one list for every context of the reading
    return Context(reading, facts, identity, Attribution(reading.card, identity, shared=memo), memo, notes)


def context(rulebook: Rulebook, reading: Reading) -> Context:
    """The context the rules are judged in: the reading, under the identity the card's own statements of what
    the repo is settle (rules with `checkpoint:`, judged first: whose the other sentences are depends on it).

    When the card seems to say two things ("This is the pretrained model. The chat models are optimized for
    dialogue"), the identity that explains it is the one under which only its own statements still hold (read
    as base, "the chat models" are the siblings); failing that, the strongest statement, then the earliest."""
    ctx = build_context(reading)
    ctx.memo["card patterns"] = rulebook.card_patterns
    if ctx.identity.rank >= RANK["card"]:  # files, front matter or the card's family table decided it
        return ctx
    # The card's statements of what the repo is are read without a kind assumed for it: under a derived
    # identity "a foundation model" would be read as the parent, and the card could never say otherwise.
    open_mind = build_context(reading, replace(ctx.identity, checkpoint=None, weights=None, source=""), ctx.memo)
    found = _declarations(rulebook, open_mind)
    if not found:
        return ctx
    found.sort(key=lambda m: (-m.strength.weight, min(ev.line or 0 for ev in m.evidence)))
    if len({m.rule.rule.checkpoint for m in found}) > 1:
        for m in found:
            trial = _declared(reading, ctx, m)
            if {d.rule.rule.checkpoint for d in _declarations(rulebook, trial)} == {m.rule.rule.checkpoint}:
                return trial
    return _declared(reading, ctx, found[0])


def _declarations(rulebook: Rulebook, ctx: Context) -> list[Match]:
    out = []
    for loaded in rulebook.rules:
        if loaded.rule.checkpoint is not None:
            m = match_in_time(loaded, ctx)
            if m is not None and m.evidence:
                out.append(m)
    return out


def _declared(reading: Reading, ctx: Context, m: Match) -> Context:
    kind = m.rule.rule.checkpoint
    assert kind is not None
    firm = m.strength.weight >= Strength.declared.weight
    return build_context(reading, ctx.identity.declared(kind, m.evidence[:2], firm), ctx.memo)


def kept_matches(rulebook: Rulebook, ctx: Context, matches: list[Match | None] | None = None) -> list[Match]:
    """The rules that matched and survived their when_tags/unless_tags (`matches`: every rule's match, if
    already judged).

    Tags are settled in dependency order (rulebook.tag_order): a rule's when/unless tags are final
    before the rule is judged, so the outcome never depends on the order rules are listed in.
    """
    by_tag: dict[str, list[Match]] = {}
    for m in matches if matches is not None else [match_in_time(rule, ctx) for rule in rulebook.rules]:
        if m is not None and m.evidence:
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


def match_in_time(loaded: LoadedRule, ctx: Context) -> Match | None:
    """match_rule within RULE_TIME: a rule whose regexes run out of time on this model is skipped, noted."""
    card = loaded.rule.card
    if card is not None and loaded.card_only:
        absent = _ruled_out(ctx, card.markup)
        if absent is not None and absent.issuperset(loaded.compiled.card):
            return None  # none of its patterns matches anywhere in the card
    try:
        with time_budget(RULE_TIME):
            return match_rule(loaded, ctx)
    except TimeoutError:
        note = f"rule {loaded.full_id} skipped: its regexes took over {RULE_TIME:g} s on this model's text"
        if note not in ctx.notes:
            ctx.notes.append(note)
        ctx.memo[("match", loaded.full_id, id(ctx.identity))] = None  # judged once: it is not tried again
        return None


def tag(rulebook: Rulebook, reading: Reading) -> Tagged:
    """Tags, marketing evidence and materials per axis, the identity the card settled, the family's methods."""
    ctx = context(rulebook, reading)
    matches = [match_in_time(rule, ctx) for rule in rulebook.rules]
    kept = kept_matches(rulebook, ctx, matches)
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
    own = {t.name for t in tags.get("post_training", [])}
    # On a base checkpoint: the methods the card names for the family's tuned checkpoints, not for this one.
    lineage = tuple(dict.fromkeys(m.rule.rule.tag for m in matches if m is not None and m.lineage
                                  and m.rule.axis == "post_training" and m.rule.rule.sets_tag
                                  and m.rule.rule.tag not in own))
    return Tagged(tags=tags, marketing=marketing, materials=materials, identity=ctx.identity, lineage=lineage,
                  notes=tuple(ctx.notes))


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
    """The rule's match in this context (judged once per identity: the checkpoint rules' first judgement serves
    the main pass when the card's statements left the identity as it was)."""
    key = ("match", loaded.full_id, id(ctx.identity))
    if key not in ctx.memo:
        ctx.memo[key] = _match_rule(loaded, ctx)
    return ctx.memo[key]


def _match_rule(loaded: LoadedRule, ctx: Context) -> Match | None:
    rule = loaded.rule
    gate = rule.requires
    if gate and not (
        (gate.files is None or _files(loaded, gate.files, ctx))
        and (gate.facts is None or _facts(loaded, gate.facts, ctx))
        and (gate.name is None or _name_holds(gate.name, ctx))
    ):
        return None
    found: list[tuple[Strength, list[Evidence]]] = []
    lineage: list[Evidence] = []
    if rule.card is not None:
        own, lineage = _card_hits(loaded, rule.card, ctx)
        if own:
            found.append((rule.card.strength or rule.strength, own))
    checks: tuple[tuple[Any, Callable[[LoadedRule, Any, Context], list[Evidence]]], ...] = (
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
            strength = matcher.strength or rule.strength
            cap = _facts_strength(rule.facts, ctx) if rule.facts is not None and matcher is rule.facts else None
            if cap is not None and cap.weight < strength.weight:
                strength = cap
            found.append((strength, evidence))
    if not found:
        return Match(loaded, rule.strength, (), tuple(lineage)) if lineage and ctx.identity.is_base else None
    strength = max((s for s, _ in found), key=lambda s: s.weight)
    return Match(loaded, strength, tuple(ev for _, evs in found for ev in evs), tuple(lineage))


# --- card text --------------------------------------------------------------------------------------

def _card_hits(loaded: LoadedRule, matcher: CardMatch, ctx: Context) -> tuple[list[Evidence], list[Evidence]]:
    """(evidence, lineage): each pattern scans the paragraphs that can hold it; a hit is judged in its paragraph,
    section, clause and subject. The earliest paragraphs that hold evidence are cited, one citation per paragraph.
    Lineage: hits that are the family's claims on a base checkpoint."""
    compiled = loaded.compiled
    scan = ctx.card.markup if matcher.markup else ctx.card.scan
    body = scan.lowered
    sources, literals, conjunctions = compiled.card, compiled.card_literals, compiled.card_conjunctions
    case_blind = False
    if body is None:  # lowercasing moved offsets: scan the original text case-blind instead
        body, sources, case_blind = scan.body, matcher.patterns, True
        literals = conjunctions = (None,) * len(sources)
        absent = covered = frozenset[str]()
        settled = False
    else:
        # The patterns one set search found absent from the card; the others it searched for are in the card
        # (each is then searched for where its literals are, not first over the whole card again).
        answer = _ruled_out(ctx, matcher.markup)
        absent, settled = answer or frozenset(), answer is not None
        covered = ctx.memo["card patterns"].covered if answer is not None else frozenset()
    paragraphs = ctx.card.paragraphs
    found: dict[int, Evidence] = {}
    family: dict[int, Evidence] = {}
    for source, needed, sets in zip(sources, literals, conjunctions, strict=True):
        if source in absent:
            continue
        # Where the pattern's main literal is; before the process has its set search (one `axes inspect`, a
        # batch's first cards), where all it needs is: most patterns whose main literal a card holds still
        # cannot match it, and then are never compiled (a quarter of the RE2 compiles of an `inspect`). Once
        # the set search answers, the patterns are compiled and the one-literal check costs less.
        indices = None if needed is None else (
            scan.holding_all(sets) if sets is not None and not settled else scan.holding(needed))
        if indices is not None and not indices:  # the text every match needs is not in the card
            continue
        accepted = 0
        for index, hit in _hits(scan, body, pattern(source, case_blind), indices, source in covered):
            para = paragraphs[index]
            if index in found or (para.code and not matcher.code) or not (
                    para.claims or (matcher.headings and para.kind == "heading")) or not _section_readable(
                    para.section, compiled.skip_sections, compiled.sections):
                continue
            text = scan.texts[index]
            start = hit.start() - scan.spans[index][0]
            stop = start + len(hit.group(0))
            if stop > len(text):
                continue
            if matcher.markup:  # the subject is judged where the hit's line starts in the text a reader sees
                line, at = ctx.card.markup_line_at(index, start)
                verdict = _counts(text, index, start, stop, matcher, loaded, ctx, (at, at + 1))
            else:
                line, verdict = para.line_at(start), _counts(text, index, start, stop, matcher, loaded, ctx)
            evidence = Evidence(file="README.md", line=line, text=_excerpt(text, start))
            if verdict == "yes":
                found[index] = evidence
                accepted += 1
                if accepted >= MAX_EVIDENCE:
                    break
            elif verdict == "family":
                family.setdefault(index, evidence)
    return (sorted(found.values(), key=lambda ev: ev.line or 0)[:MAX_EVIDENCE],
            sorted(family.values(), key=lambda ev: ev.line or 0)[:MAX_EVIDENCE])


def _ruled_out(ctx: Context, markup: bool) -> frozenset[str] | None:
    """The card patterns that match nowhere in the lowercased card (its markup: `markup`), found once per reading;
    None when the rulebook's PatternSet could not tell."""
    key = ("ruled out", markup)
    if key not in ctx.memo:
        patterns: PatternSet | None = ctx.memo.get("card patterns")  # the rulebook's, set by context()
        body = (ctx.card.markup if markup else ctx.card.scan).lowered
        ctx.memo[key] = patterns.ruled_out(body) if patterns and body is not None else None
    return ctx.memo[key]


def _hits(scan: Scan, body: str, regex: Pattern, indices: list[int] | None,
          present: bool = False) -> Iterator[tuple[int, RegexMatch]]:
    """(paragraph index, match) for a pattern: over the paragraphs `indices` (those a substring search found
    holding the text every match needs), or, None, one scan of the whole card. `present`: the pattern is known
    to match somewhere in the card."""
    if indices is None:
        for hit in regex.finditer(body):
            yield scan.index_at(hit.start()), hit
        return
    if len(indices) > 1 and not present and regex.absent(body):
        return
    for index in indices:
        begin, end = scan.spans[index]
        for hit in regex.finditer(body, begin, end):
            yield index, hit


@functools.lru_cache(maxsize=8192)
def _section_readable(section: str, skip: str | None, within: str | None) -> bool:
    """May a rule read this section of a card: not skipped (citations, licences ... always; the rule's own
    `skip`), and inside `within` if given? Asked where a hit is, once per section path and settings while the
    process has it cached (a path starts with the card's own title, so few are shared between cards: deciding
    every section of every card up front cost more than all the hits' questions)."""
    if section and (_skipped(section) or skip and pattern(skip).search(section)):
        return False
    return not within or pattern(within).search(section) is not None


@functools.lru_cache(maxsize=4096)
def _skipped(section: str) -> bool:
    return pattern(DEFAULT_SKIP_SECTIONS).search(section) is not None


def _counts(text: str, index: int, start: int, end: int, matcher: CardMatch, loaded: LoadedRule,
            ctx: Context, plain_at: tuple[int, int] | None = None) -> str:
    """Is the hit text[start:end] evidence? "yes"; "family" when it would be but is the family's claim on a base
    checkpoint (lineage); "no" when it is in an `unless` sentence, negated, part of a model's name, or someone
    else's claim. `plain_at`: where the hit stands in the paragraph's plain text, when `text` is its markup."""
    left, right = sentence_bounds(text, start, end)
    sentence = text[left:right]
    if any(pattern(p).search(sentence) for p in loaded.compiled.card_unless):
        return "no"
    if plain_at is None and not matcher.in_names and inside_name(text, start, end):
        return "no"
    if FUTURE.search(_aside_removed(sentence, start - left)) or any(
            q.start() <= start - left and end - left <= q.end() for q in QUOTED.finditer(sentence)):
        return "no"
    if matcher.negation and _negated(text, left, start, end):
        return "no"
    wanted = matcher.subjects
    if wanted is None:
        return "yes"
    if plain_at is not None:
        text, (start, end) = ctx.card.paragraphs[index].text, plain_at
    if describes_another(text, start, end):
        return "no"
    subject = ctx.attribution.subject(index, start, end)
    if subject == "self" and loaded.axis == "post_training" and not ctx.attribution.names_self(index) and (
            METHOD_TAGS.get(loaded.rule.tag, frozenset()) & ctx.attribution.sibling_methods()):
        return "no"  # a method the siblings' names mark, on a sentence that does not name this repo
    if subject in wanted or (subject == "family" and "self" in wanted and ctx.attribution.family_is_self(loaded.axis)):
        return "yes"
    return "family" if ctx.identity.is_base and subject in ("sibling", "family") else "no"


def _aside_removed(sentence: str, at: int) -> str:
    """The sentence without the parenthetical asides that do not hold offset `at` ("(70b coming soon!)")."""
    if "(" not in sentence:
        return sentence
    return ASIDE.sub(lambda m: m.group(0) if m.start() <= at < m.end() else " ", sentence)


def _negated(text: str, sentence_start: int, start: int, end: int) -> bool:
    """A negation cue before the hit in its sentence ("not", "nor", "without", 않), or just after it
    ("is not supported", Korean's and Japanese's clause-final negation), or a step not reached yet ("before DPO
    has been applied")."""
    before = text[max(sentence_start, start - 110):start]
    after = text[end:end + 100]
    return bool(NEGATION_BEFORE.search(before) or NEGATION_AFTER.search(after)
                or (NOT_YET_BEFORE.search(before) and NOT_YET_AFTER.match(after)))


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
    if cond.op == "not_in":  # absent, unknown (None) or none of the listed values
        values = value if isinstance(value, (list, tuple)) else [value]
        return not any(_norm(v) in {_norm(w) for w in cond.value} for v in values if v is not None)
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
    out: list[Evidence] = []
    for cond in matcher.all:
        if cond.key in ("checkpoint", "checkpoint_source"):  # what the repo is: cite what decided it
            out += ctx.identity.evidence or [Evidence(file="files", text=_describe(cond, ctx.facts))]
            continue
        source = ctx.backbone.sources.get(cond.key)
        if source is not None and source.file in ("README.md", "name"):  # the card or name stated it (reading.declared)
            out.append(Evidence(file=source.file, line=source.line, text=f"{_describe(cond, ctx.facts)}: {source.key}"))
            continue
        where = f" ({'config ' if source.file == 'config.json' else ''}{source.key})" if source else ""
        out.append(Evidence(file=source.file if source else "config.json", line=source.line if source else None,
                            text=_describe(cond, ctx.facts) + where))
    return out


def _facts_strength(matcher: KeysMatch, ctx: Context) -> Strength | None:
    """The weakest strength of the facts a facts matcher read: a fact the card stated is no verified fact."""
    found = [ctx.backbone.sources[c.key].strength for c in matcher.all if c.key in ctx.backbone.sources]
    return min(found, key=lambda s: s.weight) if found else None


def _hub(_: LoadedRule, matcher: KeysMatch, ctx: Context) -> list[Evidence]:
    if "hub" not in ctx.memo:
        ctx.memo["hub"] = asdict(ctx.snapshot.hub) if ctx.snapshot.hub else None
    info = ctx.memo["hub"]
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
