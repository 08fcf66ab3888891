"""What THIS repo is, before any tag: base | instruct | reasoning | fine-tune | merge | quantized | adapter.

An expert decides it from the strongest evidence first: the files (an adapter_config.json, a mergekit
config, quantized weights), the front matter (`base_model_relation`, `tags`), the card's own family table or
model list where it names this repo, the repo's name (`-Base`, `-Instruct`, `-it`), Hub metadata; and, weakest,
a card that names this family's tuned siblings while the name marks no variant. The identity decides whose
sentences are whose (reading.attribution): on a base checkpoint the chat sibling's SFT is lineage, not a tag.

The card's own sentences about what the repo is ("This is the raw pretrained model") are claims, read by the
rules that declare a checkpoint (rules with `checkpoint:`); they rank with the family table.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from msgspec import Struct, field
from msgspec.structs import replace

from .. import regexes
from ..parsing import safe_load
from ..types import Checkpoint, CheckpointSource, Evidence, HubInfo, Snapshot, Tag
from .card import Card, Paragraph
from .names import MARKERS, ModelName, is_packaging, mention_pattern, variant_kinds

CHECKPOINTS: tuple[Checkpoint, ...] = ("base", "instruct", "reasoning", "fine-tune", "merge", "quantized", "adapter")

# How strong each kind of evidence is: the strongest decides.
RANK: dict[str, int] = {"files": 6, "front_matter": 5, "card": 4, "name": 3, "derived": 2, "hub": 1, "siblings": 1,
                        "tags": 0}

RELATIONS: dict[str, Checkpoint] = {"adapter": "adapter", "merge": "merge", "quantized": "quantized",
                                    "finetune": "fine-tune", "fine-tune": "fine-tune"}
MERGE_TAGS = frozenset({"merge", "mergekit", "lazymergekit", "moerge", "frankenmerge"})
QUANT_TAGS = frozenset({"gptq", "awq", "gguf", "exl2", "4-bit", "8-bit", "bitsandbytes", "quantized", "ggml"})
ADAPTER_TAGS = frozenset({"lora", "qlora", "peft", "adapter"})
# A table cell or a list item's label that is nothing but a variant's name ("Base", "Chat model", "基座模型").
# "Base model" is left out on purpose: as a column header it means "the model this one is built on".
CELL_KIND: dict[str, Checkpoint] = {
    **dict.fromkeys(("base", "pretrained", "pre-trained", "foundation", "pt", "base (pretrained)",
                     "pretrained model", "foundation model", "基础模型", "基座模型", "预训练模型", "ベースモデル",
                     "事前学習モデル", "베이스 모델", "사전학습 모델"), "base"),
    **dict.fromkeys(("chat", "instruct", "instruction", "instruction-tuned", "instruction tuned", "sft", "it",
                     "chat model",
                     "instruct model", "chat version", "对话模型", "チャットモデル", "채팅 모델"), "instruct"),
    **dict.fromkeys(("reasoning", "thinking", "reasoning model"), "reasoning"),
}
# A definite reference to the family's tuned variants: "the chat version", "our tuned models", "Chat版本".
TUNED_SIBLINGS = regexes.compile(
    r"\b(?:the|our|its|their)\s+(?:fine[- ]?tuned|tuned|chat|instruct|instruction[- ]tuned|aligned|dialogue)\s+"
    r"(?:versions?|variants?)\b|\btuned versions\b|\bour (?:fine[- ]?tuned|tuned|chat|instruct|aligned) models\b"
    r"|对话版本|chat ?版本|チャット版|채팅 버전", re.I)
UNQUANTIZED = frozenset({"hf", "fixed", "fp16", "bf16", "fp32", "safetensors"})  # packaging that keeps full weights
PLANNED = regexes.compile(r"coming soon|will be released|future versions?|upcoming|to be released", re.I)
# "(HM-13B)" right after a mention of the name
ALIAS_AFTER = regexes.compile(r"\s?\((?P<alias>[A-Za-z][\w.\-]{1,30})\)")
NAME_CHECKPOINT: dict[str, Checkpoint] = {"adapter": "adapter", "merge": "merge", "reasoning": "reasoning",
                                          "instruct": "instruct", "fine-tune": "fine-tune", "base": "base"}


class Identity(Struct, frozen=True):
    """The repo's checkpoint kind, the evidence that decided it, and the names needed to read its card."""

    checkpoint: Checkpoint | None = None
    evidence: tuple[Evidence, ...] = ()
    source: CheckpointSource | Literal[""] = ""  # the kind of evidence that decided it ("" nothing did)
    # What the weights are apart from their packaging: a GPTQ repack of a chat model holds a chat model.
    weights: Checkpoint | None = None
    name: ModelName = field(default_factory=lambda: ModelName(""))
    parents: tuple[str, ...] = ()  # repo ids or names this repo was made from (base, merge parents)
    own_pattern: str | None = None  # regex finding this repo's name in prose

    @property
    def rank(self) -> int:
        return RANK.get(self.source, 0)

    @property
    def is_base(self) -> bool:
        return self.weights == "base"

    @property
    def settled(self) -> Checkpoint | None:
        """The checkpoint as a fact rules may read: a guess from the siblings a card names only attributes
        sentences (rule base-only-siblings reads it through `checkpoint_source`)."""
        return None if self.source == "siblings" else self.checkpoint

    def declared(self, checkpoint: Checkpoint, evidence: tuple[Evidence, ...], firm: bool) -> Identity:
        """The identity after a card sentence declared the checkpoint. A firm statement ("This is the raw
        pretrained model") outranks the name; a passing one ("fine-tuned on ...") only fills what the name and
        weaker evidence left open. "Fine-tuned" never overwrites a more specific tuned kind (instruct, merge)."""
        if self.rank >= RANK["card"] or (not firm and self.rank >= RANK["name"]):
            return self
        if checkpoint == "fine-tune" and self.checkpoint not in (None, "base"):
            return self
        return replace(self, checkpoint=checkpoint, evidence=evidence, source="card", weights=checkpoint)


