"""The rule file schema: what a rule may say, as frozen dataclasses that pydantic validates rule files into
(unknown keys and bad values refused), and the compiled form the tagger matches with.

A rule file is YAML: `axis: <axis>` and `rules: [...]`. Each rule sets one tag when any of its matchers
(card, front_matter, template, rendered, config, generation, facts, hub, name, files) holds; see README "How
to add a rule".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from .. import regexes
from ..types import Checkpoint, Facts, Grade, HubInfo, MaterialKind, Strength, Subject, TemplateFacts
from .regex import Conjunctions, PatternSet, check_regex, literal_conjunctions, lower_literals, required_literals

KEBAB = regexes.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Headings whose text is never evidence about this model as released: citations, licences, contact
# lines, and roadmaps (what a later version will do).
DEFAULT_SKIP_SECTIONS = (r"citation|reference|bibtex|acknowledg|licen[cs]e|contact|changelog|disclaimer|terms of use"
                         r"|future (plans?|work|goals?|directions?)|roadmap|upcoming|coming soon|to-?do|\bplans\b"
                         r"|self[- ]?promotion|about (us|me|the authors?)|sponsor|donat|patreon|ko-?fi"
                         r"|support (me|us|my)"
                         r"|hiring|join us|(example|sample) (outputs?|generations?|responses?|conversations?|chats?)"
                         r"|outputs? examples?|showcase")


RENDER_KEYS = frozenset(TemplateFacts.__struct_fields__)  # what `rendered:` conditions may name

# The schema is plain frozen dataclasses: the tagger uses them as they are, and pydantic validates rule
# files into them (TypeAdapter, imported only when rule files are read, not when the cache answers).
# eq=False, repr=False: rules are never compared nor printed, and the __eq__, __hash__ and __repr__ a dataclass
# compiles at import cost 3% of a run.
FORBID = {"extra": "forbid"}  # pydantic's config for a stdlib dataclass: unknown keys are errors


def _field_error(name: str, message: str) -> ValueError:
    """A validation error that names the key at fault (the loader finds its line)."""
    return ValueError(f"{name}: {message}")


def _regexes(name: str, patterns: tuple[str, ...] | list[str]) -> None:
    for pattern in patterns:
        try:
            check_regex(pattern)
        except ValueError as err:
            raise _field_error(name, str(err)) from None


def _not_empty(name: str, items: tuple) -> None:
    if not items:
        raise _field_error(name, "needs at least one entry")


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class CardMatch:
    """Phrases in the card body, read in context."""

    __pydantic_config__ = FORBID
    patterns: tuple[str, ...]
    sections: str | None = None  # only paragraphs under headings matching this regex
    skip_sections: str | None = None  # also ignore these headings (citations etc. always are)
    unless: tuple[str, ...] = ()  # a sentence that also matches one of these is not evidence
    negation: bool = True  # "no RLHF", "does not support tools" are not evidence
    code: bool = False  # read fenced code blocks too
    # Whose claims count (reading.attribution): `self_only` is short for `about: [self]`, this repo's own
    # claims (not the chat sibling's, the base model's, a baseline's, nor advice to the reader).
    self_only: bool = False
    about: tuple[Subject, ...] | None = None
    in_names: bool = False  # also match inside a model's name ("Tiamat-7b-DPO" names a model, not a method)
    headings: bool = False  # also read headings ("### Agentic usage"): they are topics, not claims, by default
    # Read the card as written, links' targets, URLs and inline HTML kept ("[docs](https://...)"): patterns that
    # match markup need it, since by default a rule reads what a reader sees (README "How a card is read").
    markup: bool = False
    strength: Strength | None = None

    @property
    def subjects(self) -> frozenset[str] | None:
        """The subjects whose claims this matcher reads; None: anyone's."""
        if self.about is not None:
            return frozenset(self.about)
        return frozenset({"self"}) if self.self_only else None

    def __post_init__(self) -> None:
        _not_empty("patterns", self.patterns)
        _regexes("patterns", self.patterns)
        _regexes("unless", self.unless)
        _regexes("sections", [p for p in (self.sections, self.skip_sections) if p is not None])


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class TextMatch:
    """Regexes over a whole file's text (the chat template)."""

    __pydantic_config__ = FORBID
    patterns: tuple[str, ...]
    unless: tuple[str, ...] = ()  # the file matching one of these cancels the match
    strength: Strength | None = None
    # The `rendered:` rules answer the same question from what the template does; the text is then only the
    # fallback: `true`, when the template did not render (or rendering is off); a list of TemplateFacts
    # fields, also when none of them was established (every probe behind them failed).
    fallback: bool | tuple[str, ...] = False

    def __post_init__(self) -> None:
        _not_empty("patterns", self.patterns)
        _regexes("patterns", self.patterns)
        _regexes("unless", self.unless)
        for name in self.fallback if isinstance(self.fallback, tuple) else ():
            if name not in RENDER_KEYS:
                known = ", ".join(sorted(RENDER_KEYS))
                raise _field_error("fallback", f"no such template fact {name!r} (known: {known})")


