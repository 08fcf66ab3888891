"""config.json -> Shape: one normalised view of a network's dimensions.

Hugging Face configs name the same thing many ways (n_embd, d_model, hidden_size, block_dim ...) and
nest the language model under text_config / llm_config for multimodal repos. Everything downstream
(parameter math, KV cache, facts) reads a Shape and never the raw dict. A dimension that cannot be
read stays None: the caller reports "unknown", never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct, field

from ..errors import AxesError
from .families import TIED_BY_LANGUAGE_MODEL, Family, assumed_lineage, lookup

# "attention" | "sliding" | "linear" | "mamba" | "mamba2" | "conv" | "attention+mamba" | "none" (an MLP-only layer)
LayerKind = str

# Alias lists, most specific first. The first key present wins (and is cited as the evidence).
ALIASES: dict[str, tuple[str, ...]] = {
    "hidden": ("hidden_size", "n_embd", "n_embed", "d_model", "hidden_dim", "block_dim", "dim", "model_dim",
               "emb_dim"),
    "layers": ("num_hidden_layers", "n_layer", "num_layers", "n_layers", "encoder_layers", "decoder_layers",
               "num_decoder_layers"),
    "heads": ("num_attention_heads", "n_head", "num_heads", "n_heads", "num_attention_head",
              "encoder_attention_heads", "decoder_attention_heads", "attention_heads"),
    "kv_heads": ("num_key_value_heads", "n_head_kv", "num_kv_heads", "n_kv_heads", "num_key_value_groups",
                 "kv_n_heads"),
    "intermediate": ("intermediate_size", "ffn_hidden_size", "n_inner", "ffn_dim", "block_ff_dim", "d_ff",
                     "ffn_inner_dim", "encoder_ffn_dim", "decoder_ffn_dim", "dff"),
    "vocab": ("vocab_size", "padded_vocab_size", "n_vocab"),
    "context": ("max_position_embeddings", "n_positions", "seq_length", "max_sequence_length", "n_ctx",
                "max_seq_len", "model_max_length"),
    "experts": ("num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts", "num_routed_experts",
                "n_experts"),
    "experts_per_token": ("num_experts_per_tok", "num_experts_per_token", "experts_per_token", "moe_top_k",
                          "top_k_experts", "moe_k", "moe_topk", "num_selected_experts"),
    "shared_experts": ("n_shared_experts", "num_shared_experts", "moe_num_shared_experts"),
    "moe_intermediate": ("moe_intermediate_size", "expert_intermediate_size", "moe_ffn_hidden_size",
                         "expert_ffn_hidden_size"),
}
DTYPE_BYTES = {"float32": 4, "fp32": 4, "float16": 2, "fp16": 2, "bfloat16": 2, "bf16": 2, "float8_e4m3fn": 1,
               "fp8": 1, "int8": 1}
# A config key that sets biases, and the projections it sets them on, general keys first. A key present in the
# file always wins over the family's default; `no_bias` says the opposite of the others.
BIAS_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bias", ("qkv", "o", "mlp")), ("use_bias", ("qkv", "o", "mlp")), ("no_bias", ("qkv", "o", "mlp")),
    ("attention_bias", ("qkv", "o")), ("add_bias_linear", ("o", "mlp")), ("qkv_bias", ("qkv",)),
    ("add_qkv_bias", ("qkv",)), ("use_qkv_bias", ("qkv",)), ("attention_out_bias", ("o",)), ("mlp_bias", ("mlp",)),
)
# For a family axes does not know: the MLP an activation name implies. A gated activation (SwiGLU) needs the
# third matrix; the squared-ReLU and xIELU families and the GPT-2 lineage's GELU use two.
ACTIVATION_MLP = {"silu": "gated", "swish": "gated", "swiglu": "gated", "geglu": "gated", "relu2": "plain",
                  "xielu": "plain", "gelu_new": "plain", "relu": "plain", "gelu": "plain"}
SSM_MIXERS = {"mamba", "mamba2", "rwkv"}


class Shape(Struct, frozen=True, eq=False):  # never compared or printed: the generated methods cost start-up
    """The dimensions of the language model; `keys` records which config key gave each one."""

    model_type: str | None = None
    architecture: str | None = None
    family: Family | None = None  # None: a model_type axes has no layout facts for (counts are estimates)
    hidden: int | None = None
    layers: int | None = None
    heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    intermediate: int | None = None
    vocab: int | None = None
    tied: bool = False
    context: int | None = None
    gated_mlp: bool = True
    norm_params: int = 1  # parameters per hidden unit of one norm: 1 (RMSNorm), 2 (LayerNorm), 0 (no parameters)
    qkv_bias: bool = False
    o_bias: bool = False
    mlp_bias: bool = False
    lm_head_bias: bool = False
    qk_norm: str = ""
    norms_per_layer: int = 2
    # Mixture of experts
    experts: int | None = None
    experts_per_token: int | None = None
    shared_experts: int = 0
    moe_intermediate: int | None = None
    shared_intermediate: int | None = None
    moe_layers: tuple[int, ...] = ()  # indices of layers whose MLP is routed
    # Multi-head latent attention
    q_lora_rank: int | None = None
    kv_lora_rank: int | None = None
    qk_nope_dim: int | None = None
    qk_rope_dim: int | None = None
    v_head_dim: int | None = None
    mtp_layers: int = 0
    # Layer mix (attention, sliding, linear, mamba, conv), one entry per layer; ffn_layers: which have an MLP.
    layer_kinds: tuple[LayerKind, ...] = ()
    ffn_layers: tuple[bool, ...] = ()
    sliding_window: int | None = None
    # State-space / convolution blocks of hybrids
    mamba_d_state: int | None = None
    mamba_d_conv: int | None = None
    mamba_expand: int | None = None
    mamba_dt_rank: int | None = None
    mamba_heads: int | None = None
    mamba_groups: int | None = None
    mamba_inner: int | None = None  # Mamba width when declared outright (Falcon-H1's mamba_d_ssm)
    mamba_norm: bool = True  # Mamba-2's gated norm over its inner width
    dtype_bytes: int | None = None
    keys: dict[str, str] = field(default_factory=dict)  # shape field -> the config key it was read from
    assumptions: tuple[str, ...] = ()  # what the count assumes beyond the file (an unknown family)
    # An unknown model_type read as the lineage its config's keys mark (BERT's token types, BART's two stacks):
    # `family` is that lineage's entry, and the counts are estimates.
    estimated: bool = False
    raw: dict[str, Any] = field(default_factory=dict)  # the language config as read (defaults filled in)

    @property
    def is_moe(self) -> bool:
        return bool(self.experts and self.moe_layers and (self.experts > 1 or self.family_structure == "moe"))

    @property
    def is_mla(self) -> bool:
        return self.kv_lora_rank is not None

    @property
    def family_structure(self) -> str | None:
        return self.family.structure if self.family else None

    @property
    def layout(self) -> str:
        return self.family.layout if self.family else "decoder"


def as_int(value: Any) -> int | None:
    """A non-negative integer read from a config as it is, or None for anything else (lists, text, bools)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def int_list(value: Any) -> list[int]:
    return [v for v in value if as_int(v) is not None] if isinstance(value, list) else []