class _Candidate(Struct):
    checkpoint: Checkpoint
    source: CheckpointSource
    evidence: list[Evidence]


def identify(snapshot: Snapshot, card: Card, config: dict[str, Any] | None) -> Identity:
    """The repo's identity from its files, front matter, family table, name and Hub metadata."""
    name = ModelName(snapshot.repo_name)
    parents = _parents(snapshot, card)
    found: list[_Candidate] = []
    found += _from_files(snapshot, config, name, parents)
    found += _from_front_matter(card)
    found += _from_family_table(card, name, snapshot)
    found += _from_name(name)
    if parents and not found:
        found.append(_Candidate("fine-tune", "derived", [_fm_evidence(card, "base_model", parents)]))
    found += _from_hub(snapshot.hub)
    if not found:
        found += _from_siblings(card, name)
    if not found:
        return Identity(name=name, parents=parents, own_pattern=_own_pattern(name, card))
    found.sort(key=lambda c: -RANK[c.source])
    best = found[0]
    # The weights' own kind: what the best evidence below the packaging says (a quantized chat model is a chat model).
    unpacked = next((c for c in found if c.checkpoint not in ("quantized",)), None)
    weights = unpacked.checkpoint if unpacked else None
    return Identity(checkpoint=best.checkpoint, evidence=tuple(best.evidence[:2]), source=best.source,
                    weights=weights if best.checkpoint == "quantized" else best.checkpoint, name=name,
                    parents=parents, own_pattern=_own_pattern(name, card))


def _own_pattern(name: ModelName, card: Card) -> str | None:
    """A regex finding this repo's name in prose, and the short name the card gives it in brackets after its name
    ("Heron Mega 13B (HM-13B)": the initials of the name's words), which the card goes on to call it by."""
    own = mention_pattern(name)
    initials = "".join(part[0] for part in name.core if part.isalpha())
    if own is None or len(initials) < 2 or "(" not in card.body:
        return own
    # The name's own pattern, which the family table compiled (re's cache), then the brackets where it ends: a
    # pattern of the name and its brackets together cost one more compile, half a millisecond, every repo.
    for hit in re.finditer(own, card.body, re.I):
        after = ALIAS_AFTER.match(card.body, hit.end())
        if after is None:
            continue
        alias = after.group("alias")
        alias_pattern = mention_pattern(ModelName(alias))
        if re.split(r"[-_.\d]", alias, maxsplit=1)[0].lower() == initials and alias_pattern:
            return f"{own}|{alias_pattern}"
    return own


