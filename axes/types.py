"""The typed objects passed between the pipeline's stages.

target -> Snapshot (files as text) -> Facts + Evidence -> Tags -> Verdict -> rendering.
Every object is a frozen msgspec Struct: a stage never changes what an earlier stage produced. A Struct is a
C-level record: defining one costs a thirtieth of what a dataclass does (its generated methods are compiled at
import: fifty of them were a sixth of `axes inspect`), and building or copying one is faster. They are built by
our own code from values it has already checked, so they carry no runtime validation; pydantic, which costs
~0.1 s to import, validates only what users write (rule files, whose schema stays dataclasses), off the
start-up path.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Literal

from msgspec import Struct, field

Axis = Literal["backbone", "post_training", "inference", "product"]
AXES: tuple[Axis, ...] = ("backbone", "post_training", "inference", "product")
SourceKind = Literal["hub", "cache", "local", "catalog", "card"]
# The file names evidence may cite (CONTRACT.md): card text and front matter both cite README.md.
# Grown beyond the contract: "name" (the repo's own name) and "files" (a file's presence or absence).
# Whose claim a card sentence is (reading.attribution).
Subject = Literal["self", "sibling", "family", "parent", "other", "reader"]
EvidenceFile = Literal["config.json", "README.md", "chat_template", "generation_config.json", "hub", "name", "files"]


# Every stage object is a Struct(frozen=True, kw_only=True): frozen so no stage changes what an earlier one
# produced, keyword-only so fields keep the contract's order whatever their defaults.


class Strength(str, Enum):
    verified = "verified"  # read from a machine-readable file
    declared = "declared"  # the card names it specifically
    hinted = "hinted"  # vague or indirect wording

    @property
    def weight(self) -> float:
        return {"verified": 1.0, "declared": 0.7, "hinted": 0.3}[self.value]


class HubInfo(Struct, frozen=True, kw_only=True):
    """What the Hub's model_info says beside the files."""

    safetensors_total: int | None = None
    gated: bool | str | None = None
    pipeline_tag: str | None = None
    tags: tuple[str, ...] = ()
    base_models: tuple[str, ...] = ()
    sha: str | None = None
    files: tuple[str, ...] = ()


# Why a file the model has, or should have, was not read: not in the repo or folder, listed by the Hub but
# not served, or longer than its cap (then only its first part was read).
UnreadReason = Literal["missing", "not-served", "capped"]


class Origin(Struct, frozen=True, kw_only=True):
    """Where a target's files came from, beyond the source kind: what the reader should be told about them."""

    entry: str | None = None  # the catalog id the files came from ("openai/gpt-4o")
    alias: str | None = None  # the name the user typed, when it matched an entry's alias ("ChatGPT")
    summary: bool = False  # a bundled catalog card: axes' own summary of its source, not the model's card
    # Canonical file name -> the file's own name, where they differ ("README.md" -> "x.md").
    names: dict[str, str] = field(default_factory=dict)
    link: str | None = None  # the card's source (front matter catalog.source)
    date: str | None = None  # when that source was read (front matter catalog.date)


class GGUFHeader(Struct, frozen=True, kw_only=True):
    """What a GGUF file's header says: metadata (long arrays by their length only) and the tensor table."""

    file: str
    size: int
    version: int
    metadata: dict[str, Any] = field(default_factory=dict)
    array_lengths: dict[str, int] = field(default_factory=dict)  # arrays too long to keep, by their length
    tensors: tuple[tuple[str, tuple[int, ...], int], ...] = ()  # name, shape, ggml type
    complete: bool = True  # False: a cap stopped the read before the whole tensor table
    note: str | None = None


class WeightHeaders(Struct, frozen=True, kw_only=True):
    """The headers of a repo's weight files, as a source read them: never a tensor's data.

    `safetensors`: (file name, its header JSON) per .safetensors file read; `safetensors_index`: the text of
    model.safetensors.index.json; `gguf`: each .gguf file's header.
    """

    safetensors: tuple[tuple[str, str], ...] = ()
    safetensors_index: str | None = None
    gguf: tuple[GGUFHeader, ...] = ()
    notes: tuple[str, ...] = ()  # what could not be read, and why


class Snapshot(Struct, frozen=True, kw_only=True):
    """The files of one model, as text, and where they came from.

    `files` maps a canonical name (config.json, README.md, chat_template, generation_config.json,
    tokenizer_config.json, quantize_config.json, mergekit_config.yml) to its text.
    """

    target: str
    source: SourceKind
    files: dict[str, str] = field(default_factory=dict)
    hub: HubInfo | None = None
    notices: tuple[str, ...] = ()
    unread: dict[str, UnreadReason] = field(default_factory=dict)  # canonical file name -> why it was not read
    repo_name: str = ""  # the model's own name (last part of the repo id or folder), for lineage reading
    origin: Origin = field(default_factory=Origin)
    weights: WeightHeaders | None = None  # weight-file headers, where the source could read them
    listing: tuple[str, ...] = ()  # every file name the repo holds (read or not): what kind of checkpoint it is


