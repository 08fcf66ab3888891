"""Snapshot -> Backbone: the facts config.json establishes, each with the key (and line) it came from."""

from __future__ import annotations

import json
from typing import Any

from msgspec.structs import replace

from ..types import (
    Attention,
    Backbone,
    Facts,
    FactSource,
    ParamsSource,
    Position,
    RopeScaling,
    Snapshot,
    Structure,
    WeightHeaders,
)
from . import params
from .card import Card
from .shape import SSM_MIXERS, Shape, read_shape

ROPE_SCALING: dict[str, RopeScaling] = {
    "yarn": "yarn", "linear": "linear", "dynamic": "dynamic", "llama3": "llama3", "longrope": "longrope",
    "su": "longrope", "ntk": "dynamic",
}
QUANT_NAMES = {"bitsandbytes": "bnb", "bitsandbytes_4bit": "bnb", "bitsandbytes_8bit": "bnb"}
ENCODER_ARCHITECTURES = ("ForMaskedLM", "ForSequenceClassification")


def key_line(text: str | None, key: str) -> int | None:
    """The line of `"key":` in a JSON text (the last part of a dotted path), for citing evidence."""
    if not text:
        return None
    needle = '"' + key.rsplit(".", 1)[-1] + '"'
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def read_backbone(snapshot: Snapshot, card: Card, config: dict[str, Any] | None) -> Backbone:
    """The backbone facts of the parsed config.json (None: the repo has none)."""
    hub_params = snapshot.hub.safetensors_total if snapshot.hub else None
    base = _base_model(snapshot, card)
    if config is None:
        if snapshot.weights and snapshot.weights.gguf:
            return _gguf_backbone(snapshot.weights, hub_params, base)
        facts = Facts(hub_params=hub_params, total_params=hub_params,
                      params_source="safetensors" if hub_params else None, base_model=base)
        notes = ["no config.json: the backbone is not established by any machine-readable file"]
        if snapshot.weights:
            facts = _with_safetensors(facts, snapshot.weights, None, notes)
        return Backbone(facts=facts, notes=tuple(notes))
    shape = read_shape(config)
    text = shape.raw  # the language config, with the family's defaults filled in
    found: dict[str, str] = {}  # fact -> config key

    def cite(fact: str, key: str | None) -> None:
        if key:
            found[fact] = key

    counts, why_not = params.count_or_reason(shape, config)
    kv_bytes, kv_note = params.kv_cache_bytes(shape)
    structure = _structure(shape, text)
    attention = _attention(shape)
    position, position_key = _position(shape, text)
    scaling, scaling_key = _rope_scaling(text)
    quant, quant_key = _quantization(config, snapshot)
    for fact, field in (("hidden_size", "hidden"), ("layers", "layers"), ("heads", "heads"),
                        ("kv_heads", "kv_heads"), ("context_length", "context"), ("vocab_size", "vocab"),
                        ("experts", "experts"), ("experts_per_token", "experts_per_token"),
                        ("shared_experts", "shared_experts"), ("mtp_layers", "mtp_layers")):
        cite(fact, shape.keys.get(field))
    cite("attention", "kv_lora_rank" if shape.is_mla else shape.keys.get("kv_heads"))
    cite("position", position_key)
    cite("rope_scaling", scaling_key)
    cite("quantization", quant_key)
    cite("architecture", "architectures")
    cite("model_type", "model_type")
    cite("structure", _structure_key(shape, text))
    cite("sliding_window", "sliding_window" if shape.sliding_window else None)
    cite("rope_theta", "rope_theta" if "rope_theta" in text else None)
    if counts:
        cite("total_params", shape.keys.get("layers"))
    facts = Facts(
        architecture=shape.architecture,
        model_type=shape.model_type,
        total_params=counts.total if counts else hub_params,
        active_params=counts.active if counts else None,
        params_source=_params_source(shape, counts, hub_params),
        layers=shape.layers,
        hidden_size=shape.hidden,
        heads=shape.heads,
        kv_heads=shape.kv_heads if not shape.is_mla else shape.heads,
        attention=attention,
        sliding_window=shape.sliding_window,
        attention_pattern=_pattern(shape),
        position=position,
        rope_theta=_rope_theta(text),
        rope_scaling=scaling,
        context_length=shape.context,
        experts=shape.experts if shape.is_moe else None,
        experts_per_token=shape.experts_per_token if shape.is_moe else None,
        shared_experts=(shape.shared_experts or (1 if shape.shared_intermediate or shape.family and
                                                shape.family.shared_mlp else 0)) if shape.is_moe else None,
        kv_cache_bytes_per_token=kv_bytes,
        kv_cache_note=kv_note,
        mtp_layers=shape.mtp_layers or None,
        mtp_params=counts.mtp if counts else None,
        hub_params=hub_params,
        vocab_size=shape.vocab,
        quantization=quant,
        base_model=base,
        structure=structure,
        multimodal=any(isinstance(config.get(k), dict) for k in ("vision_config", "audio_config", "vision_tower")),
    )
    raw = snapshot.files["config.json"]
    sources = {fact: FactSource(key=key, line=key_line(raw, key)) for fact, key in found.items()}
    notes = []
    if counts is None:
        notes.append(why_not or "parameter count not computed")
    elif shape.estimated:
        notes.append(f"estimated: model_type {shape.model_type or '(none)'} is not in axes' family table, so "
                     f"the count assumes {'; '.join(shape.assumptions) or 'a Llama-style decoder'}")
    if counts and counts.assumed_tower:
        notes.append(f"estimated: the vision tower ({counts.assumed_tower}) is not in axes' table, so it is counted "
                     "as a SigLIP-style ViT (biases, LayerNorms, a plain MLP, learned positions)")
    if counts and counts.vision:
        notes.append(f"total includes {counts.vision / 1e9:.2f}B of vision or audio towers")
    if hub_params and counts and abs(hub_params - counts.total) > 0.02 * counts.total:
        notes.append(f"Hub safetensors count {hub_params:,} differs from the computed {counts.total:,}")
    if snapshot.weights:
        facts = _with_safetensors(facts, snapshot.weights, shape, notes)
        facts = _with_gguf(facts, snapshot.weights, notes)
    return Backbone(facts=facts, sources=sources, notes=tuple(notes))