Op = Literal["exists", "absent", "equals", "in", "not_in", "gt", "gte", "lt", "lte", "regex", "truthy"]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Condition:
    """A test on one key of a JSON file, front matter or the computed facts (dotted keys reach nested dicts)."""

    __pydantic_config__ = FORBID
    key: str
    op: Op = "exists"
    value: Any = None

    def __post_init__(self) -> None:
        if self.op in ("gt", "gte", "lt", "lte") and not isinstance(self.value, (int, float)):
            raise _field_error("value", f"op {self.op!r} needs a number value")
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise _field_error("value", f"op {self.op!r} needs a list value")
        if self.op == "regex":
            if not isinstance(self.value, str):
                raise _field_error("value", "op 'regex' needs a string value")
            _regexes("value", [self.value])


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class KeysMatch:
    __pydantic_config__ = FORBID
    all: tuple[Condition, ...]
    strength: Strength | None = None

    def __post_init__(self) -> None:
        _not_empty("all", self.all)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class RenderMatch:
    """Conditions over what the chat template did with the probe conversations (types.TemplateFacts): all of
    `all` and at least one of `any` must hold. Only a template that rendered is evidence."""

    __pydantic_config__ = FORBID
    all: tuple[Condition, ...] = ()
    any: tuple[Condition, ...] = ()
    strength: Strength | None = None

    def __post_init__(self) -> None:
        if not self.all and not self.any:
            raise _field_error("all", "needs at least one condition in `all` or `any`")


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class NameMatch:
    __pydantic_config__ = FORBID
    pattern: str
    unless: str | None = None
    strength: Strength | None = None

    def __post_init__(self) -> None:
        _regexes("pattern", [p for p in (self.pattern, self.unless) if p is not None])


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class FilesMatch:
    __pydantic_config__ = FORBID
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    strength: Strength | None = None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Gate:
    """Conditions that must all hold for a rule to fire; they gate, they are not evidence."""

    __pydantic_config__ = FORBID
    files: FilesMatch | None = None
    facts: KeysMatch | None = None
    name: NameMatch | None = None


# What `facts` and `hub` conditions may name: the fields the pipeline fills in.
FACT_KEYS = frozenset(Facts.__struct_fields__)
HUB_KEYS = frozenset(HubInfo.__struct_fields__)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class ExampleModel:
    """An example model made of parts; each becomes the file it names (card -> README.md ...)."""

    __pydantic_config__ = FORBID
    card: str | None = None
    template: str | None = None
    config: dict[str, Any] | None = None
    generation: dict[str, Any] | None = None
    front_matter: dict[str, Any] | None = None
    tokens: dict[str, str] | None = None  # the special tokens a template reads (bos_token, eos_token ...)
    name: str = "example-model"
    files: tuple[str, ...] = ()  # present, with no content that matters
    hub: dict[str, Any] | None = None  # Hub metadata: types.HubInfo's fields
    line: int | None = None  # a match must cite this line of its evidence's file

    def __post_init__(self) -> None:
        unknown = sorted(set(self.hub or ()) - HUB_KEYS)
        if unknown:
            raise _field_error("hub", f"no such key {unknown[0]!r} (known: {', '.join(sorted(HUB_KEYS))})")


