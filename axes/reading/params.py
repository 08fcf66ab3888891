"""Parameter counts and KV-cache size from a Shape: arithmetic on the weight matrices, no weights read.

Totals count the main model; the weights of multi-token-prediction modules are reported apart
(CONTRACT.md). Active parameters count every weight one token passes through, embedding and output
head included, so dense models have active == total.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgspec import Struct, structs

from .shape import Shape, as_int, int_list, read_shape


class Counts(Struct, frozen=True):
    total: int
    active: int
    mtp: int | None
    vision: int = 0
    # A vision tower of a kind axes has no entry for, counted as the ViT most image-text models use: its
    # model_type, for the note that makes the count an estimate.
    assumed_tower: str | None = None


def count_or_reason(shape: Shape, config: dict[str, Any]) -> tuple[Counts | None, str | None]:
    """The counts, or None and the reason they cannot be computed (a dimension the arithmetic needs is unknown,
    or the layout is one axes does not model)."""
    if shape.family and shape.family.uncountable:
        return None, (f"parameter count not computed for {shape.model_type}: {shape.family.uncountable}, "
                      "a layout axes does not model")
    h, n_layers, vocab = shape.hidden, shape.layers, shape.vocab
    needs_heads = shape.layout != "rwkv" and not set(shape.layer_kinds) <= SSM_KINDS
    if not (h and n_layers and vocab and (shape.heads or not needs_heads)):
        return None, "parameter count not computed: a dimension the arithmetic needs is missing from config.json"
    if shape.is_moe and not (shape.experts_per_token and (shape.moe_intermediate or shape.intermediate)):
        return None, "parameter count not computed: the experts' width or top-k is missing from config.json"
    counter = LAYOUTS.get(shape.layout, _decoder)
    counted = _stacks(shape, config) if shape.layout == "stacks" else counter(shape)
    if counted is None:
        return None, "parameter count not computed: a dimension the arithmetic needs is missing from config.json"
    total, active, mtp = counted
    (vision, assumed), audio = _vision_params(config, h), _audio_params(config, h)
    other = _other_part(config)
    if other:
        return None, f"parameter count not computed: the {other} part is of a kind axes does not count"
    if audio < 0:
        return None, (f"parameter count not computed: the audio tower "
                      f"({(config.get('audio_config') or {}).get('model_type', 'unnamed')}) is of a kind axes "
                      "does not count, and the language model alone would understate the total")
    if vision < 0:
        return None, (f"parameter count not computed: the vision tower "
                      f"({(config.get('vision_config') or {}).get('model_type', 'unnamed')}) is of a kind axes "
                      "does not count, and the language model alone would understate the total")
    return Counts(total=total + vision + audio, active=active + vision + audio, mtp=mtp, vision=vision + audio,
                  assumed_tower=assumed), None


SSM_KINDS = {"mamba", "mamba2", "none"}


def _norm(shape: Shape) -> int:
    return (shape.hidden or 0) * shape.norm_params


def _decoder(shape: Shape) -> tuple[int, int, int | None] | None:
    h, n_layers, vocab = shape.hidden or 0, shape.layers or 0, shape.vocab or 0
    family = shape.family
    embed = vocab * h
    if family and family.learned_positions is not None and shape.context:
        embed += (shape.context + family.learned_positions) * h
    if family and family.embed_norm:
        embed += _norm(shape)
    head = 0 if shape.tied else vocab * h + (vocab if shape.lm_head_bias else 0)
    total = active = embed + head + _norm(shape)  # and the final norm
    kinds = shape.layer_kinds or ("attention",) * n_layers
    for i in range(n_layers):
        mixer = _mixer(shape, kinds[i] if i < len(kinds) else "attention")
        if mixer is None:
            return None
        has_ffn = shape.ffn_layers[i] if i < len(shape.ffn_layers) else True
        ffn_total, ffn_active = _mlp(shape, i) if has_ffn else (0, 0)
        norms = shape.norms_per_layer * _norm(shape)
        if family and family.dual_sublayers:
            # LongCat-Flash: two attention and two dense MLP sub-blocks around one MoE block per layer
            dense = 2 * _ffn(shape, _ff_dim(shape, shape.intermediate or 0))
            mixer = (2 * mixer[0] + dense, 2 * mixer[1] + dense)
        total += mixer[0] + ffn_total + norms
        active += mixer[1] + ffn_active + norms
    mtp = None
    if shape.mtp_layers:
        # An MTP module is one more decoder layer plus two norms and a 2h -> h projection; the
        # checkpoint also stores its own copy of the embedding and output head (DeepSeek-V3: ~14B).
        attention = _attention(shape) or 0
        layer_total, _ = _mlp(shape, n_layers - 1)
        norm = _norm(shape)
        own = attention + layer_total + shape.norms_per_layer * norm + 3 * norm + 2 * h * h + 2 * vocab * h
        mtp = shape.mtp_layers * own
    return total, active, mtp


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
        return q + kv + heads * v * h + _indexer(shape)
    head_dim, kv_heads = shape.head_dim, shape.kv_heads
    if not head_dim or not kv_heads:
        return None
    q, kv = heads * head_dim, kv_heads * head_dim
    gate = q if shape.family and shape.family.gated_attention else 0  # the query projection's output gate
    weights = h * (q + gate) + 2 * h * kv + q * h
    bias = (q + 2 * kv if shape.qkv_bias else 0) + (h if shape.o_bias else 0)
    qk_norm = {"head": 2 * head_dim, "width": q + kv}.get(shape.qk_norm, 0) * max(shape.norm_params, 1)
    sinks = heads if shape.family and shape.family.sinks else 0  # one learned attention sink per head
    return weights + bias + qk_norm + sinks


def _indexer(shape: Shape) -> int:
    """DeepSeek sparse attention's lightning indexer: its own small query and key heads, and head weights."""
    heads, dim = as_int(shape.raw.get("index_n_heads")), as_int(shape.raw.get("index_head_dim"))
    if not (heads and dim):
        return 0
    h, query = shape.hidden or 0, shape.q_lora_rank or shape.hidden or 0
    return query * heads * dim + h * dim + 2 * dim + h * heads  # wq_b, wk and its LayerNorm, weights_proj