def _with_safetensors(facts: Facts, headers: WeightHeaders, shape: Shape | None, notes: list[str]) -> Facts:
    """The weights' own count replaces the arithmetic's; both are kept, and a disagreement is said."""
    from . import weights  # only a repo with weight headers pays for its patterns
    # Layers past the last are MTP modules only where the config declares some (DeepSeek-V3 stores one so).
    count, more = weights.safetensors_count(headers, shape.layers if shape and shape.mtp_layers else None)
    notes.extend(headers.notes)
    notes.extend(more)
    if count is None or not count.exact:
        return facts
    experts = shape.experts if shape and shape.is_moe else count.experts
    top_k = shape.experts_per_token if shape and shape.is_moe else None
    active = count.active(experts, top_k)
    computed = facts.total_params if facts.params_source in ("computed", "estimated") else None
    if computed and abs(computed - count.total) > 0.02 * count.total:
        notes.append(f"the safetensors headers count {count.total:,} parameters; the config arithmetic "
                     f"gives {computed:,} ({computed / count.total - 1:+.1%})")
    if count.routed and active is None:
        notes.append("routed-expert tensors found, but no top-k in config.json: active parameters unknown")
    return replace(facts, total_params=count.total, active_params=active if active is not None else (
        None if count.routed else count.total), params_source="safetensors", computed_params=computed,
        mtp_params=count.mtp or facts.mtp_params)


def _with_gguf(facts: Facts, headers: WeightHeaders, notes: list[str]) -> Facts:
    """Beside a config.json, a GGUF file adds its quantization and, without safetensors, its count."""
    from . import weights
    found, more = weights.gguf_facts(headers)
    if found is None:
        return facts
    notes.extend(more)
    facts = replace(facts, quantization=facts.quantization or found.quantization)
    if found.count is None or facts.params_source == "safetensors":
        return facts
    active = found.count.active(facts.experts, facts.experts_per_token)
    computed = facts.total_params if facts.params_source in ("computed", "estimated") else None
    return replace(facts, total_params=found.count.total, active_params=active, params_source="gguf",
                   computed_params=computed)