def _from_files(snapshot: Snapshot, config: dict[str, Any] | None, name: ModelName,
                parents: tuple[str, ...]) -> list[_Candidate]:
    listing = {n.rsplit("/", 1)[-1].lower() for n in snapshot.listing} | {n.lower() for n in snapshot.files}
    out = []
    if "adapter_config.json" in listing:
        out.append(_Candidate("adapter", "files", [Evidence(file="files", text="adapter_config.json present")]))
    quant = config.get("quantization_config") if isinstance(config, dict) else None
    # A quantization_config alone may be the release's own format (FP8, MXFP4 weights trained that way): a
    # quantized copy of another model also says so in its name or names the model it was made from.
    repack = bool(parents) or any(is_packaging(p) and p not in UNQUANTIZED for p in name.parts)
    if isinstance(quant, dict) and repack:
        method = quant.get("quant_method") or "quantization_config"
        out.append(_Candidate("quantized", "files",
                              [Evidence(file="config.json", text=f"quantization_config: {str(method)[:40]}")]))
    elif listing & {"quantize_config.json", "quant_config.json"}:
        out.append(_Candidate("quantized", "files", [Evidence(file="files", text="quantize_config.json present")]))
    elif any(n.endswith(".gguf") for n in listing):
        out.append(_Candidate("quantized", "files", [Evidence(file="files", text=".gguf weights in the repo")]))
    if listing & {"mergekit_config.yml", "mergekit_config.yaml"}:
        out.append(_Candidate("merge", "files", [Evidence(file="files", text="mergekit_config.yml present")]))
    return out


def _from_front_matter(card: Card) -> list[_Candidate]:
    fm = card.front_matter
    out = []
    relation = fm.get("base_model_relation")
    if isinstance(relation, str) and relation.strip().lower() in RELATIONS:
        out.append(_Candidate(RELATIONS[relation.strip().lower()], "front_matter",
                              [_fm_evidence(card, "base_model_relation", (relation,))]))
    tags = {str(t).strip().lower() for t in fm.get("tags") or () if isinstance(t, (str, int))} if isinstance(
        fm.get("tags"), list) else set()
    by_tags: tuple[tuple[frozenset[str], Checkpoint], ...] = (
        (MERGE_TAGS, "merge"), (QUANT_TAGS, "quantized"), (ADAPTER_TAGS, "adapter"))
    for wanted, kind in by_tags:
        hit = sorted(tags & wanted)
        if hit:
            line = card.fm_lines.get(f"tags={hit[0]}") or card.fm_lines.get("tags")
            evidence = Evidence(file="README.md", line=line, text=f"tags: {hit[0]}")
            out.append(_Candidate(kind, "front_matter", [evidence]))
    if str(fm.get("library_name", "")).lower() == "peft":
        out.append(_Candidate("adapter", "front_matter", [_fm_evidence(card, "library_name", ("peft",))]))
    return out


def _from_family_table(card: Card, name: ModelName, snapshot: Snapshot) -> list[_Candidate]:
    """The card's own table or list of the family's checkpoints, where it names this repo: the column header,
    the row's other cells, or the siblings beside it say which variant this one is."""
    pattern = mention_pattern(name)
    if pattern is None:
        return []
    own = re.compile(pattern, re.I)
    own_name = snapshot.repo_name.lower()
    # Only blocks that can name this repo: its first name part in the text, or a link to a repo of its name.
    candidates = set(card.holding((name.core[0],))) if len(name.core[0]) >= 3 else set(range(len(card.paragraphs)))
    candidates |= {i for i, p in enumerate(card.paragraphs) if p.links and p.kind in ("row", "header", "item")
                   and any(link.rsplit("/", 1)[-1].lower() == own_name for link in p.links)}
    for index in sorted(candidates):
        para = card.paragraphs[index]
        if para.code or para.kind not in ("row", "header", "item") or "evaluat" in para.section.lower():
            continue
        if para.kind == "item":
            kind = _item_kind(para, own, own_name) or _list_kind(card, index, own, own_name)
        else:
            kind = _row_kind(para, own, own_name)
        if kind is None and _names_self(para.text, para.links, own, own_name):
            kind = _heading_kind(para.section)  # a model list under "### Base models"
        if kind:
            header = para.header if len(para.header) == len(para.cells) else ("",) * len(para.cells)
            shown = para.text if para.kind == "item" else " | ".join(
                f"{h}: {c}" if h and c else c for h, c in zip(header, para.cells, strict=True))
            return [_Candidate(kind, "card", [Evidence(file="README.md", line=para.line_at(0),
                                                       text=f"the card's model list names this repo: {shown[:140]}")])]
    return []