def language_config(config: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The dict that describes the language model and the key path to it ("" for the top level)."""
    for key in ("text_config", "llm_config", "language_config", "thinker_config"):
        nested = config.get(key)
        if isinstance(nested, dict) and any(k in nested for k in ALIASES["hidden"] + ("text_config",)):
            inner, path = language_config(nested)
            return inner, f"{key}.{path}" if path else key
    # Two stacks of one decoder family (T5Gemma, its table entry says so): the decoder describes the language model,
    # the count reads both. A generic encoder-decoder pairing two families is not read as its decoder alone.
    encoder, decoder = config.get("encoder"), config.get("decoder")
    if isinstance(encoder, dict) and isinstance(decoder, dict) and not any(k in config for k in ALIASES["hidden"]):
        family = lookup(str(decoder.get("model_type") or "").lower())
        if family is not None and family.layout == "stacks":
            return decoder, "decoder"
    return config, ""


# Far above any real network, far below what would exhaust memory when the layers are enumerated.
LIMITS = {"layers": 100_000, "heads": 1_000_000, "kv_heads": 1_000_000, "experts": 1_000_000,
          "experts_per_token": 1_000_000, "shared_experts": 1_000_000, "mtp_layers": 1_000}


def _int(value: Any, key: str, limit: int = 10**12) -> int | None:
    """A positive integer dimension; absurd values are bad input, not facts."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        if isinstance(value, (list, dict)):
            return None  # a per-layer list or a nested block: not this dimension's scalar form
        raise AxesError(f"key {key!r} must be an integer, found {value!r}", where="config.json")
    if value < 0 or value > limit:
        raise AxesError(f"key {key!r} has an impossible value {value}", where="config.json")
    return value or None  # 0 means "none of these" (no shared experts, no MTP layers)


class _Reader:
    """Reads aliased keys from the language config and remembers which key answered."""

    def __init__(self, config: dict[str, Any], prefix: str, defaulted: frozenset[str] = frozenset(),
                 own: Mapping[str, str] | None = None):
        self.config = config
        self.prefix = prefix
        self.defaulted = defaulted
        self.own = own or {}  # the family's own name for a field, tried first
        self.keys: dict[str, str] = {}

    def dim(self, field: str, *names: str) -> int | None:
        own = (self.own[field],) if field in self.own else ()
        for name in own + (names or ALIASES[field]):
            if name in self.config:
                value = _int(self.config[name], self._path(name), LIMITS.get(field, 10**12))
                if value is not None:
                    self.keys[field] = self._path(name)
                    return value
        return None

    def get(self, name: str, default: Any = None) -> Any:
        return self.config.get(name, default)

    def _path(self, name: str) -> str:
        path = f"{self.prefix}.{name}" if self.prefix else name
        return f"{path} (default)" if name in self.defaulted else path




# Blocks some families nest their attention and feed-forward settings in (DBRX): read as if at the top.
NESTED_BLOCKS = ("attn_config", "ffn_config")


def read_shape(config: dict[str, Any]) -> Shape:
    text, prefix = language_config(config)
    nested = {k: v for block in NESTED_BLOCKS if isinstance(text.get(block), dict) for k, v in text[block].items()}
    if nested:
        text = {**nested, **text}
    model_type = str(text.get("model_type") or config.get("model_type") or "").lower() or None
    family = lookup(model_type or "")
    assumptions: list[str] = []
    estimated = family is None
    if family is None:
        family = assumed_lineage(text, assumptions)
    defaults = dict(family.defaults) if family else {}
    r = _Reader({**defaults, **text}, prefix, defaulted=frozenset(defaults) - frozenset(text),
                own=family.keys if family else None)
    text = r.config
    archs = config.get("architectures") or text.get("architectures") or []
    architecture = archs[0] if isinstance(archs, list) and archs and isinstance(archs[0], str) else None

    hidden = r.dim("hidden")
    layers = r.dim("layers") or _listed_layers(r)
    heads = r.dim("heads")
    for name, value in (("hidden", hidden), ("layers", layers), ("heads", heads)):
        key = next((k for k in ALIASES[name] if k in text), None)
        if value is None and key is not None and text[key] == 0:
            raise AxesError(f"key {key!r} is 0: a network needs at least one", where="config.json")
    kv_heads = _kv_heads(r, heads)
    # transformers' own derivation when head_dim is absent: hidden // heads, rounded down.
    head_dim = r.dim("head_dim", "head_dim", "kv_channels", "attention_head_dim", "d_kv") or (
        hidden // heads if hidden and heads else None
    )
    intermediate = r.dim("intermediate")
    ratio = as_int(text.get("expansion_ratio")) or as_int(text.get("intermediate_multiple_size")) or (
        family.inner if family else None)
    if intermediate is None and hidden and ratio:
        intermediate = ratio * hidden  # the MLP as a multiple of the width (GPT-2's n_inner: null, MPT)
    vocab = r.dim("vocab")
    experts = r.dim("experts")
    experts_per_token = r.dim("experts_per_token")
    shared = r.dim("shared_experts") or 0
    moe_family = bool(family and family.structure == "moe")
    moe_layers = _moe_layers(text, layers, experts, moe_family)
    kinds = _layer_kinds(text, layers, family)
    ffn_layers = _ffn_layers(text, kinds, family)
    sliding = _sliding_window(text, kinds)

    by_language_model = str(config.get("model_type") or "").lower() in TIED_BY_LANGUAGE_MODEL
    if family is not None and family.fixed_tie is not None:
        tied = family.fixed_tie
    elif by_language_model and ("tie_word_embeddings" in text or family is not None):
        # The classes that tie by their language model's config (families.py): its value, or its class's default
        tied = bool(text["tie_word_embeddings"]) if "tie_word_embeddings" in text else bool(family and family.tied)
    elif "tie_word_embeddings" in config or "tie_word_embeddings" in text:
        # An image-text model's own value wins over its language config's, as most such classes tie by their own
        # config.
        tied = bool(config.get("tie_word_embeddings", text.get("tie_word_embeddings")))
    elif family is not None:
        tied = family.tied
    elif "transformers_version" in config:
        # transformers leaves a value out of a saved config only where it equals the library's default, which ties
        tied = True
        assumptions.append("tie_word_embeddings absent from a config transformers saved: tied, its default")
    else:
        tied = False  # most large decoders keep a separate output head; the small ones that tie say so
        assumptions.append("tie_word_embeddings absent: a separate output head assumed")
    mlp = family.mlp if family else _unknown_mlp(text, assumptions)
    biases = {"qkv": family.qkv_bias, "o": family.o_bias, "mlp": family.mlp_bias} if family else \
        {"qkv": False, "o": False, "mlp": False}
    for key, parts in BIAS_KEYS:  # general keys first, so the specific ones after them win
        if isinstance(text.get(key), bool):
            for part in parts:
                biases[part] = text[key] != (key == "no_bias")
    norm = family.norm if family else "rms"
    if family is None:
        assumptions.append("RMSNorm, no biases")
    norms_per_layer = family.layer_norms if family else 2
    if text.get("parallel_attn") and (text.get("new_decoder_architecture") or text.get("n_head_kv")
                                      or text.get("num_ln_in_parallel_attn") == 2):
        norms_per_layer = 2  # Falcon's grouped-KV layout: separate norms before the parallel attention and MLP
    qk_norm = family.qk_norm if family else ""
    if qk_norm != "l2" and (text.get("use_qk_norm") is True or text.get("qk_layernorm") is True):
        qk_norm = qk_norm or "head"
    elif qk_norm != "l2" and text.get("use_qk_norm") is False:
        qk_norm = ""
    return Shape(
        model_type=model_type,
        architecture=architecture,
        family=family,
        hidden=hidden,
        layers=layers,
        heads=heads,
        kv_heads=kv_heads,
        head_dim=head_dim,
        intermediate=intermediate,
        vocab=vocab,
        tied=tied,
        context=r.dim("context"),
        gated_mlp=mlp == "gated",
        norm_params={"rms": 1, "layer": 2, "none": 0}[norm],
        qkv_bias=biases["qkv"],
        o_bias=biases["o"],
        mlp_bias=biases["mlp"],
        lm_head_bias=bool(text.get("lm_head_bias") or family and family.lm_head_bias),
        qk_norm=qk_norm,
        norms_per_layer=norms_per_layer,
        experts=experts,
        experts_per_token=experts_per_token,
        shared_experts=shared,
        moe_intermediate=r.dim("moe_intermediate"),
        shared_intermediate=r.dim("shared_intermediate", "shared_expert_intermediate_size",
                                  "shared_intermediate_size"),
        moe_layers=moe_layers,
        q_lora_rank=r.dim("q_lora_rank", "q_lora_rank"),
        kv_lora_rank=r.dim("kv_lora_rank", "kv_lora_rank"),
        qk_nope_dim=r.dim("qk_nope_dim", "qk_nope_head_dim"),
        qk_rope_dim=r.dim("qk_rope_dim", "qk_rope_head_dim"),
        v_head_dim=r.dim("v_head_dim", "v_head_dim"),
        mtp_layers=r.dim("mtp_layers", "num_nextn_predict_layers", "mtp_num_layers", "num_mtp_modules") or 0,
        layer_kinds=kinds,
        ffn_layers=ffn_layers,
        sliding_window=sliding,
        mamba_d_state=r.dim("mamba_d_state", "mamba_d_state", "state_size", "ssm_state_size", "d_state"),
        mamba_d_conv=r.dim("mamba_d_conv", "mamba_d_conv", "conv_kernel", "d_conv", "conv_L_cache"),
        mamba_expand=r.dim("mamba_expand", "mamba_expand", "expand"),
        mamba_dt_rank=_dt_rank(text, hidden),
        mamba_heads=r.dim("mamba_heads", "mamba_n_heads", "n_mamba_heads", "mamba_num_heads")
        or (heads if family and family.mixer == "mamba2" and family.structure == "ssm" else None),
        mamba_groups=r.dim("mamba_groups", "mamba_n_groups", "n_groups", "mamba_ngroups"),
        mamba_inner=r.dim("mamba_inner", "mamba_d_ssm", "d_inner") or _mamba_width(r),
        mamba_norm=text.get("mamba_rms_norm") is not False,
        dtype_bytes=DTYPE_BYTES.get(str(text.get("torch_dtype") or text.get("dtype") or config.get("torch_dtype")
                                        or config.get("dtype") or "").lower()),
        keys=r.keys,
        assumptions=tuple(assumptions),
        estimated=estimated,
        raw=text,
    )


def _listed_layers(r: _Reader) -> int | None:
    """A config that lists its layers' kinds and gives no count (Nemotron-H): as many layers as listed."""
    for key in ("layers_block_type", "layer_types", "hybrid_override_pattern"):
        listed = r.get(key)
        if isinstance(listed, (list, str)) and 0 < len(listed) <= LIMITS["layers"]:
            r.keys["layers"] = r._path(key)
            return len(listed)
    return None


def _unknown_mlp(text: dict[str, Any], assumptions: list[str]) -> str:
    act = str(text.get("hidden_act") or text.get("activation_function") or text.get("hidden_activation") or "")
    kind = ACTIVATION_MLP.get(act.lower())
    if kind is None:
        assumptions.append("a gated (three-matrix) MLP")
        return "gated"
    assumptions.append(f"a {kind} MLP, as {act} implies")
    return kind


def _kv_heads(r: _Reader, heads: int | None) -> int | None:
    if r.get("multi_query_attention") and r.get("multi_query_group_num"):  # ChatGLM
        return r.dim("kv_heads", "multi_query_group_num")
    # Falcon-7B's multi_query wins over its num_kv_heads, unless the newer layout (Falcon-40B) is declared.
    if r.get("multi_query") is True and not r.get("new_decoder_architecture"):
        r.keys["kv_heads"] = r._path("multi_query")
        return 1
    kv = r.dim("kv_heads")
    if kv is not None:
        return kv
    if heads is not None:
        r.keys["kv_heads"] = r.keys.get("heads", "num_attention_heads")
    return heads  # no grouping declared: every head keeps its own K and V


def _moe_layers(text: dict[str, Any], layers: int | None, experts: int | None, moe_family: bool) -> tuple[int, ...]:
    """Which layers route tokens to experts: dense-first (DeepSeek), every k-th (Qwen2-MoE, Jamba, Llama 4),
    a start/end range (ERNIE), or a per-layer list."""
    if not layers or not experts or (experts <= 1 and not moe_family):
        return ()
    for key in ("mlp_layer_types", "layers_block_type"):
        listed = text.get(key)
        if isinstance(listed, list) and len(listed) == layers and any(str(k).lower() in ("sparse", "moe")
                                                                      for k in listed):
            return tuple(i for i, kind in enumerate(listed) if str(kind).lower() in ("sparse", "moe"))
    if isinstance(text.get("moe_layers"), list):  # Llama 4 lists them outright
        return tuple(i for i in int_list(text["moe_layers"]) if i < layers)
    first_dense = as_int(text.get("first_k_dense_replace")) or as_int(text.get("moe_layer_start_index")) or 0
    last = as_int(text.get("moe_layer_end_index"))
    freq = text.get("moe_layer_freq")
    if isinstance(freq, list) and len(freq) == layers:
        return tuple(i for i, on in enumerate(freq) if on)
    step = as_int(freq or text.get("decoder_sparse_step") or text.get("interleave_moe_layer_step")
                  or text.get("moe_layer_interval")) or 1
    period = as_int(text.get("expert_layer_period"))
    offset = as_int(text.get("expert_layer_offset")) or 0
    dense_only = set(int_list(text.get("mlp_only_layers")))
    if isinstance(text.get("moe_layers_enum"), list):  # some configs list them outright
        return tuple(i for i in int_list(text["moe_layers_enum"]) if i < layers)
    chosen = []
    for i in range(layers):
        if i < first_dense or i in dense_only or last is not None and i > last:
            continue
        if period:
            if i % period != offset:
                continue
        elif step > 1 and (i + 1) % step != 0:
            continue
        chosen.append(i)
    return tuple(chosen)


KIND_NAMES = {
    "full_attention": "attention", "attention": "attention", "global": "attention", "full": "attention",
    "sliding_attention": "sliding", "sliding": "sliding", "local": "sliding", "chunked_attention": "sliding",
    "linear_attention": "linear", "linear": "linear", "mamba": "mamba", "mamba2": "mamba2", "ssm": "mamba",
    "conv": "conv", "recurrent": "linear", "lightning": "linear", "hybrid": "attention+mamba",
    "moe": "none", "mlp": "none",  # a layer that is only a feed-forward block (Nemotron-H)
}


def _kind_of(name: str) -> str:
    """A layer type's kind: the names above, else what a new name says of itself ("indexed_attention" is
    attention with a token selector, "reference_sliding_attention" a window); a hybrid block stays its own kind."""
    name = name.lower()
    known = KIND_NAMES.get(name)
    if known is not None or "hybrid" in name or "mamba" in name:
        return known or name
    if "linear" in name:
        return "linear"
    if "sliding" in name or "local" in name or "chunk" in name:
        return "sliding"
    return "attention" if "attention" in name else name


# Nemotron-H's hybrid_override_pattern: one character per layer (M Mamba-2, * attention, - MLP, E MoE).
PATTERN_CHARS = {"M": "mamba2", "*": "attention", "-": "none", "E": "none"}


def _layer_kinds(text: dict[str, Any], layers: int | None, family: Family | None) -> tuple[LayerKind, ...]:
    if not layers:
        return ()
    default = family.mixer if family else "attention"
    linear = family.linear if family else "linear"
    declared = text.get("layer_types") or text.get("layers_block_type") or text.get("block_types")
    if isinstance(declared, list) and len(declared) == layers and all(isinstance(x, str) for x in declared):
        kinds = [_kind_of(x) for x in declared]
        if default == "mamba2" or linear == "mamba2":
            kinds = ["mamba2" if k == "mamba" else k for k in kinds]
        return tuple(linear if k == "linear" and linear != "attention" else k for k in kinds)
    if isinstance(declared, list) and 0 < len(declared) < layers and all(isinstance(x, str) for x in declared):
        # A repeating block (Griffin: recurrent, recurrent, attention): layer i is the (i mod n)-th.
        cycle = [_kind_of(x) for x in declared]
        return tuple(linear if (k := cycle[i % len(cycle)]) == "linear" and linear != "attention" else k
                     for i in range(layers))
    pattern = text.get("hybrid_override_pattern")
    if isinstance(pattern, str) and len(pattern) == layers and set(pattern) <= set(PATTERN_CHARS):
        return tuple(PATTERN_CHARS[c] for c in pattern)
    if isinstance(text.get("full_attn_idxs"), list):  # LFM2: attention at these indices, convolutions elsewhere
        full = set(int_list(text["full_attn_idxs"]))
        return tuple("attention" if i in full else "conv" for i in range(layers))
    if isinstance(text.get("attn_layer_indices"), list):  # Bamba: attention at these indices, Mamba elsewhere
        full = set(int_list(text["attn_layer_indices"]))
        return tuple("attention" if i in full else default for i in range(layers))
    period = as_int(text.get("attn_layer_period"))
    if period:  # Jamba: one attention layer every `period`, Mamba otherwise
        offset = as_int(text.get("attn_layer_offset")) or 0
        return tuple("attention" if i % period == offset else "mamba" for i in range(layers))
    if isinstance(text.get("attn_type_list"), list) and len(text["attn_type_list"]) == layers:  # MiniMax
        return tuple("attention" if x else "linear" for x in text["attn_type_list"])
    if default != "attention":
        return (default,) * layers
    window = as_int(text.get("sliding_window_pattern"))
    if window and window > 1 and text.get("sliding_window"):  # Gemma 3: 5 local, 1 global
        return tuple("attention" if (i + 1) % window == 0 else "sliding" for i in range(layers))
    if text.get("sliding_window") and text.get("use_sliding_window") is not False and family and family.alternating:
        return tuple("sliding" if i % 2 == 0 else "attention" for i in range(layers))
    return ("attention",) * layers


def _ffn_layers(text: dict[str, Any], kinds: tuple[LayerKind, ...], family: Family | None) -> tuple[bool, ...]:
    """Which layers hold a feed-forward block: all of them, none (Mamba), or by pattern (Nemotron-H)."""
    pattern = text.get("hybrid_override_pattern")
    if isinstance(pattern, str) and len(pattern) == len(kinds) and set(pattern) <= set(PATTERN_CHARS):
        return tuple(c in "-E" for c in pattern)
    if family is not None and family.mlp == "none":
        return (False,) * len(kinds)
    if family is not None and family.single_block:
        return tuple(kind == "none" for kind in kinds)
    return (True,) * len(kinds)


def _sliding_window(text: dict[str, Any], kinds: tuple[LayerKind, ...]) -> int | None:
    window = text.get("sliding_window")
    if not isinstance(window, int) or isinstance(window, bool) or window <= 0:
        return None
    if text.get("use_sliding_window") is False:
        return None
    context = next((text[k] for k in ALIASES["context"] if isinstance(text.get(k), int)), None)
    if context and window >= context:
        return None  # a window as long as the context slides nowhere (Phi-3's 262144)
    return window


def _mamba_width(r: _Reader) -> int | None:
    """Mamba-2's inner width when given as heads x head width (Nemotron-H)."""
    heads, width = as_int(r.get("mamba_num_heads")), as_int(r.get("mamba_head_dim"))
    return heads * width if heads and width else None


def _dt_rank(text: dict[str, Any], hidden: int | None) -> int | None:
    rank = text.get("mamba_dt_rank", text.get("time_step_rank"))
    if rank == "auto" and hidden:
        return -(-hidden // 16)
    return rank if isinstance(rank, int) and rank > 0 else None