# A bare string is card text, or template text for a rule that reads only the chat template.
Example = str | ExampleModel


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Examples:
    __pydantic_config__ = FORBID
    match: tuple[Example, ...]
    no_match: tuple[Example, ...]
    todo: tuple[Example, ...] = ()  # known misses: recorded, not failed

    def __post_init__(self) -> None:
        _not_empty("match", self.match)
        _not_empty("no_match", self.no_match)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class MaterialClaim:
    """What a material rule says a reader can check of the training: which material, how far it is out.

    `released`: the thing itself is out (a dataset id, the training code or config, a reward model's id);
    `named`: it has a specific name or description but is not out (a named in-house mixture, stages
    described, a reward named); `generic`: it is mentioned in words that name nothing checkable
    ("high-quality curated data"), which is marketing (README "How murk is scored").
    """

    __pydantic_config__ = FORBID
    kind: MaterialKind
    grade: Grade


MATCHERS = ("card", "front_matter", "template", "rendered", "config", "generation", "facts", "hub", "name", "files")


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Rule:
    __pydantic_config__ = FORBID
    id: str
    tag: str
    strength: Strength
    message: str
    examples: Examples
    card: CardMatch | None = None
    front_matter: KeysMatch | None = None
    template: TextMatch | None = None
    rendered: RenderMatch | None = None  # what the chat template does when rendered (reading.template)
    config: KeysMatch | None = None
    generation: KeysMatch | None = None
    facts: KeysMatch | None = None
    hub: KeysMatch | None = None  # Hub metadata: pipeline_tag, tags, gated, base_models, safetensors_total
    name: NameMatch | None = None
    files: FilesMatch | None = None
    requires: Gate | None = None
    when_tags: tuple[str, ...] = ()  # every one of these tags must also be set
    unless_tags: tuple[str, ...] = ()  # none of these may be set (checked after all rules ran)
    # none of these tags may have matched at all, before any suppression: for weak fallbacks, so they
    # add no dependency between tags (a card-level claim can then yield to the fallback's tag)
    unless_matched: tuple[str, ...] = ()
    marketing: bool = False  # a claim that names no method, data or number: raises murk, sets no tag
    material: MaterialClaim | None = None  # what of the training a reader can check: feeds murk, sets no tag
    # A match also says what this repo is (reading.identity): "This is the raw pretrained model" -> base.
    # Such rules are judged first, and their checkpoint decides whose the card's other sentences are.
    checkpoint: Checkpoint | None = None

    def __post_init__(self) -> None:
        for name in ("id", "tag"):
            if not KEBAB.match(getattr(self, name)):
                raise _field_error(name, f"{getattr(self, name)!r} is not kebab-case (lowercase words joined by -)")
        if len(self.message.strip()) < 8:
            raise _field_error("message", "say what matched and why (8 characters at least)")
        if self.material is not None and (self.material.grade == "generic") != self.marketing:
            raise _field_error("material", "a generic material claim is marketing (marketing: true), and only it is")
        if not any(getattr(self, m) is not None for m in MATCHERS):
            raise _field_error("id", f"a rule needs at least one matcher ({', '.join(MATCHERS)})")
        for name, matcher, known in (("facts", self.facts, FACT_KEYS), ("hub", self.hub, HUB_KEYS),
                                     ("requires", self.requires.facts if self.requires else None, FACT_KEYS),
                                     ("rendered", self.rendered, RENDER_KEYS)):
            conditions = (*matcher.all, *getattr(matcher, "any", ())) if matcher else ()
            for cond in conditions:
                if cond.key.split(".", 1)[0] not in known:
                    raise _field_error(name, f"no such key {cond.key!r} (known: {', '.join(sorted(known))})")

    @property
    def sets_tag(self) -> bool:
        """Marketing and material rules feed murk; every other rule sets its tag."""
        return not self.marketing and self.material is None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class RuleFile:
    __pydantic_config__ = FORBID
    axis: Literal["backbone", "post_training", "inference", "product"]
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        _not_empty("rules", self.rules)