def _gguf_backbone(headers: WeightHeaders, hub_params: int | None, base: str | list[str] | None) -> Backbone:
    """A GGUF-only repo: the backbone facts its header states (llama.cpp's metadata and tensor table)."""
    from . import weights
    found, notes = weights.gguf_facts(headers)
    notes = list(headers.notes) + notes
    if found is None:
        return Backbone(facts=Facts(hub_params=hub_params, base_model=base), notes=tuple(notes))
    count = found.count
    attention: Attention | None = None
    if found.mla:
        attention = "MLA"
    elif found.heads and found.kv_heads:
        attention = "MHA" if found.kv_heads == found.heads else "MQA" if found.kv_heads == 1 else "GQA"
    if count is None:
        notes.append(f"{found.file}: the tensor table was not read, so no parameter count")
    facts = Facts(
        architecture=found.architecture, model_type=found.architecture,
        total_params=count.total if count else None,
        active_params=count.active(found.experts, found.experts_per_token) if count else None,
        params_source="gguf" if count else None, layers=found.layers, hidden_size=found.hidden,
        heads=found.heads, kv_heads=found.kv_heads, attention=attention, sliding_window=found.sliding_window,
        rope_theta=found.rope_theta, context_length=found.context, experts=found.experts,
        experts_per_token=found.experts_per_token,
        shared_experts=found.shared_experts if found.experts else None, hub_params=hub_params,
        vocab_size=found.vocab, quantization=found.quantization, base_model=base, structure=found.structure,
    )
    sources = {fact: FactSource(key=f"{found.file} (GGUF header)", file="files") for fact in (
        "architecture", "layers", "hidden_size", "heads", "kv_heads", "attention", "context_length", "experts",
        "experts_per_token", "total_params", "quantization", "structure") if getattr(facts, fact) is not None}
    return Backbone(facts=facts, sources=sources, notes=tuple(notes))


def _params_source(shape: Shape, counts: params.Counts | None, hub_params: int | None) -> ParamsSource | None:
    if counts is None:
        return "safetensors" if hub_params else None
    return "estimated" if shape.estimated or counts.assumed_tower else "computed"


def _structure(shape: Shape, text: dict[str, Any]) -> Structure | None:
    if text.get("is_encoder_decoder") or shape.layout in ("t5", "seq2seq", "stacks"):
        return "encoder-decoder"
    declared = shape.family.structure if shape.family else None
    # a BERT-style stack is an encoder unless its family says otherwise (BLIP's text decoder generates)
    if shape.layout == "bert" and declared is None or any(
            (shape.architecture or "").endswith(s) for s in ENCODER_ARCHITECTURES):
        return "encoder"
    if declared == "ssm" or declared == "hybrid":
        return declared  # the family's design, even where one config lists only one kind of layer
    kinds = set(shape.layer_kinds) - {"none"}
    if kinds and kinds <= SSM_MIXERS:
        return "ssm"
    if kinds - {"attention", "sliding"}:
        return "hybrid"
    if shape.hidden is None or shape.layers is None:
        return None
    return "moe" if shape.is_moe else "dense"


def _structure_key(shape: Shape, text: dict[str, Any]) -> str | None:
    for key in ("layer_types", "full_attn_idxs", "attn_layer_period", "attn_type_list", "layers_block_type"):
        if key in text:
            return key
    if shape.is_moe:
        return shape.keys.get("experts")
    return "model_type" if shape.model_type else None


def _attention(shape: Shape) -> Attention | None:
    if shape.is_mla:
        return "MLA"
    if not shape.heads or not shape.kv_heads:
        return None
    if shape.kv_heads == shape.heads:
        return "MHA"
    if shape.kv_heads == 1:
        return "MQA"
    return "GQA"