class Evidence(Struct, frozen=True, kw_only=True):
    file: EvidenceFile
    line: int | None = None
    text: str


class Tag(Struct, frozen=True, kw_only=True):
    name: str
    strength: Strength
    rule: str
    evidence: tuple[Evidence, ...] = ()



# What of the training or the serving a reader can check (README "How murk is scored"): the data, the recipe
# (code, configs, hyperparameters, stages), the reward (a reward model, verifier, judge or teacher), and
# docs (a format or behaviour documented where a user can check it: a tool-call format, a system prompt).
MaterialKind = Literal["data", "recipe", "reward", "docs"]
Grade = Literal["released", "named", "generic"]  # out for anyone to check > named specifically > vague words


class Material(Struct, frozen=True, kw_only=True):
    """One material the files point a reader to, with the rule and the lines that found it."""

    kind: MaterialKind
    grade: Grade
    rule: str
    evidence: tuple[Evidence, ...] = ()


Structure = Literal["dense", "moe", "hybrid", "ssm", "encoder", "encoder-decoder"]
Attention = Literal["MHA", "GQA", "MQA", "MLA"]
Position = Literal["rope", "alibi", "absolute", "nope", "rope+nope", "relative"]
RopeScaling = Literal["yarn", "linear", "dynamic", "llama3", "longrope"]
ParamsSource = Literal["computed", "safetensors", "gguf", "estimated", "card"]
# What this repo is (CONTRACT.md `facts.checkpoint`): its siblings' methods are lineage, not its tags.
Checkpoint = Literal["base", "instruct", "reasoning", "fine-tune", "merge", "quantized", "adapter"]
# What decided facts.checkpoint, strongest first: the repo's files, its front matter, the card's own statement
# or model table, its name, its base_model, Hub metadata, the siblings its card names, its post-training tags.
CheckpointSource = Literal["files", "front_matter", "card", "name", "derived", "hub", "siblings", "tags"]


class Facts(Struct, frozen=True, kw_only=True):
    """Backbone facts computed from config.json (CONTRACT.md `facts`). None means "not established"."""

    architecture: str | None = None
    model_type: str | None = None
    total_params: int | None = None
    active_params: int | None = None
    params_source: ParamsSource | None = None
    layers: int | None = None
    hidden_size: int | None = None
    heads: int | None = None
    kv_heads: int | None = None
    attention: Attention | None = None
    sliding_window: int | None = None
    attention_pattern: str | None = None
    position: Position | None = None
    rope_theta: float | None = None
    rope_scaling: RopeScaling | None = None
    context_length: int | None = None
    experts: int | None = None
    experts_per_token: int | None = None
    shared_experts: int | None = None
    kv_cache_bytes_per_token: int | None = None
    mtp_layers: int | None = None
    mtp_params: int | None = None
    hub_params: int | None = None
    vocab_size: int | None = None
    quantization: str | None = None
    base_model: str | list[str] | None = None
    checkpoint: Checkpoint | None = None  # what this repo is (reading.identity), settled after the card is read
    checkpoint_source: CheckpointSource | None = None  # what decided it
    # Grows beyond the contract's minimum (allowed: the contract may only grow).
    structure: Structure | None = None
    multimodal: bool | None = None
    kv_cache_note: str | None = None
    computed_params: int | None = None  # the config arithmetic's total, when the weights' headers gave total_params


class FactSource(Struct, frozen=True, kw_only=True):
    """Where a fact was read: the config key (and its line) that established it, or a weight file's header;
    for a repo without config.json, the card line or name that stated it, and how firmly (reading.declared)."""

    key: str
    line: int | None = None
    file: EvidenceFile = "config.json"  # "files" for a weight file's header (GGUF); README.md, name: the card's word
    strength: Strength = Strength.verified


class Backbone(Struct, frozen=True, kw_only=True):
    facts: Facts
    sources: dict[str, FactSource] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


SystemPrompt = Literal["rendered", "rejected", "dropped"]
ReasoningHistory = Literal["stripped", "kept"]


class TemplateFacts(Struct, frozen=True, kw_only=True):
    """What the chat template did when rendered with the probe conversations (reading.observe); the
    `rendered:` rule conditions name these fields. None means "not established" (the probe failed or the
    template was not rendered: `note` says why)."""

    rendered: bool = False  # the template rendered at least the plain user turn
    templates: tuple[str, ...] = ()  # the named templates probed, default first (tool_use, rag ...)
    note: str | None = None  # why the template was not rendered, or where a render was cut
    system_prompt: SystemPrompt | None = None  # the system text shown, refused by the template, or dropped
    system_error: str | None = None  # the template's own words when it refuses a system turn
    tool_definitions: bool | None = None  # the function passed as `tools` appears in the prompt
    tool_syntax: str | None = None  # how the definitions are written ("JSON in <tools>", "Python signatures")
    tool_calls: bool | None = None  # an assistant tool call is written into the prompt
    tool_call_syntax: str | None = None  # how ("<tool_call> JSON", "[TOOL_CALLS] JSON", "bare JSON")
    tool_results: str | None = None  # the role a tool result is accepted under (tool, ipython)
    documents: bool | None = None  # passages passed as `documents` appear in the prompt (RAG)
    generation_prompts: tuple[str, ...] = ()  # what add_generation_prompt appends, per switch setting
    reasoning_rendered: bool | None = None  # an assistant turn's reasoning field appears in the prompt
    reasoning_history: ReasoningHistory | None = None  # earlier turns' reasoning removed or kept
    switches: tuple[str, ...] = ()  # template variables whose true/false changes the prompt
    levels: tuple[str, ...] = ()  # template variables whose low/high changes the prompt


