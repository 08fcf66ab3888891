"""Parameter counts and KV-cache size from a Shape: arithmetic on the weight matrices, no weights read.

Totals count the main model; the weights of multi-token-prediction modules are reported apart
(CONTRACT.md). Active parameters count every weight one token passes through, embedding and output
head included, so dense models have active == total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .shape import Shape, as_int


@dataclass(frozen=True)
class Counts:
    total: int
    active: int
    mtp: int | None
    vision: int = 0


def count(shape: Shape, config: dict[str, Any]) -> Counts | None:
    """None when a dimension the arithmetic needs is unknown."""
    h, n_layers, vocab = shape.hidden, shape.layers, shape.vocab
    if not (h and n_layers and vocab and shape.heads):
        return None
    if shape.is_moe and not (shape.experts_per_token and (shape.moe_intermediate or shape.intermediate)):
        return None
    embed = vocab * h
    head = 0 if shape.tied else vocab * h + (vocab if shape.lm_head_bias else 0)
    norm = h * (2 if shape.layernorm else 1)
    total = active = embed + head + norm  # final norm
    if shape.model_type == "bloom":
        total += norm  # BLOOM normalises the word embeddings too
        active += norm
    kinds = shape.layer_kinds or ("attention",) * n_layers
    for i in range(n_layers):
        mixer = _mixer(shape, kinds[i] if i < len(kinds) else "attention")
        if mixer is None:
            return None
        layer_total, layer_active = _mlp(shape, i)
        norms = shape.norms_per_layer * norm
        total += mixer + layer_total + norms
        active += mixer + layer_active + norms
    mtp = None
    if shape.mtp_layers:
        # An MTP module is one more decoder layer plus two norms and a 2h -> h projection; the
        # checkpoint also stores its own copy of the embedding and output head (DeepSeek-V3: ~14B).
        mixer = _mixer(shape, "attention") or 0
        layer_total, _ = _mlp(shape, n_layers - 1)
        own = mixer + layer_total + shape.norms_per_layer * norm + 3 * norm + 2 * h * h + 2 * vocab * h
        mtp = shape.mtp_layers * own
    vision = _vision_params(config, h)
    return Counts(total=total + vision, active=active + vision, mtp=mtp, vision=vision)


def _attention(shape: Shape) -> int | None:
    h, heads = shape.hidden or 0, shape.heads or 0
    if shape.is_mla:
        rope, nope = shape.qk_rope_dim or 0, shape.qk_nope_dim or 0
        v = shape.v_head_dim or nope
        q_dim = heads * (nope + rope)
        if shape.q_lora_rank:
            q = h * shape.q_lora_rank + shape.q_lora_rank + shape.q_lora_rank * q_dim
        else:
            q = h * q_dim
        kv_rank = shape.kv_lora_rank or 0
        kv = h * (kv_rank + rope) + kv_rank + kv_rank * heads * (nope + v)
        return q + kv + heads * v * h
    head_dim, kv_heads = shape.head_dim, shape.kv_heads
    if not head_dim or not kv_heads:
        return None
    q, kv = heads * head_dim, kv_heads * head_dim
    weights = h * q + 2 * h * kv + q * h
    bias = 0
    if shape.attention_bias:
        bias = q + 2 * kv + h
    elif shape.qkv_bias:
        bias = q + 2 * kv
    qk_norm = 2 * head_dim if shape.qk_norm else 0
    sinks = heads if shape.model_type == "gpt_oss" else 0  # one learned attention sink per head
    return weights + bias + qk_norm + sinks


def _mixer(shape: Shape, kind: str) -> int | None:
    """The token-mixing block of one layer: attention, a Mamba block, or a short convolution."""
    if kind in ("attention", "sliding", "linear"):
        return _attention(shape)
    if kind == "mamba":
        return _mamba(shape)
    if kind == "conv":
        h, kernel = shape.hidden or 0, shape.mamba_d_conv or 3
        return h * 3 * h + h * kernel + h * h  # LFM2: gated input projection, depthwise conv, output
    if kind == "attention+mamba":
        attention, mamba = _attention(shape), _mamba(shape)
        return None if attention is None or mamba is None else attention + mamba
    return _attention(shape)


def _mamba(shape: Shape) -> int | None:
    h, state = shape.hidden, shape.mamba_d_state
    if not h or not state:
        return None
    inner = shape.mamba_inner or (shape.mamba_expand or 2) * h
    conv = shape.mamba_d_conv or 4
    if shape.mamba_heads:  # Mamba-2: one projection yields x, z, B, C and dt
        groups = shape.mamba_groups or 1
        conv_dim = inner + 2 * groups * state
        in_proj = h * (2 * inner + 2 * groups * state + shape.mamba_heads)
        return in_proj + conv_dim * (conv + 1) + 3 * shape.mamba_heads + inner + inner * h
    rank = shape.mamba_dt_rank or -(-h // 16)
    in_proj = h * 2 * inner
    x_proj = inner * (rank + 2 * state)
    dt_proj = rank * inner + inner
    inner_norms = rank + 2 * state if shape.model_type == "jamba" else 0
    return in_proj + inner * (conv + 1) + x_proj + dt_proj + inner * state + inner + inner * h + inner_norms


def _ffn(shape: Shape, hidden_dim: int) -> int:
    h = shape.hidden or 0
    matrices = 3 if shape.gated_mlp else 2
    bias = (hidden_dim * (2 if shape.gated_mlp else 1) + h) if shape.mlp_bias else 0
    return matrices * h * hidden_dim + bias


def _mlp(shape: Shape, layer: int) -> tuple[int, int]:
    """(total, active) of one layer's feed-forward block."""
    h = shape.hidden or 0
    inter = shape.intermediate or 0
    if shape.model_type == "lfm2" and inter:
        inter = _lfm2_ff_dim(shape, inter)
    if not shape.is_moe or layer not in shape.moe_layers:
        size = _ffn(shape, inter)
        return size, size
    experts, k = shape.experts or 0, shape.experts_per_token or 0
    expert_dim = shape.moe_intermediate or inter
    one = _ffn(shape, expert_dim)
    if shape.expert_bias:
        one += 2 * expert_dim + h  # gpt-oss experts carry biases on gate_up and down
    router = h * experts + (experts if shape.router_bias else 0)
    shared = shape.shared_experts * _ffn(shape, expert_dim)
    if shape.shared_intermediate:
        shared = _ffn(shape, shape.shared_intermediate) + h  # Qwen2-MoE: one wide shared expert and its gate
    return experts * one + router + shared, k * one + router + shared