def _attention_experts(shape: Shape) -> tuple[int, int] | None:
    """Mixture of attention heads (JetMoE): shared K/V, queries and outputs routed to experts."""
    h, experts, k = shape.hidden or 0, shape.experts or 0, shape.experts_per_token or 0
    if not (shape.head_dim and shape.kv_heads and experts and k):
        return None
    width = shape.kv_heads * shape.head_dim
    one = 2 * h * width  # an expert's query and output projections
    router = experts * h + h  # the router and the output bias, inside the experts block
    total = 2 * h * width + experts * one + router  # and the shared K/V projection
    # Counted as the reference does, by module: the experts block (router included) at k of E.
    return total, total - round((experts * one + router) * (1 - k / experts))


def _mixer(shape: Shape, kind: str) -> tuple[int, int] | None:
    """(total, active) of one layer's token-mixing block: attention, a linear-attention or Mamba block, a
    short convolution."""
    if kind in ("attention", "sliding", "linear"):
        if shape.family and shape.family.attention_experts:
            return _attention_experts(shape)
        size = _attention(shape)
    elif kind == "none":
        size = 0
    else:
        mixer = MIXERS.get(kind)
        size = mixer(shape) if mixer else _attention(shape)
    return None if size is None else (size, size)


def _mamba(shape: Shape) -> int | None:
    h, state = shape.hidden, shape.mamba_d_state
    if not h or not state:
        return None
    inner = shape.mamba_inner or (shape.mamba_expand or 2) * h
    conv = shape.mamba_d_conv or 4
    rank = shape.mamba_dt_rank or -(-h // 16)
    in_proj = h * 2 * inner
    x_proj = inner * (rank + 2 * state)
    dt_proj = rank * inner + inner
    inner_norms = rank + 2 * state if shape.family and shape.family.mamba_inner_norms else 0
    return in_proj + inner * (conv + 1) + x_proj + dt_proj + inner * state + inner + inner * h + inner_norms


def _mamba2(shape: Shape) -> int | None:
    """Mamba-2: one projection yields x, z, B, C and dt; a depthwise convolution; a gated norm."""
    h, state = shape.hidden, shape.mamba_d_state
    if not h or not state or not shape.mamba_heads:
        return None
    inner = shape.mamba_inner or (shape.mamba_expand or 2) * h
    conv = shape.mamba_d_conv or 4
    groups = shape.mamba_groups or 1
    heads = shape.mamba_heads
    conv_dim = inner + 2 * groups * state
    in_proj = h * (2 * inner + 2 * groups * state + heads)
    norm = inner if shape.mamba_norm else 0
    return in_proj + conv_dim * (conv + 1) + 3 * heads + norm + inner * h


def _conv(shape: Shape) -> int:
    h, kernel = shape.hidden or 0, shape.mamba_d_conv or 3
    return h * 3 * h + h * kernel + h * h  # LFM2: gated input projection, depthwise conv, output


def _attention_mamba(shape: Shape) -> int | None:
    attention, mamba = _attention(shape), _mamba2(shape) if shape.mamba_heads else _mamba(shape)
    return None if attention is None or mamba is None else attention + mamba


def _gated_deltanet(shape: Shape) -> int | None:
    """Qwen3-Next's linear attention: q/k/v/z and beta/alpha projections, a convolution, a per-head norm."""
    raw, h = shape.raw, shape.hidden or 0
    key_heads, key_dim = as_int(raw.get("linear_num_key_heads")), as_int(raw.get("linear_key_head_dim"))
    value_heads, value_dim = as_int(raw.get("linear_num_value_heads")), as_int(raw.get("linear_value_head_dim"))
    kernel = as_int(raw.get("linear_conv_kernel_dim")) or 4
    if not (key_heads and key_dim and value_heads and value_dim):
        return None
    keys, values = key_heads * key_dim, value_heads * value_dim
    return (h * (2 * keys + 2 * values) + h * 2 * value_heads + (2 * keys + values) * kernel
            + 2 * value_heads + value_dim + values * h)


def _kda(shape: Shape) -> int | None:
    """Kimi Delta Attention: q/k/v projections and their convolution, low-rank forget and output gates."""
    raw, h = shape.raw, shape.hidden or 0
    heads = as_int(raw.get("linear_num_heads")) or shape.heads
    head_dim = as_int(raw.get("linear_head_dim")) or shape.head_dim
    kernel = as_int(raw.get("linear_conv_kernel_dim")) or 4
    if not (heads and head_dim):
        return None
    width = heads * head_dim
    low_rank = 2 * (h * head_dim + head_dim * width)  # forget gate and output gate, each a -> b
    return 3 * h * width + 3 * width * kernel + low_rank + width + heads + heads * h + head_dim + width * h


def _lightning(shape: Shape) -> int | None:
    """MiniMax's lightning (linear) attention: one q/k/v projection, an output gate, a norm, the output."""
    h, heads, head_dim = shape.hidden or 0, shape.heads, shape.head_dim
    if not (heads and head_dim):
        return None
    width = heads * head_dim
    return 3 * h * width + width * h + h * width + width


def _rglru(shape: Shape) -> int | None:
    """Griffin's recurrent block: two input branches, a short convolution, the RG-LRU's block-diagonal gates."""
    h, heads = shape.hidden or 0, shape.heads
    width = as_int(shape.raw.get("lru_width")) or h
    kernel = as_int(shape.raw.get("conv1d_width")) or 4
    if not heads or width % heads:
        return None
    gates = 2 * (width * width // heads + width)  # input and recurrence gates: one block per head, with biases
    return 2 * (h * width + width) + width * h + h + width * kernel + width + width + gates


MIXERS: dict[str, Callable[[Shape], int | None]] = {
    "mamba": _mamba, "mamba2": _mamba2, "conv": _conv, "attention+mamba": _attention_mamba,
    "gated_deltanet": _gated_deltanet, "kda": _kda, "lightning": _lightning, "rglru": _rglru,
}


def _ffn(shape: Shape, hidden_dim: int) -> int:
    h = shape.hidden or 0
    matrices = 3 if shape.gated_mlp else 2
    bias = (hidden_dim * (2 if shape.gated_mlp else 1) + h) if shape.mlp_bias else 0
    if not shape.mlp_bias and shape.family and shape.family.mlp_out_bias:
        bias = h
    return matrices * h * hidden_dim + bias


def _mlp(shape: Shape, layer: int) -> tuple[int, int]:
    """(total, active) of one layer's feed-forward block."""
    h = shape.hidden or 0
    inter = _ff_dim(shape, shape.intermediate or 0)
    if shape.family and shape.family.halved_ffn:
        inter //= 2
    if not shape.is_moe or layer not in shape.moe_layers:
        size = _ffn(shape, as_int(shape.raw.get("intermediate_size_mlp")) or inter)  # Llama 4's dense layers
        return size, size
    family = shape.family
    experts, k = shape.experts or 0, shape.experts_per_token or 0
    expert_dim = shape.moe_intermediate or inter
    one = _ffn(shape, expert_dim)
    if family and family.expert_bias:
        one += 2 * expert_dim + h  # gpt-oss experts carry biases on gate_up and down
    router_bias = bool(family and family.router_bias) or shape.raw.get("topk_method") == "noaux_tc"
    router = h * experts + (experts if router_bias else 0)
    shared = shape.shared_experts * _ffn(shape, expert_dim)
    shared_dim = as_int(shape.raw.get("moe_shared_expert_intermediate_size"))
    if shared_dim:
        shared = shape.shared_experts * _ffn(shape, shared_dim)
    elif shape.shared_intermediate:
        shared = _ffn(shape, shape.shared_intermediate)  # one wide shared expert
    elif family and family.shared_mlp:
        shared = _ffn(shape, inter)
    if family and family.shared_gate:
        shared += h  # its sigmoid gate
    if family and family.attention_experts:
        router += h  # JetMoE: the MoE block's output bias
    zero = as_int(shape.raw.get("zero_expert_num")) or 0
    if zero:
        # Identity ("zero") experts take part in routing and, in the reference, in the gate/up tensor's rows
        routed = (experts + zero) * 2 * h * expert_dim + experts * expert_dim * h
        router = h * (experts + zero)
        return routed + router + shared, round(routed * min(k, experts) / experts) + router + shared
    return experts * one + router + shared, min(k, experts) * one + router + shared


def _ff_dim(shape: Shape, ff: int) -> int:
    """LFM2 shrinks its declared SwiGLU width by 2/3 and rounds up to a multiple (block_auto_adjust_ff_dim)."""
    raw = shape.raw
    if not raw.get("block_auto_adjust_ff_dim") or not ff:
        return ff
    multiple = as_int(raw.get("block_multiple_of")) or 256
    ff = int(2 * ff / 3)
    multiplier = raw.get("block_ffn_dim_multiplier")
    if isinstance(multiplier, (int, float)) and not isinstance(multiplier, bool) and multiplier > 0:
        ff = int(multiplier * ff)
    return multiple * ((ff + multiple - 1) // multiple)


def _rwkv(shape: Shape) -> tuple[int, int, int | None]:
    """RWKV-4: time mixing (key, value, receptance, output and per-channel decay) and channel mixing."""
    h, vocab, n_layers = shape.hidden or 0, shape.vocab or 0, shape.layers or 0
    attention = as_int(shape.raw.get("attention_hidden_size")) or h
    inter = shape.intermediate or 4 * h
    norm = _norm(shape)
    time_mix = 5 * h + 3 * h * attention + attention * h
    channel_mix = 2 * h + inter * h + h * h + h * inter
    total = vocab * h + norm + n_layers * (time_mix + channel_mix + 2 * norm) + norm  # layer 0's extra norm
    total += 0 if shape.tied else vocab * h
    return total, total, None


def _stacks(decoder: Shape, config: dict[str, Any]) -> tuple[int, int, int | None] | None:
    """An encoder and a decoder of one decoder family (T5Gemma), each with its own embeddings: the encoder's stack,
    the decoder's with a cross-attention block and two norms per layer (keys and values read the encoder's width),
    and an output head unless tied to the decoder's embeddings. None when the encoder's dimensions are missing."""
    encoder_config = config.get("encoder")
    encoder = read_shape(encoder_config) if isinstance(encoder_config, dict) else None
    if encoder is None or not (encoder.hidden and encoder.layers and encoder.vocab and encoder.heads):
        return None
    encoded, decoded = _decoder(_headless(encoder)), _decoder(_headless(decoder))
    if encoded is None or decoded is None:
        return None
    kv = (decoder.kv_heads or decoder.heads or 0) * (decoder.head_dim or 0)
    source = as_int(decoder.raw.get("cross_attention_hidden_size")) or encoder.hidden
    cross = (_attention(decoder) or 0) + 2 * kv * (source - (decoder.hidden or 0)) + 2 * _norm(decoder)
    head = 0 if config.get("tie_word_embeddings", True) else (decoder.vocab or 0) * (decoder.hidden or 0)
    total = encoded[0] + decoded[0] + (decoder.layers or 0) * cross + head
    return total, total, None


def _headless(shape: Shape) -> Shape:
    """A stack of a two-stack model: its embeddings and layers, the output head counted once for the whole."""
    return structs.replace(shape, tied=True)


def _t5(shape: Shape) -> tuple[int, int, int | None] | None:
    """T5 lineage: an encoder and a decoder stack, relative position buckets, RMS norms, no biases."""
    d, vocab, heads, head_dim = shape.hidden or 0, shape.vocab or 0, shape.heads or 0, shape.head_dim
    raw = shape.raw
    if not head_dim:
        return None
    encoder = shape.layers or 0
    decoder = as_int(raw.get("num_decoder_layers")) or encoder
    gated = str(raw.get("feed_forward_proj", "")).startswith("gated") or raw.get("is_gated_act") is True
    ffn = (3 if gated else 2) * d * (shape.intermediate or 0)
    attention = 4 * d * heads * head_dim
    buckets = as_int(raw.get("relative_attention_num_buckets")) or 32
    per_layer_bias = bool(shape.family and shape.family.bucket_per_layer)
    bias = buckets * heads
    enc = encoder * (attention + ffn + 2 * d + (bias if per_layer_bias else 0)) + d
    dec = decoder * (2 * attention + ffn + 3 * d + (bias if per_layer_bias else 0)) + d
    if not per_layer_bias:
        enc, dec = enc + bias, dec + bias
    total = vocab * d + enc + dec + (0 if shape.tied else vocab * d)
    return total, total, None


def _seq2seq(shape: Shape) -> tuple[int, int, int | None] | None:
    """BART lineage (and Whisper, LED): encoder and decoder stacks of biased attention and plain MLPs, LayerNorms."""
    d, vocab, raw, family = shape.hidden or 0, shape.vocab or 0, shape.raw, shape.family
    if family is None:
        return None
    encoder = as_int(raw.get("encoder_layers")) or shape.layers or 0
    decoder = as_int(raw.get("decoder_layers")) or encoder
    enc_ffn = as_int(raw.get("encoder_ffn_dim")) or shape.intermediate or 0
    dec_ffn = as_int(raw.get("decoder_ffn_dim")) or enc_ffn
    norm = _norm(shape)
    attention = 4 * d * d + (3 * d if family.k_bias else 2 * d) + d
    enc_layer = attention + _ffn(shape, enc_ffn) + 2 * norm
    if family.global_projections:  # LED: the encoder's Longformer attention
        enc_layer += 3 * (d * d + d)
    dec_layer = 2 * attention + _ffn(shape, dec_ffn) + 3 * norm
    total = vocab * d + encoder * enc_layer + decoder * dec_layer
    if family.audio_conv:
        mels = as_int(raw.get("num_mel_bins")) or 80
        total += mels * d * 3 + d + d * d * 3 + d
        total += ((as_int(raw.get("max_source_positions")) or 0) + (as_int(raw.get("max_target_positions")) or 0)) * d
    elif family.learned_positions is not None:
        # one table per stack, as long as its own context where the config gives two (LED)
        stacks = [as_int(raw.get(f"max_{stack}_position_embeddings")) or shape.context
                  for stack in ("encoder", "decoder")]
        if all(stacks):
            total += sum((rows or 0) + family.learned_positions for rows in stacks) * d
    total += 2 * norm * (int(family.embed_norm) + int(family.stack_norm))
    if not shape.tied:
        # Untied, the shared table, the encoder's and the decoder's embeddings and the head are four tables
        # (Whisper's encoder reads audio: the decoder's embedding and the head)
        total += vocab * d * (1 if family.audio_conv else 3)
    return total, total, None


def _bert(shape: Shape) -> tuple[int, int, int | None]:
    """BERT lineage with its masked-LM head: word, position and token-type embeddings (narrower than the layers
    in ELECTRA, ALBERT and RemBERT, then projected); post-norm layers; ALBERT's layers share one set of weights.
    The members' additions are the family's (families.Family): rotary positions instead of a table, layout-box
    embeddings, global-attention projections, language adapters, the pooler."""
    h, vocab, raw, family = shape.hidden or 0, shape.vocab or 0, shape.raw, shape.family
    inter = shape.intermediate or 4 * h
    kinds = int_list(raw.get("type_vocab_sizes"))  # TAPAS: a token-type table per kind of cell index
    types = sum(kinds) if kinds else as_int(raw.get("type_vocab_size"))
    types = 2 if types is None else types
    width = as_int(raw.get("embedding_size")) or as_int(raw.get("input_embedding_size")) or h
    positions = 0 if family and family.position == "rope" else shape.context or 0
    embed = (vocab + positions + types) * width + 2 * width  # and their LayerNorm
    if family and family.two_d_positions:
        embed += 4 * (as_int(raw.get("max_2d_position_embeddings")) or 0) * width
    # RoCBERT: glyph-shape and pronunciation embeddings of each character, concatenated to the word's and mapped
    # back to the width
    features = {kind: as_int(raw.get(f"{kind}_embed_dim")) or 0
                for kind in ("shape", "pronunciation") if raw.get(f"enable_{kind}")}
    embed += sum((as_int(raw.get(f"{kind}_vocab_size")) or 0) * dim for kind, dim in features.items())
    if features and raw.get("concat_input"):
        embed += (width + sum(features.values())) * width + width
    if width != h:
        embed += width * h + h  # the projection up to the layers' width
    attention = 4 * h * h + (3 * h if shape.qkv_bias else 0) + (h if shape.o_bias else 0)
    layer = attention + 2 * _norm(shape) + _ffn(shape, inter)
    if family and family.global_projections:
        layer += 3 * (h * h + h)
    if family and family.cross_attention:  # query and output in the layer's width, key and value from the tower's
        tower = as_int(raw.get("encoder_hidden_size")) or h
        layer += 2 * (h * h + h) + 2 * (tower * h + h) + _norm(shape)
    if family and family.language_adapters:
        bottleneck = h // (as_int(raw.get("adapter_reduction_factor")) or 2)
        adapter = 2 * h * bottleneck + bottleneck + h + (2 * h if raw.get("adapter_layer_norm") else 0)
        languages = raw.get("languages")
        layer += adapter * (len(languages) if isinstance(languages, list) and languages else 1)
    stored = shape.layers or 0
    if family and family.shared_layers:
        stored = as_int(raw.get("num_hidden_groups")) or 1
    out = as_int(raw.get("output_embedding_size")) or width  # RemBERT's head is wider than its input embeddings
    tied = shape.tied and out == width
    head = h * out + out + 2 * out + vocab + (0 if tied else vocab * out)  # transform, norm, bias
    pooler = h * h + h if family and family.pooler else 0
    total = embed + stored * layer + head + pooler
    return total, total, None


def _xlnet(shape: Shape) -> tuple[int, int, int | None] | None:
    """XLNet: two-stream relative attention (query, key, value, output and position projections without biases;
    content, position and segment biases per head; a segment embedding), a plain biased MLP, post-norms; the
    masked token's embedding; the head tied to the embedding, with its own bias."""
    d, vocab, heads = shape.hidden or 0, shape.vocab or 0, shape.heads or 0
    width = heads * (shape.head_dim or (d // heads if heads else 0))
    if not width:
        return None
    layer = 5 * d * width + 3 * width + 2 * width + 2 * _norm(shape) + _ffn(shape, shape.intermediate or 4 * d)
    total = vocab * d + d + (shape.layers or 0) * layer + vocab + (0 if shape.tied else vocab * d)
    return total, total, None


def _zamba2(shape: Shape) -> tuple[int, int, int | None] | None:
    """Zamba 2: a Mamba-2 block in every layer; at the hybrid layers a shared transformer block (stored
    num_mem_blocks times, applied at each of them, reading the layer input beside the original embedding), its
    output projection and per-layer low-rank adapters."""
    h, vocab, raw = shape.hidden or 0, shape.vocab or 0, shape.raw
    mamba = _mamba2(shape)
    hybrid = int_list(raw.get("hybrid_layer_ids"))
    heads, kv_heads = shape.heads or 0, shape.kv_heads or 0
    head_dim = as_int(raw.get("attention_head_dim")) or (2 * h // heads if heads else 0)
    inter, rank = shape.intermediate or 0, as_int(raw.get("adapter_rank")) or 0
    if mamba is None or not (heads and head_dim and inter):
        return None
    wide = as_int(raw.get("attention_hidden_size")) or 2 * h
    attention = wide * heads * head_dim + 2 * wide * kv_heads * head_dim + heads * head_dim * h
    block = attention + wide + h + 3 * h * inter  # its two norms and a gated MLP
    adapter = h * rank + rank * 2 * inter
    if raw.get("use_shared_attention_adapter"):
        adapter += 3 * 2 * wide * rank
    # Block b holds the adapters of the hybrid layers i with i % num_mem_blocks == b. The blocks are tied
    # weights: untied, every hybrid layer keeps its own copy of its block, adapters and all.
    mem = as_int(raw.get("num_mem_blocks")) or 1
    ids = [i % mem for i in range(len(hybrid))] if not shape.tied else list(range(mem))
    adapters = sum(sum(1 for i in range(len(hybrid)) if i % mem == b % mem) for b in ids) * adapter
    total = vocab * h + _norm(shape) + (shape.layers or 0) * (mamba + _norm(shape))
    total += len(ids) * block + adapters + len(hybrid) * h * h
    total += 0 if shape.tied else vocab * h
    return total, total, None


LAYOUTS: dict[str, Callable[[Shape], tuple[int, int, int | None] | None]] = {
    "decoder": _decoder, "rwkv": _rwkv, "t5": _t5, "seq2seq": _seq2seq, "bert": _bert, "zamba2": _zamba2,
    "xlnet": _xlnet,
}


# Vision towers counted by their blocks (Qwen-VL lineage: patches over frames, a merger of 2x2 patches into the
# language model's width). What their code fixes and their configs leave out.
VISION_TOWERS: dict[str, dict[str, Any]] = {
    "qwen2_vl_vision": {"mlp": "plain", "norm": 2, "patch_bias": False},
    "qwen2_5_vl_vision": {"mlp": "gated", "norm": 1, "patch_bias": False},
    "qwen3_vl_vision": {"mlp": "plain", "norm": 2, "patch_bias": True},
    "qwen3_vl_moe_vision": {"mlp": "plain", "norm": 2, "patch_bias": True},
    "qwen3_omni_moe_vision_encoder": {"mlp": "plain", "norm": 2, "patch_bias": True},
    "qwen3_5_vision": {"mlp": "plain", "norm": 2, "patch_bias": True},
    "exaone4_5_vision": {"mlp": "gated", "norm": 1, "patch_bias": False},  # Qwen2.5-VL's, with grouped K/V heads
    "qwen2_5_omni_vision_encoder": {"mlp": "gated", "norm": 1, "patch_bias": False},
    "qwen3_5_moe_vision": {"mlp": "plain", "norm": 2, "patch_bias": True},
}


# ViT towers (patches of one image, learned or rotary positions, pre-norm blocks): which carry biases, a gated
# MLP, LayerNorms (2 parameters per unit) or RMSNorms (1), learned positions.
VIT_TOWERS: dict[str, dict[str, Any]] = {
    "siglip_vision_model": {"bias": True, "mlp": "plain", "norm": 2, "positions": True},
    "siglip2_vision_model": {"bias": True, "mlp": "plain", "norm": 2, "positions": True},
    # CLIP: a class token (and its position row) and a norm before the blocks; no bias on the patch embedding
    "clip_vision_model": {"bias": True, "mlp": "plain", "norm": 2, "positions": True, "class_token": True,
                          "pre_norm": True, "patch_bias": False},
    "blip_vision_model": {"bias": True, "mlp": "plain", "norm": 2, "positions": True, "class_token": True},
    "idefics3_vision": {"bias": True, "mlp": "plain", "norm": 2, "positions": True},
    "idefics2_vision": {"bias": True, "mlp": "plain", "norm": 2, "positions": True},
    "smolvlm_vision": {"bias": True, "mlp": "plain", "norm": 2, "positions": True},
    "pixtral": {"bias": False, "mlp": "gated", "norm": 1, "positions": False},
    # Llama 4's tower adds a class token and a pixel-shuffle adapter: within 1% of the SigLIP-style count
    "llama4_vision_model": {"bias": True, "mlp": "plain", "norm": 2, "positions": True},
}


# Image-text classes whose projector is LLaVA's two-layer MLP, from the tower's width (times the layers it reads,
# when vision_feature_layer lists several) into the language model's: whether a LayerNorm comes first (ViP-LLaVA),
# a learned row between image tiles, how many towers vision_config builds (Video-LLaVA: an image and a video tower).
LLAVA_PROJECTORS: dict[str, dict[str, Any]] = {
    "llava": {}, "llava_next": {"newline": True}, "llava_next_video": {"newline": True},
    "llava_onevision": {"newline": True}, "video_llava": {"towers": 2}, "vipllava": {"norm": True},
}


# Image-text classes whose language model reads the tower through cross-attention of its own: no projector.
CROSS_ATTENDING = frozenset({"blip"})


def _llava_projector(config: dict[str, Any], vision_hidden: int, text_hidden: int, kind: dict[str, Any]) -> int:
    layers = config.get("vision_feature_layer")
    wide = vision_hidden * (len(layers) if isinstance(layers, list) and layers else 1)
    bias = 2 * text_hidden if config.get("multimodal_projector_bias") is not False else 0
    return (wide * text_hidden + text_hidden * text_hidden + bias + (2 * wide if kind.get("norm") else 0)
            + (text_hidden if kind.get("newline") else 0))


def _vision_params(config: dict[str, Any], text_hidden: int) -> tuple[int, str | None]:
    """A vision tower and its projector, for image-text repos: a ViT (SigLIP, CLIP) or a Qwen-VL-style tower,
    and the tower's model_type when axes has no entry for it and counted it as a SigLIP-style ViT (most image-text
    towers are one, and a tower is a small part of the whole: an estimate, said so, rather than no count). A
    tower whose config lacks a ViT's dimensions is -1 (the caller says so)."""
    former = config.get("qformer_config")
    if isinstance(former, dict) and former.get("model_type") in COUNTED_KINDS["qformer_config"]:
        return _blip_tower(config, former, text_hidden), None  # BLIP-2 lineage: a Q-Former after the tower
    vision = config.get("vision_config")
    if not isinstance(vision, dict):
        return 0, None
    # A vision config that names no type (hand-written) is read as the SigLIP-style ViT most image-text models use.
    kind = str(vision.get("model_type") or "siglip_vision_model")
    tower = VISION_TOWERS.get(kind)
    if tower is not None:
        return _merged_patches(vision, tower, text_hidden), None
    counter = TOWER_COUNTERS.get(kind)
    if counter is not None:
        return counter(vision, config, text_hidden), None
    vit = VIT_TOWERS.get(kind)
    dims = [as_int(vision.get(k)) for k in ("hidden_size", "num_hidden_layers", "intermediate_size", "patch_size")]
    if not all(dims):
        return -1, None
    h, layers, inter, patch = (d or 0 for d in dims)
    channels = as_int(vision.get("num_channels", 3)) or 3
    assumed = VIT_TOWERS["siglip_vision_model"] if vit is None else vit
    bias = assumed["bias"]
    mlp = 3 * h * inter if assumed["mlp"] == "gated" else 2 * h * inter + (inter + h if bias else 0)
    per_layer = 4 * h * h + (4 * h if bias else 0) + mlp + 2 * assumed["norm"] * h
    image = as_int(vision.get("image_size")) or 0
    positions = (image // patch) ** 2 * h if assumed["positions"] else 0
    embeddings = channels * patch * patch * h + (h if assumed.get("patch_bias", bias) else 0) + positions
    if assumed.get("class_token"):
        embeddings += 2 * h  # the token and its position row
    if assumed.get("pre_norm"):
        embeddings += assumed["norm"] * h
    tower = layers * per_layer + embeddings + assumed["norm"] * h
    estimated = kind if vit is None else None  # a tower counted as SigLIP-style: the caller says so
    llava = LLAVA_PROJECTORS.get(str(config.get("model_type")))
    if llava is not None:
        return llava.get("towers", 1) * tower + _llava_projector(config, h, text_hidden, llava), estimated
    if config.get("model_type") in CROSS_ATTENDING:
        return tower, estimated
    projector = _resampler(config, h, text_hidden)
    merge = as_int(vision.get("spatial_merge_size"))
    if projector < 0 and merge:  # a merger of merge x merge patches: a LayerNorm, then an MLP into the text width
        merged = merge * merge * h
        projector = 2 * h + merged * merged + merged + merged * text_hidden + text_hidden
    elif projector < 0:
        projector = h * text_hidden + h  # Gemma 3: input projection and its soft-embedding norm
    return tower + projector, estimated


def _resampler(config: dict[str, Any], vision_hidden: int, text_hidden: int) -> int:
    """Idefics2's connector, where its perceiver_config is: a gated MLP from the tower's width into the language
    model's (as wide as the language model's MLP), then a perceiver of learned latents (pre-norms on latents and
    image, grouped-K/V attention, a gated MLP 4x wide, RMSNorms) and a final norm. -1 for other repos."""
    former, text = config.get("perceiver_config"), config.get("text_config")
    if not (isinstance(former, dict) and former.get("model_type") == "idefics2_perceiver" and isinstance(text, dict)):
        return -1
    inter = as_int(text.get("intermediate_size")) or 4 * text_hidden
    depth, latents = as_int(former.get("resampler_depth")) or 0, as_int(former.get("resampler_n_latents")) or 0
    heads, head_dim = as_int(former.get("resampler_n_heads")) or 0, as_int(former.get("resampler_head_dim")) or 0
    kv = (as_int(former.get("num_key_value_heads")) or heads) * head_dim
    t = text_hidden
    layer = 2 * t + 2 * t * heads * head_dim + 2 * t * kv + t + 3 * t * 4 * t
    return 2 * vision_hidden * inter + inter * t + latents * t + depth * layer + t


def _tiled_vit(vision: dict[str, Any], config: dict[str, Any], text_hidden: int) -> int:
    """Llama 3.2 Vision's tower: a ViT over image tiles (a class token, gated position embeddings per tile and
    aspect ratio, a local then a gated global stack, biased MLPs, LayerNorms), its projector from the stacked
    intermediate features, and what the image path adds to the language model: each cross-attention layer's
    q/k norms and two gates, and the embedding table's 8 image-token rows. -1 without the dimensions."""
    dims = [as_int(vision.get(k)) for k in ("hidden_size", "num_hidden_layers", "intermediate_size", "patch_size",
                                            "image_size", "vision_output_dim")]
    if not all(dims):
        return -1
    h, layers, inter, patch, image, out = (d or 0 for d in dims)
    channels = as_int(vision.get("num_channels")) or 3
    tiles = as_int(vision.get("max_num_tiles")) or 4
    ratios = vision.get("supported_aspect_ratios")
    ratio_ids = (len(ratios) if isinstance(ratios, list) else 8) + 1  # id 0 is padding
    positions = (image // patch) ** 2 + 1  # and the class token
    layer = 4 * h * h + 2 * h * inter + inter + h + 4 * h
    embeddings = h + channels * patch * patch * h + 1 + positions * h + ratio_ids * tiles * positions * h
    tile_positions = 2 * (1 + ratio_ids * tiles * h)
    stacks = layers * layer + (as_int(vision.get("num_global_layers")) or 0) * (layer + 2)
    text = config.get("text_config")
    text = text if isinstance(text, dict) else {}
    heads = as_int(text.get("num_attention_heads"))
    head_dim = as_int(text.get("head_dim")) or (text_hidden // heads if heads else 0)
    cross = len(int_list(text.get("cross_attention_layers"))) * (2 * head_dim + 2)
    return embeddings + tile_positions + 4 * h + stacks + out * text_hidden + text_hidden + cross + 8 * text_hidden


def _side(value: Any) -> int | None:
    """An image or patch size given as one number or as [height, width] (square sides)."""
    return as_int(value[0]) if isinstance(value, list) and value else as_int(value)


def _intern_vit(vision: dict[str, Any], config: dict[str, Any], text_hidden: int) -> int:
    """InternVL's InternViT: a class token and learned positions, a biased patch convolution, layers with layer
    scales (two vectors) and a biased output projection, optional q/k RMSNorms, no final norm when features are
    mean-pooled; the projector over pixel-shuffled patches (a norm, two biased linears). -1 without the dimensions."""
    h, layers, inter = (as_int(vision.get(k)) for k in ("hidden_size", "num_hidden_layers", "intermediate_size"))
    patch, image = _side(vision.get("patch_size")), _side(vision.get("image_size"))
    if not (h and layers and inter and patch and image):
        return -1
    norm = 1 if vision.get("norm_type") == "rms_norm" else 2
    qk = 2 * h if vision.get("use_qk_norm") else 0  # RMSNorms over the whole width, whatever norm_type says
    layer = 4 * h * h + (3 * h if vision.get("attention_bias") else 0) + h + 2 * h + 2 * h * inter + inter + h + \
        2 * norm * h + qk
    channels = as_int(vision.get("num_channels")) or 3
    embeddings = h + ((image // patch) ** 2 + 1) * h + channels * patch * patch * h + h
    final = 0 if vision.get("use_mean_pooling", True) else norm * h
    ratio = config.get("downsample_ratio")
    shuffled = round(h / (ratio * ratio)) if isinstance(ratio, (int, float)) and 0 < ratio <= 1 else 4 * h
    projector = 2 * shuffled + shuffled * text_hidden + text_hidden + text_hidden * text_hidden + text_hidden
    return embeddings + layers * layer + final + projector


def _glm4v_vit(vision: dict[str, Any], _config: dict[str, Any], _text_hidden: int) -> int:
    """GLM-4V's tower: learned positions, a biased patch convolution over frames, RMSNorm blocks with a fused qkv
    and a gated MLP as wide as the language model (out_hidden_size), a convolution merging 2x2 patches into that
    width, and a merger (a projection, a LayerNorm, a gated MLP of intermediate_size). -1 without the dimensions."""
    h, depth, out, inter = (as_int(vision.get(k)) for k in ("hidden_size", "depth", "out_hidden_size",
                                                            "intermediate_size"))
    patch, image = as_int(vision.get("patch_size")) or 14, as_int(vision.get("image_size"))
    if not (h and depth and out and inter and image):
        return -1
    channels, frames = as_int(vision.get("in_channels")) or 3, as_int(vision.get("temporal_patch_size")) or 1
    merge = as_int(vision.get("spatial_merge_size")) or 2
    bias = 3 * h if vision.get("attention_bias") else 0  # the fused qkv's; the output projection has none
    embeddings = (image // patch) ** 2 * h + channels * frames * patch * patch * h + h
    block = 2 * h + 4 * h * h + bias + 3 * h * out
    merger = h * out * merge * merge + out + out * out + 2 * out + 3 * out * inter
    return embeddings + depth * block + 2 * h + merger


# Towers of a layout of their own, by their model_type: (vision config, the repo's config, text width) -> count.
TOWER_COUNTERS: dict[str, Callable[[dict[str, Any], dict[str, Any], int], int]] = {
    "mllama_vision_model": _tiled_vit,
    "internvl_vision": _intern_vit, "qianfan_ocr_vision": _intern_vit,
    "glm4v_vision": _glm4v_vit, "glm4v_moe_vision": _glm4v_vit,
}


def _blip_tower(config: dict[str, Any], former: dict[str, Any], text_hidden: int) -> int:
    """BLIP-2's and InstructBLIP's image path: an EVA-style ViT (a class token, learned positions, a fused biased
    qkv, biased MLPs, LayerNorms), a Q-Former (BERT-style layers over learned query tokens, cross-attending to
    the image every `cross_attention_frequency` layers; InstructBLIP's also reads the instruction: word and
    position embeddings and a second feed-forward path) and the projection into the language model."""
    vision = config.get("vision_config")
    if not isinstance(vision, dict):
        return -1
    h, layers, inter = (as_int(vision.get(k)) for k in ("hidden_size", "num_hidden_layers", "intermediate_size"))
    q, q_layers, q_inter = (as_int(former.get(k)) for k in ("hidden_size", "num_hidden_layers", "intermediate_size"))
    patch, image = as_int(vision.get("patch_size")), as_int(vision.get("image_size"))
    if not (h and layers and inter and q and q_layers and q_inter and patch and image):
        return -1
    channels = as_int(vision.get("num_channels")) or 3
    vit = h + ((image // patch) ** 2 + 1) * h + channels * patch * patch * h + h + 2 * h + layers * (
        4 * h * h + 2 * h * inter + inter + 9 * h)
    source = as_int(former.get("encoder_hidden_size")) or h
    every = as_int(former.get("cross_attention_frequency")) or 1
    feed_forward = 2 * q * q_inter + q_inter + 3 * q
    text = str(former.get("model_type", "")).startswith("instructblip") or bool(former.get("use_qformer_text_input"))
    layer = 4 * (q * q + q) + 2 * q + feed_forward * (2 if text else 1)
    cross = 2 * (q * q + q) + 2 * (source * q + q) + 2 * q
    crossing = len(range(0, q_layers, every))
    embeddings = 2 * q + ((as_int(former.get("vocab_size")) or 0) + (as_int(former.get("max_position_embeddings"))
                                                                       or 0)) * q * text
    queries = (as_int(config.get("num_query_tokens")) or 32) * q
    return vit + embeddings + q_layers * layer + crossing * cross + queries + q * text_hidden + text_hidden


def _merged_patches(vision: dict[str, Any], tower: dict[str, Any], text_hidden: int) -> int:
    width = as_int(vision.get("embed_dim")) or as_int(vision.get("hidden_size")) or 0
    layers = as_int(vision.get("depth")) or as_int(vision.get("num_hidden_layers")) or 0
    inter = as_int(vision.get("intermediate_size")) or (as_int(vision.get("mlp_ratio")) or 4) * width
    patch, frames = as_int(vision.get("patch_size")) or 14, as_int(vision.get("temporal_patch_size")) or 1
    channels = as_int(vision.get("in_channels")) or as_int(vision.get("num_channels")) or 3
    merge = as_int(vision.get("spatial_merge_size")) or 2
    out = as_int(vision.get("out_hidden_size")) or (as_int(vision.get("hidden_size")) if "embed_dim" in vision
                                                      else None) or text_hidden
    if not (width and layers):
        return -1
    norm = tower["norm"] * width
    mlp = 3 * width * inter + 2 * inter + width if tower["mlp"] == "gated" else 2 * width * inter + inter + width
    heads, kv_heads = as_int(vision.get("num_heads")), as_int(vision.get("num_key_value_heads"))
    qkv = width + 2 * (width * kv_heads // heads if heads and kv_heads else width)  # grouped K/V, where declared
    layer = width * qkv + qkv + width * width + width + mlp + 2 * norm
    patches = channels * frames * patch * patch * width + (width if tower["patch_bias"] else 0)
    positions = (as_int(vision.get("num_position_embeddings")) or 0) * width
    merged = width * merge * merge
    merger = merged * merged + merged + merged * out + out
    deepstack = vision.get("deepstack_visual_indexes")
    extra = len(deepstack) * (tower["norm"] * merged + merger) if isinstance(deepstack, list) else 0
    return patches + positions + layers * layer + norm + merger + extra


# Sub-configs that are the language model itself, or parts counted above, or settings rather than parts.
COUNTED_PARTS = {"text_config", "llm_config", "language_config", "thinker_config", "vision_config", "audio_config",
                 "attn_config", "ffn_config", "quantization_config", "rope_scaling", "rope_parameters"}
# Sub-models counted with the vision tower, by the kinds whose layout axes knows.
COUNTED_KINDS = {"qformer_config": ("blip_2_qformer", "instructblip_qformer", "instructblipvideo_qformer"),
                 "perceiver_config": ("idefics2_perceiver",)}


def _other_part(config: dict[str, Any]) -> str | None:
    """A sub-model of an image/speech-text repo that is not the language model or a tower axes counts
    (a Q-Former, a speech encoder of its own kind): "key (model_type)", else None."""
    for key, value in config.items():
        if key.endswith("_config") and key not in COUNTED_PARTS and isinstance(value, dict) and \
                value.get("model_type") and value["model_type"] not in COUNTED_KINDS.get(key, ()):
            return f"{key} ({value['model_type']})"
    return None


# Whisper-style audio encoders that differ from Whisper's: Qwen2.5-Omni's has sinusoidal positions (no weights)
# and two learned audio start/end embeddings as wide as its output.
AUDIO_TOWERS: dict[str, dict[str, int]] = {
    "qwen2_5_omni_audio_encoder": {"learned_positions": False, "boundary_embeddings": 2},
}


def _audio_params(config: dict[str, Any], text_hidden: int) -> int:
    """A Whisper-style audio encoder (two convolutions over mel features, learned positions, pre-norm layers)
    and a projector into the language model, for speech-text repos; its own layout, counted as its own part."""
    audio = config.get("audio_config")
    if not isinstance(audio, dict):
        return 0
    d, layers, ffn = (next((v for k in keys if (v := as_int(audio.get(k)))), None) for keys in (
        ("d_model", "hidden_size"), ("encoder_layers", "num_hidden_layers"), ("encoder_ffn_dim", "intermediate_size")))
    mels = as_int(audio.get("num_mel_bins"))
    if not (d and layers and ffn and mels):
        return -1
    convs = mels * d * 3 + d + d * d * 3 + d
    out = as_int(audio.get("output_dim")) or text_hidden
    traits = AUDIO_TOWERS.get(str(audio.get("model_type")), {})
    positions = (as_int(audio.get("max_source_positions")) or 0) * d if traits.get("learned_positions", True) else 0
    positions += traits.get("boundary_embeddings", 0) * out
    layer = 4 * d * d + 3 * d + 2 * d * ffn + ffn + d + 2 * 2 * d  # no key bias; two LayerNorms
    projector = d * out + out
    return convs + positions + layers * layer + 2 * d + projector


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
    others = len(kinds) - len(caching) - kinds.count("none")  # MLP-only layers hold no state at all
    if others:
        notes.append(f"{others} of {shape.layers} layers keep a fixed-size state instead of a KV cache")
    return total, "; ".join(notes) or None