class ProbeSource(Struct, frozen=True, kw_only=True):
    """The render that established a template fact: which probe, of which named template, and what it showed."""

    probe: str  # "system + user", "tools", "enable_thinking false" ...
    template: str = "default"
    snippet: str = ""  # the rendered text (or the template's error) that decided it


class Rendering(Struct, frozen=True, kw_only=True):
    facts: TemplateFacts
    sources: dict[str, ProbeSource] = field(default_factory=dict)


class AxisRow(Struct, frozen=True, kw_only=True):
    axis: Axis
    tags: tuple[Tag, ...] = ()
    murk: float
    marketing: tuple[Evidence, ...] = ()
    expected: int = 0  # how many kinds of fact this axis should establish
    materials: tuple[Material, ...] = ()  # what a reader can check (post-training: data, recipe, reward)
    # files this axis draws on that could not be read, and why: its murk is computed over the rest
    unread: tuple[tuple[str, UnreadReason], ...] = ()


class Lenses(Struct, frozen=True, kw_only=True):
    structure: str | None
    moe: bool | None
    reasoning: bool | None
    summary: str



class MurkReason(Struct, frozen=True, kw_only=True):
    """Why an axis is as murky as it is, as data: output.i18n words it in each language."""

    strengths: dict[str, int] = field(default_factory=dict)  # tags per strength (verified, declared, hinted)
    tags: tuple[str, ...] = ()  # the axis's tag names, strongest first
    methods: tuple[str, ...] = ()  # post-training: the named training methods among them
    marketing: int = 0  # marketing phrases counted on the axis
    expected: int = 0  # independent facts the axis should establish
    no_config: bool = False  # backbone: no config.json establishes it
    machine_readable: bool = False  # some evidence came from a machine-readable file
    missing: tuple[str, ...] = ()  # what a reader cannot check: dataset, recipe, reward ...
    released: tuple[str, ...] = ()  # post-training: the materials that are out (data, recipe, reward)
    named: tuple[str, ...] = ()  # post-training: the materials named but not out
    unread: tuple[tuple[str, UnreadReason], ...] = ()  # files the axis draws on that could not be read, and why
    summary_of: str | None = None  # a catalog entry: the source its summary was written from
    summary_date: str | None = None  # ... and that source's date


class Murkiest(Struct, frozen=True, kw_only=True):
    axis: Axis
    reason: MurkReason


class Lineage(Struct, frozen=True, kw_only=True):
    base_model: tuple[str, ...] = ()
    relation: str | None = None  # finetune | quantized | merge | adapter | None
    # On a base checkpoint: the post-training methods its card gives the family's tuned checkpoints.
    family_methods: tuple[str, ...] = ()
    checkpoint_evidence: tuple[Evidence, ...] = ()  # what decided facts.checkpoint


class Verdict(Struct, frozen=True, kw_only=True):
    target: str
    source: SourceKind
    lenses: Lenses
    backbone: Backbone
    rows: dict[str, AxisRow]
    murkiest: Murkiest
    lineage: Lineage = field(default_factory=Lineage)
    notices: tuple[str, ...] = ()
    template: Rendering | None = None  # the chat template's renders (None: the repo has no template)
    origin: Origin = field(default_factory=Origin)


class InspectOptions(Struct, frozen=True, kw_only=True):
    """How targets are found and read: what every inspecting command (and the Python API) shares."""

    offline: bool = False  # never touch the network (HF_HUB_OFFLINE=1 also sets it)
    token: str | None = None  # a Hugging Face token; None lets huggingface_hub find one
    rules: tuple[Path, ...] = ()  # extra rule directories, after the bundled rules
    cards: tuple[Path, ...] = ()  # the user's card directories, before the bundled catalog
    revision: str | None = None  # a branch, tag or commit (a target naming another one is an error)
    cache_dir: Path | None = None  # the HF hub cache; None: HF_HUB_CACHE, else $HF_HOME/hub
    render: bool = True  # render chat templates in the sandbox; False: only their text is matched


class Failure(Struct, frozen=True, kw_only=True):
    """A target that gave no verdict: the one-line error, and names it may have meant."""

    target: str
    error: str
    suggestions: tuple[str, ...] = ()