def _names_self(cell: str, links: tuple[str, ...], own: re.Pattern[str], own_name: str) -> bool:
    return bool(own.search(cell)) or any(link.rsplit("/", 1)[-1].lower() == own_name for link in links)


def _cell_kind(text: str) -> Checkpoint | None:
    return CELL_KIND.get(text.strip(" :*-–—()").lower())


def _row_kind(para: Paragraph, own: re.Pattern[str], own_name: str) -> Checkpoint | None:
    cells = para.cells
    cell_links = _cell_links(para)
    hits = [i for i, cell in enumerate(cells) if _names_self(cell, cell_links[i] if i < len(cell_links) else (),
                                                              own, own_name)]
    if not hits:
        return None
    at = hits[0]
    mine = ModelName(own_name)
    # This repo's own cell, its column header, then the row's other short cells ("Base", "Chat").
    labels = [cells[at]] + ([para.header[at]] if at < len(para.header) else [])
    for label in labels:
        kinds = variant_kinds(ModelName(label).core) if own.search(label) else ()
        extra = [k for k in kinds if k not in mine.kinds]
        kind = (NAME_CHECKPOINT.get(extra[0]) if extra else None) or (None if own.search(label) else _cell_kind(label))
        if kind in ("base", "instruct", "reasoning"):
            return kind
    for i, cell in enumerate(cells):
        if i != at and len(cell) <= 24 and not ModelName(cell).specific:
            kind = _cell_kind(cell)
            if kind:
                return "fine-tune" if kind == "instruct" and not mine.kinds else kind
    # Siblings beside this repo in the row (or their column headers) carry a tuned marker this name lacks.
    if not mine.kinds:
        for i, cell in enumerate(cells):
            if i == at:
                continue
            texts = [cell, *(cell_links[i] if i < len(cell_links) else ()),
                     para.header[i] if i < len(para.header) else ""]
            for text in texts:
                other = ModelName(text)
                if _tuned_sibling(other, mine):
                    return "base"
    return None


def _item_kind(para: Paragraph, own: re.Pattern[str], own_name: str) -> Checkpoint | None:
    """`- Robin-7b-hf: base model`: an item that labels this repo with nothing but a variant's name."""
    hit = own.search(para.text)
    if hit is None or len(para.text) > 160:
        return None
    for label in (para.text[hit.end():].split(",")[0], para.text[:hit.start()].lstrip("-*+• ")):
        kind = _cell_kind(label)
        if kind:
            return kind
    return None


def _list_kind(card: Card, index: int, own: re.Pattern[str], own_name: str) -> Checkpoint | None:
    """A nested model list: this repo's item sits under an item that names a variant ("* Base models")."""
    para = card.paragraphs[index]
    if not para.indent or len(para.text) > 160 or not _names_self(para.text, para.links, own, own_name):
        return None
    for back in range(index - 1, max(-1, index - 40), -1):
        above = card.paragraphs[back]
        if above.kind != "item" or above.section != para.section:
            return None
        if above.indent < para.indent:
            if len(above.text) > 48:  # a label ("* Base models"), not a sentence
                return None
            label = VARIANT_NOUN.sub("", above.text.lstrip("-*+• ").lower()).strip(" :")
            for word in reversed(re.split(r"[/,&]| and | or ", label)):
                kind = _cell_kind(word.split()[-1] if word.split() else "")
                if kind:
                    return kind
            return None
    return None