def _pattern(shape: Shape) -> str | None:
    kinds = set(shape.layer_kinds)
    if not kinds:
        return None
    if kinds & {"linear"}:
        return "hybrid-linear"
    if kinds & {"mamba", "attention+mamba"}:
        return "hybrid-ssm"
    if kinds & {"conv"}:
        return "hybrid-conv"
    if "sliding" in kinds:
        return "global+sliding" if "attention" in kinds else "sliding"
    return "sliding" if shape.sliding_window else "global"


def _position(shape: Shape, text: dict[str, Any]) -> tuple[Position | None, str | None]:
    always = shape.family.position if shape.family else None
    if text.get("alibi") is True or always == "alibi" or text.get("position_embedding_type") == "alibi":
        return "alibi", "alibi" if "alibi" in text else "model_type"
    if always == "relative":
        return "relative", "model_type"
    if always == "absolute" or text.get("position_embedding_type") == "absolute":
        return "absolute", "model_type"
    nope = text.get("no_rope_layers")
    if isinstance(nope, list) and 0 in nope and 1 in nope:  # SmolLM3 / Llama 4: some layers without RoPE
        return "rope+nope", "no_rope_layers"
    interval = text.get("no_rope_layer_interval")
    if not nope and isinstance(interval, int) and not isinstance(interval, bool) and interval > 1:
        return "rope+nope", "no_rope_layer_interval"  # Llama 4: every interval-th layer without RoPE
    if shape.family and shape.family.nope_global and "sliding" in shape.layer_kinds:
        return "rope+nope", "layer_types"  # EXAONE 4.0: RoPE on the local layers only, none on the global ones
    if text.get("use_pos_enc") is False or text.get("nope") is True:
        return "nope", "use_pos_enc" if "use_pos_enc" in text else "nope"
    for key in ("rope_theta", "rotary_emb_base", "rope_scaling", "rotary", "rotary_dim", "rope_ratio",
                "original_rope", "partial_rotary_factor", "rope_parameters", "qk_rope_head_dim"):
        if key in text and text[key] not in (False, None):
            return "rope", key
    if shape.family_structure == "ssm" or shape.layout == "rwkv":
        return None, None
    if always == "rope" or always == "nope":
        return always, "model_type"  # the family's code fixes it (Jamba: the Mamba layers carry order)
    return None, None


def _rope_params(text: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    for key in ("rope_scaling", "rope_parameters"):
        value = text.get(key)
        if isinstance(value, dict):
            return value, key
    return None, None


def _rope_scaling(text: dict[str, Any]) -> tuple[RopeScaling | None, str | None]:
    value, key = _rope_params(text)
    if value is None:
        return None, None
    kind = str(value.get("rope_type") or value.get("type") or "").lower()
    return ROPE_SCALING.get(kind), key if kind in ROPE_SCALING else None


def _rope_theta(text: dict[str, Any]) -> float | None:
    value = text.get("rope_theta", text.get("rotary_emb_base"))
    if value is None:
        nested, _ = _rope_params(text)
        value = nested.get("rope_theta") if nested else None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _quantization(config: dict[str, Any], snapshot: Snapshot) -> tuple[str | None, str | None]:
    quant = config.get("quantization_config")
    if isinstance(quant, dict):
        method = str(quant.get("quant_method") or ("bnb" if quant.get("load_in_4bit") else "")).lower()
        return QUANT_NAMES.get(method, method) or None, "quantization_config"
    if "quantize_config.json" in snapshot.files:
        text = snapshot.files["quantize_config.json"]
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = {}
        method = str(data.get("quant_method") or "gptq").lower() if isinstance(data, dict) else "gptq"
        return method, "quantize_config.json"
    return None, None


def _base_model(snapshot: Snapshot, card: Card) -> str | list[str] | None:
    value = card.front_matter.get("base_model")
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, list):
        names = [str(v) for v in value if isinstance(v, str)]
        return names[0] if len(names) == 1 else (names or None)
    if snapshot.hub and snapshot.hub.base_models:
        models = list(snapshot.hub.base_models)
        return models[0] if len(models) == 1 else models
    return None

