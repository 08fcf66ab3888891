"""Model names read as an expert reads them: parts, sizes, versions, packaging, and the variant a name marks.

`Wren-2-13b-chat-GPTQ` is the `wren 2` family, size 13b, the chat variant, packed as GPTQ. Two names are the
same model when they differ only in packaging; a name that adds a variant marker (`-Instruct`, `-DPO`) is a
sibling. Nothing here knows any particular model: only the shape of names.
"""

from __future__ import annotations

import re
from functools import cached_property

from msgspec import Struct

from .. import regexes

SPLIT = regexes.compile(r"[-_\s/]+")
SIZE = regexes.compile(r"^(?:\d+(?:\.\d+)?[bmkt]|\d+x\d+(?:\.\d+)?[bm]|a\d+(?:\.\d+)?b|\d+(?:\.\d+)?b\w{0,3})$")
VERSION = regexes.compile(r"^v?\d+(?:\.\d+)*[a-z]?$")
# Packaging and file formats: the same weights, however stored.
PACKAGING = regexes.compile(r"^(?:hf|gptq|awq|gguf|ggml|exl2|bnb|hqq|mlx|onnx|int[48]|[48]-?bit|fp(?:8|16|32)|bf16"
                       r"|safetensors|q\d(?:_k)?(?:_[sml0-9])*|\d+bpw|w\d+a\d+|nf4|marlin|fixed|hqq|quant(?:ized)?)$")
# The variant a name part marks. Order matters for `kind`: a name with both a base and a chat part is a chat model.
MARKERS: dict[str, frozenset[str]] = {
    "adapter": frozenset({"lora", "qlora", "adapter", "peft"}),
    "merge": frozenset({"merge", "merged", "slerp", "ties", "dare", "frankenmerge", "passthrough", "modelstock",
                        "mergekit", "franken", "megamerge"}),
    "reasoning": frozenset({"reasoning", "reasoner", "thinking", "think"}),
    "instruct": frozenset({"instruct", "instruction", "chat", "it", "sft", "dpo", "rlhf", "orpo", "kto", "ipo",
                           "simpo", "ppo", "grpo", "assistant", "aligned", "dialog", "dialogue", "conversational"}),
    "fine-tune": frozenset({"finetuned", "finetune", "ft", "tuned", "uncensored", "rp", "roleplay"}),
    # "intermediate": a snapshot taken during pretraining (`-intermediate-step-480k-1T`)
    "base": frozenset({"base", "pt", "pretrain", "pretrained", "foundation", "intermediate"}),
}
VARIANT_PARTS = frozenset().union(*MARKERS.values())
# Capitalised words followed by a number that are not model names ("Stage 2", "Table 3").
NOT_NAMES = frozenset({"stage", "step", "phase", "version", "table", "figure", "fig", "section", "epoch", "epochs",
                       "round", "part", "level", "top", "rank", "python", "chapter", "appendix", "day", "week",
                       "month", "year", "gpu", "gpus", "batch", "layer", "layers", "the", "and", "with", "over",
                       "about", "under", "than", "at", "for", "only", "up", "to", "of", "in", "on", "by", "from",
                       "october", "november", "december", "january", "february", "march", "april", "may", "june",
                       "july", "august", "september", "ver", "vol", "no", "number", "task", "tasks", "turn",
                       "turns", "shot", "shots", "example", "examples", "output", "input", "mode", "type", "dataset",
                       "datasets"})


GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta"}


def normal_part(part: str) -> str:
    """One name part, compared loosely: `V2` and `2` are the same version, `α` and `alpha` the same letter."""
    part = part.lower().strip(".")
    part = GREEK.get(part, part)
    return part[1:] if len(part) > 1 and part[0] == "v" and part[1].isdigit() else part


# A variant marker glued to a CamelCase name: `HeronInstruct`, `MistralChat`.
CAMEL_MARKER = regexes.compile(r"(?<=[a-z])(?=(?:Instruct|Chat|Base|SFT|DPO|RLHF)(?![a-z]))")


def parts(name: str) -> tuple[str, ...]:
    """A name's parts: `org/Tulu-v2-7B` -> ("tulu", "2", "7b"); the org is not part of the model's name."""
    name = CAMEL_MARKER.sub("-", name.rsplit("/", 1)[-1])
    return tuple(p for p in (normal_part(x) for x in SPLIT.split(name)) if p)


def is_size(part: str) -> bool:
    return bool(SIZE.match(part))


def is_version(part: str) -> bool:
    return bool(VERSION.match(part))


def is_packaging(part: str) -> bool:
    return bool(PACKAGING.match(part))


def variant_kinds(name_parts: tuple[str, ...]) -> tuple[str, ...]:
    """The variants a name's parts mark, in MARKERS order."""
    present = set(name_parts)
    return tuple(kind for kind, words in MARKERS.items() if present & words)


class ModelName(Struct, frozen=True, dict=True):
    """A model's name, taken apart."""

    text: str

    @cached_property
    def parts(self) -> tuple[str, ...]:
        return parts(self.text)

    @cached_property
    def core(self) -> tuple[str, ...]:
        """The parts that say which model it is: packaging dropped."""
        return tuple(p for p in self.parts if not is_packaging(p))

    @cached_property
    def stem(self) -> tuple[str, ...]:
        """The family's name: the core without sizes, versions and variant markers (at least the first part)."""
        kept = tuple(p for p in self.core if not (is_size(p) or is_version(p) or p in VARIANT_PARTS))
        return kept or self.core[:1]

    @cached_property
    def kinds(self) -> tuple[str, ...]:
        return variant_kinds(self.core)

    @cached_property
    def specific(self) -> bool:
        """Does the name pin one checkpoint (a size or version), not just a family?"""
        return any(is_size(p) or is_version(p) for p in self.core)

    def same_family(self, other: ModelName) -> bool:
        if not self.stem or not other.stem:
            return False
        joined, theirs = "".join(self.stem), "".join(other.stem)
        return joined == theirs or joined.startswith(theirs) or theirs.startswith(joined) or (
            self.stem[0] == other.stem[0] and len(self.stem[0]) >= 3)

    def names_same_model(self, other: ModelName) -> bool:
        """`Heron Mega 13B` names `heron-mega-13B-GPTQ`: every part of the mention is in this name, and what
        this name adds is packaging or a version. A variant marker it adds makes it another model
        (`Kite-7B-v1.0` is not `kite-7b-v1.0-sft`); a size it adds makes the mention the family (`Wren 2`)."""
        mine = set(self.core)
        theirs = set(other.core)
        if not theirs or not theirs <= mine | set(self.parts):
            return False
        extra = mine - theirs
        return not any(p in VARIANT_PARTS or is_size(p) for p in extra)


def mention_pattern(name: ModelName) -> str | None:
    """A regex finding this name in prose, whatever separates its parts (`Heron Mega 13B`, `heron_mega-13b`).
    The core parts must appear in order, packaging parts may be left out, and the mention may not run on into
    a longer name (`Mistral-7B` is not found in `Mistral-7B-Instruct`). None for names too short to find."""
    if not name.core or (len(name.core) == 1 and len(name.core[0]) < 4):
        return None
    sep = r"[\s_\-./]{0,3}v?"
    pieces = []
    for index, part in enumerate(name.parts):
        piece = ("" if index == 0 else sep) + re.escape(part)
        pieces.append(f"(?:{piece})?" if is_packaging(part) else piece)
    return r"(?<![\w.])" + "".join(pieces) + r"(?![\-_.]?[^\W_])"