def _heading_kind(section: str) -> Checkpoint | None:
    heading = section.rsplit(" > ", 1)[-1]
    if not heading or len(heading) > 40:
        return None
    label = VARIANT_NOUN.sub("", heading.lower()).strip(" :")
    return _cell_kind(label)


VARIANT_NOUN = regexes.compile(r"\s*\b(?:models?|versions?|variants?|checkpoints?|weights)\b\s*$")


def _cell_links(para: Paragraph) -> list[tuple[str, ...]]:
    """The Hub ids each cell of a table row links to (the row's links, placed by their link text)."""
    if not para.links:
        return [() for _ in para.cells]
    out: list[tuple[str, ...]] = []
    for cell in para.cells:
        out.append(tuple(link for link in para.links if link.rsplit("/", 1)[-1].lower() in cell.lower()))
    if not any(out) and len(para.links) == sum(1 for c in para.cells if c.strip().lower() in ("link", "🤗", "hf")):
        slots = iter(para.links)
        out = [((next(slots, ""),) if c.strip().lower() in ("link", "🤗", "hf") else ()) for c in para.cells]
    return out


def _from_name(name: ModelName) -> list[_Candidate]:
    for kind in MARKERS:  # adapter, merge, reasoning, instruct, fine-tune, base: the first marked wins
        if kind in name.kinds:
            return [_Candidate(NAME_CHECKPOINT[kind], "name", [Evidence(file="name",
                                                                              text=f"repo name: {name.text}")])]
    return []


def _from_hub(hub: HubInfo | None) -> list[_Candidate]:
    if hub is None:
        return []
    tags = {t.lower() for t in hub.tags}
    if tags & MERGE_TAGS:
        return [_Candidate("merge", "hub", [Evidence(file="hub", text="tags: merge")])]
    if tags & QUANT_TAGS:
        return [_Candidate("quantized", "hub", [Evidence(file="hub", text="tags: " + sorted(tags & QUANT_TAGS)[0])])]
    if hub.base_models:
        return [_Candidate("fine-tune", "hub", [Evidence(file="hub", text=f"base_model: {hub.base_models[0]}")])]
    return []


def _from_siblings(card: Card, name: ModelName) -> list[_Candidate]:
    """Weakest: a name that marks no variant, on a card that names this family's tuned siblings."""
    if name.kinds or not name.core:
        return []
    for para in card.paragraphs:
        if para.code or not para.claims:
            continue
        sibling = next((link for link in para.links if _tuned_sibling(ModelName(link), name)), None)
        hit = None if sibling else TUNED_SIBLINGS.search(para.text)
        if hit and PLANNED.search(para.text):
            continue  # "its instruction-tuned version is coming soon": no sibling yet
        if sibling or hit:
            at = hit.start() if hit else 0
            text = sibling or para.text[max(0, at - 40):at + 80]
            return [_Candidate("base", "siblings", [Evidence(
                file="README.md", line=para.line_at(at), text=f"the card names tuned siblings: {text}")])]
    return []


def _tuned_sibling(other: ModelName, mine: ModelName) -> bool:
    return other.same_family(mine) and bool(set(other.kinds) & {"instruct", "reasoning"})


def _parents(snapshot: Snapshot, card: Card) -> tuple[str, ...]:
    """The models this repo was made from: front matter base_model, the Hub's, a mergekit config's models."""
    found: list[str] = []
    value = card.front_matter.get("base_model")
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip():
            found.append(item.strip())
    if snapshot.hub:
        found += snapshot.hub.base_models
    text = snapshot.files.get("mergekit_config.yml")
    if text:
        found += _merge_models(text)
    found += _card_parents(card)
    return tuple(dict.fromkeys(found))


# A model card's "Base model: X" / "Finetuned from model: X" field, on one line or as a label over its value.
PARENT_LABEL = regexes.compile(r"^\W{0,4}(?:base model|finetuned from(?: model)?|fine-tuned from(?: model)?|based on|"
                          r"parent model|original model|基础模型|基座模型|베이스 모델|ベースモデル)"
                          r"\W{0,4}(?:[:：]\s*(.*))?$", re.I)