def _lfm2_ff_dim(shape: Shape, ff: int) -> int:
    """LFM2 shrinks its declared SwiGLU width by 2/3 and rounds up to a multiple (block_auto_adjust_ff_dim)."""
    multiple = 256
    ff = int(2 * ff / 3)
    return multiple * ((ff + multiple - 1) // multiple)


def _vision_params(config: dict[str, Any], text_hidden: int) -> int:
    """A ViT-style vision tower (SigLIP, CLIP) and its projector, for image-text repos."""
    vision = config.get("vision_config")
    if not isinstance(vision, dict):
        return 0
    dims = [as_int(vision.get(k)) for k in ("hidden_size", "num_hidden_layers", "intermediate_size", "patch_size",
                                            "image_size")]
    if not all(dims):
        return 0
    h, layers, inter, patch, image = (d or 0 for d in dims)
    channels = as_int(vision.get("num_channels", 3)) or 3
    per_layer = 4 * (h * h + h) + 2 * h * inter + inter + h + 2 * 2 * h
    embeddings = channels * patch * patch * h + h + (image // patch) ** 2 * h
    projector = h * text_hidden + h  # Gemma 3: input projection and its soft-embedding norm
    return layers * per_layer + embeddings + 2 * h + projector


def kv_cache_bytes(shape: Shape) -> tuple[int | None, str | None]:
    """Bytes of KV cache one token adds, at the config's dtype, and a note for sliding or hybrid mixes."""
    if not shape.layers or not shape.dtype_bytes:
        return None, None
    kinds = shape.layer_kinds or ("attention",) * shape.layers
    caching = [k for k in kinds if k in ("attention", "sliding", "attention+mamba")]
    if shape.is_mla:
        per_layer = (shape.kv_lora_rank or 0) + (shape.qk_rope_dim or 0)  # the latent and the shared rope key
    elif shape.kv_heads and shape.head_dim:
        per_layer = 2 * shape.kv_heads * shape.head_dim
    else:
        return None, None
    total = len(caching) * per_layer * shape.dtype_bytes
    notes = []
    sliding = kinds.count("sliding")
    if sliding and shape.sliding_window:
        global_bytes = (len(caching) - sliding) * per_layer * shape.dtype_bytes
        notes.append(
            f"{sliding} of {shape.layers} layers use a {shape.sliding_window}-token sliding window: "
            f"beyond it a token adds {global_bytes:,} bytes"
        )
    others = len(kinds) - len(caching)
    if others:
        notes.append(f"{others} of {shape.layers} layers keep a fixed-size state instead of a KV cache")
    return total, "; ".join(notes) or None