@dataclass(frozen=True, eq=False, repr=False)
class LoadedRule:
    rule: Rule
    axis: str
    file: Path
    line: int | None

    @property
    def full_id(self) -> str:
        return f"{self.axis}.{self.rule.id}"

    @cached_property
    def compiled(self) -> CompiledRule:
        return CompiledRule.build(self.rule)

    @cached_property
    def card_only(self) -> bool:
        """Does the rule match on card text alone (no other matcher)? Then a card without any of its patterns'
        text is a card it does not match."""
        return self.rule.card is not None and all(getattr(self.rule, m) is None for m in MATCHERS if m != "card")


@dataclass(frozen=True, eq=False, repr=False)
class CompiledRule:
    """What matching needs of a rule, prepared once: pattern sources and their prefilters.

    Sources, not compiled patterns: a pickled pattern is recompiled when the cache is read, and most card
    patterns never run at all (their prefilter rules them out), so each is compiled on first use through
    `re`'s own cache (`pattern()`), not at start-up.
    """

    # Card patterns with their literals lowercased, for scanning the lowercased card case-sensitively:
    # twice as fast as IGNORECASE, and one pattern at a time keeps re's literal-prefix search.
    card: tuple[str, ...]
    card_literals: tuple[tuple[str, ...] | None, ...]  # per pattern: text a match must contain (prefilter)
    # ... and all it must contain: per alternative, one word of each set (None: nothing more than card_literals)
    card_conjunctions: tuple[Conjunctions | None, ...]
    card_unless: tuple[str, ...]
    sections: str | None
    skip_sections: str | None  # the rule's own skipped headings (DEFAULT_SKIP_SECTIONS always apply)
    template: tuple[str, ...]
    template_unless: tuple[str, ...]

    @classmethod
    def build(cls, rule: Rule) -> CompiledRule:
        card, tpl = rule.card, rule.template
        lowered = tuple(lower_literals(p) for p in card.patterns) if card else ()
        return cls(
            card=lowered,
            card_literals=tuple(required_literals(p) for p in lowered),
            card_conjunctions=tuple(_beyond_literals(literal_conjunctions(p)) for p in lowered),
            card_unless=card.unless if card else (),
            sections=card.sections if card else None,
            skip_sections=card.skip_sections if card else None,
            template=tpl.patterns if tpl else (),
            template_unless=tpl.unless if tpl else (),
        )


def _beyond_literals(conjunctions: Conjunctions | None) -> Conjunctions | None:
    """The conjunctions where they say more than the pattern's required literals: an alternative needs more
    than one set of words (else None, and the literals answer alone)."""
    return conjunctions if conjunctions and any(len(sets) > 1 for sets in conjunctions) else None


@dataclass(frozen=True, eq=False, repr=False)
class Rulebook:
    rules: tuple[LoadedRule, ...]
    tag_order: tuple[str, ...]  # every tag after the tags its rules' when/unless name

    def for_axis(self, axis: str) -> list[LoadedRule]:
        return [r for r in self.rules if r.axis == axis]

    @cached_property
    def card_patterns(self) -> PatternSet:
        """Every card rule's patterns as they scan the lowercased card, to rule out at once those a card lacks."""
        return PatternSet(source for loaded in self.rules for source in loaded.compiled.card)