def _card_parents(card: Card) -> list[str]:
    """The parents a card names in its model-card fields: the linked repo, else the value's model name."""
    found: list[str] = []
    paragraphs = card.paragraphs
    for index, para in enumerate(paragraphs[:200]):
        if para.code or len(para.text) > 200:
            continue
        label = PARENT_LABEL.match(para.text.lstrip("-*+ "))
        if label is None:
            continue
        value, links = label.group(1) or "", para.links
        if not value.strip() and index + 1 < len(paragraphs):  # the label on its own line, its value below
            value, links = paragraphs[index + 1].text, paragraphs[index + 1].links
        if links:
            found += links[:3]
        elif value.strip() and len(value) < 80 and not PLACEHOLDER_VALUE.search(value):
            found.append(value.strip(" *`"))
    return found


PLACEHOLDER_VALUE = regexes.compile(r"more information needed|\[optional\]|n/a|none", re.I)


def _merge_models(text: str) -> list[str]:
    try:
        data = safe_load(text, "mergekit_config.yml")
    except Exception:  # noqa: BLE001 - a broken merge config only loses its parents
        return []
    models: list[str] = []

    def walk(node: Any, depth: int = 0) -> None:
        if depth > 6:
            return
        if isinstance(node, dict):
            for key, item in node.items():
                if key in ("model", "base_model") and isinstance(item, str):
                    models.append(item)
                else:
                    walk(item, depth + 1)
        elif isinstance(node, list):
            for item in node[:64]:
                walk(item, depth + 1)

    walk(data)
    return models


def _fm_evidence(card: Card, key: str, values: tuple[str, ...]) -> Evidence:
    line = card.fm_lines.get(f"{key}={values[0].lower()}") if values else None
    return Evidence(file="README.md", line=line or card.fm_lines.get(key), text=f"{key}: {', '.join(values)[:120]}")


# Post-training methods a card can claim for this repo; continued pretraining leaves a checkpoint a base one.
TUNING_TAGS = ("sft", "rlhf", "ppo", "dpo", "grpo", "rlvr", "rl", "distillation", "preference-tuning",
               "safety-tuning", "instruction-tuned")
REASONING_TAGS = ("thinking", "thinking-toggle", "reasoning-effort")


def settle(identity: Identity, tags: dict[str, list[Tag]]) -> Identity:
    """The identity once the rules have read the card: what the files and name left open, the card's own
    claims about this repo decide (a merge, a tuned model, a reasoning model, a base checkpoint); a base
    checkpoint decided only by its name or its siblings whose card claims its own tuning is a fine-tune."""
    post = {t.name: t for t in tags.get("post_training", [])}
    inference = {t.name: t for t in tags.get("inference", [])}
    tuned = next((post[n] for n in TUNING_TAGS if n in post), None)
    if "merge" in post and identity.checkpoint != "merge" and identity.rank <= RANK["derived"]:
        return _settled(identity, "merge", post["merge"])  # the card says it is a merge: more than a guess
    if identity.checkpoint == "base" and tuned is not None and identity.rank < RANK["files"]:
        return _settled(identity, "fine-tune", tuned)
    if identity.checkpoint is not None:
        return identity
    choice: tuple[Checkpoint, Tag] | None = None
    if "merge" in post:
        choice = ("merge", post["merge"])
    elif any(n in inference for n in REASONING_TAGS):
        choice = ("reasoning", next(inference[n] for n in REASONING_TAGS if n in inference))
    elif tuned is not None and tuned.name != "instruction-tuned":
        choice = ("fine-tune", tuned)
    elif tuned is not None:
        choice = ("instruct", tuned)
    elif "base-only" in post:
        choice = ("base", post["base-only"])
    return _settled(identity, *choice) if choice else identity


def _settled(identity: Identity, checkpoint: Checkpoint, tag: Tag) -> Identity:
    return replace(identity, checkpoint=checkpoint, evidence=tag.evidence[:2], weights=checkpoint, source="tags")
