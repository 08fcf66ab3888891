"""config.json -> Shape: one normalised view of a network's dimensions.

Hugging Face configs name the same thing many ways (n_embd, d_model, hidden_size, block_dim ...) and
nest the language model under text_config / llm_config for multimodal repos. Everything downstream
(parameter math, KV cache, facts) reads a Shape and never the raw dict. A dimension that cannot be
read stays None: the caller reports "unknown", never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import AxesError

LayerKind = str  # "attention" | "sliding" | "linear" | "mamba" | "conv"

# Alias lists, most specific first. The first key present wins (and is cited as the evidence).
ALIASES: dict[str, tuple[str, ...]] = {
    "hidden": ("hidden_size", "n_embd", "n_embed", "d_model", "hidden_dim", "block_dim", "dim", "model_dim"),
    "layers": ("num_hidden_layers", "n_layer", "num_layers", "n_layers", "num_decoder_layers"),
    "heads": ("num_attention_heads", "n_head", "num_heads", "n_heads", "num_attention_head"),
    "kv_heads": ("num_key_value_heads", "n_head_kv", "num_kv_heads", "n_kv_heads", "num_key_value_groups"),
    "intermediate": ("intermediate_size", "ffn_hidden_size", "n_inner", "ffn_dim", "block_ff_dim", "d_ff",
                     "ffn_inner_dim"),
    "vocab": ("vocab_size", "padded_vocab_size", "n_vocab"),
    "context": ("max_position_embeddings", "n_positions", "seq_length", "max_sequence_length", "n_ctx",
                "max_seq_len", "model_max_length"),
    "experts": ("num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts", "num_routed_experts",
                "n_experts"),
    "experts_per_token": ("num_experts_per_tok", "num_experts_per_token", "experts_per_token", "moe_top_k",
                          "top_k_experts", "moe_k"),
    "shared_experts": ("n_shared_experts", "num_shared_experts", "moe_num_shared_experts"),
    "moe_intermediate": ("moe_intermediate_size", "expert_intermediate_size", "moe_ffn_hidden_size"),
}
# Families whose MLP is a plain up/down projection (no gate): GPT-2 lineage, BLOOM, Falcon, OPT, MPT, BERT.
UNGATED = {"gpt2", "gptj", "gpt_neox", "gpt_neo", "bloom", "falcon", "refinedweb", "refinedwebmodel", "opt", "mpt",
           "phi", "gpt_bigcode", "codegen", "bert", "roberta", "starcoder2", "stablelm_epoch", "persimmon",
           "xlm-roberta", "deberta", "deberta-v2", "distilbert", "electra", "t5", "bart", "mbart", "whisper",
           "nemotron", "olmo_legacy"}
# Families normalised with LayerNorm (a weight and a bias) rather than RMSNorm (a weight only).
LAYERNORM = {"gpt2", "gptj", "gpt_neox", "gpt_neo", "bloom", "falcon", "refinedweb", "refinedwebmodel", "opt",
             "phi", "gpt_bigcode", "codegen", "starcoder2", "stablelm", "persimmon", "bert", "roberta",
             "phimoe", "cohere", "mpt", "nemotron"}
DTYPE_BYTES = {"float32": 4, "fp32": 4, "float16": 2, "fp16": 2, "bfloat16": 2, "bf16": 2, "float8_e4m3fn": 1,
               "fp8": 1, "int8": 1}
# Values a config class fills in when the file leaves them out (transformers' defaults): a sparse
# text_config is read the way the library reads it. Cited as "<key> (default)".
FAMILY_DEFAULTS: dict[str, dict[str, Any]] = {
    "gemma3_text": {"vocab_size": 262208, "max_position_embeddings": 131072, "sliding_window_pattern": 6,
                    "rope_theta": 1000000.0},
    # Llama 4's MoE layers always add one shared expert as wide as a routed one; no config key says so.
    "llama4_text": {"n_shared_experts": 1},
}
ENCODER_TYPES = {"bert", "roberta", "xlm-roberta", "deberta", "deberta-v2", "distilbert", "electra", "modernbert",
                 "albert"}
SSM_TYPES = {"mamba", "mamba2", "rwkv", "rwkv5", "rwkv6", "rwkv7", "xlstm"}


@dataclass(frozen=True)
class Shape:
    """The dimensions of the language model; `keys` records which config key gave each one."""

    model_type: str | None = None
    architecture: str | None = None
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
    layernorm: bool = False  # LayerNorm with bias instead of RMSNorm
    attention_bias: bool = False
    qkv_bias: bool = False
    mlp_bias: bool = False
    lm_head_bias: bool = False
    qk_norm: bool = False
    norms_per_layer: int = 2
    # Mixture of experts
    experts: int | None = None
    experts_per_token: int | None = None
    shared_experts: int = 0
    moe_intermediate: int | None = None
    shared_intermediate: int | None = None
    moe_layers: tuple[int, ...] = ()  # indices of layers whose MLP is routed
    router_bias: bool = False
    expert_bias: bool = False
    # Multi-head latent attention
    q_lora_rank: int | None = None
    kv_lora_rank: int | None = None
    qk_nope_dim: int | None = None
    qk_rope_dim: int | None = None
    v_head_dim: int | None = None
    mtp_layers: int = 0
    # Layer mix (attention, sliding, linear, mamba, conv), one entry per layer.
    layer_kinds: tuple[LayerKind, ...] = ()
    sliding_window: int | None = None
    # State-space / convolution blocks of hybrids
    mamba_d_state: int | None = None
    mamba_d_conv: int | None = None
    mamba_expand: int | None = None
    mamba_dt_rank: int | None = None
    mamba_heads: int | None = None
    mamba_groups: int | None = None
    mamba_inner: int | None = None  # Mamba width when declared outright (Falcon-H1's mamba_d_ssm)
    dtype_bytes: int | None = None
    keys: dict[str, str] = field(default_factory=dict)  # shape field -> the config key it was read from

    @property
    def is_moe(self) -> bool:
        return bool(self.experts and self.experts > 1 and self.moe_layers)

    @property
    def is_mla(self) -> bool:
        return self.kv_lora_rank is not None


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

    def __init__(self, config: dict[str, Any], prefix: str, defaulted: frozenset[str] = frozenset()):
        self.config = config
        self.prefix = prefix
        self.defaulted = defaulted
        self.keys: dict[str, str] = {}

    def dim(self, field: str, *names: str) -> int | None:
        for name in names or ALIASES[field]:
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


def read_shape(config: dict[str, Any]) -> Shape:
    text, prefix = language_config(config)
    defaults = FAMILY_DEFAULTS.get(str(text.get("model_type", "")).lower(), {})
    r = _Reader({**defaults, **text}, prefix, defaulted=frozenset(defaults) - frozenset(text))
    text = r.config
    model_type = str(text.get("model_type") or config.get("model_type") or "").lower() or None
    archs = config.get("architectures") or text.get("architectures") or []
    architecture = archs[0] if isinstance(archs, list) and archs and isinstance(archs[0], str) else None
    family = (model_type or "").replace("-", "_")

    hidden = r.dim("hidden")
    layers = r.dim("layers")
    heads = r.dim("heads")
    for name, value in (("hidden", hidden), ("layers", layers), ("heads", heads)):
        key = next((k for k in ALIASES[name] if k in text), None)
        if value is None and key is not None and text[key] == 0:
            raise AxesError(f"key {key!r} is 0: a network needs at least one", where="config.json")
    kv_heads = _kv_heads(r, heads)
    head_dim = r.dim("head_dim", "head_dim", "kv_channels", "attention_head_dim") or (
        hidden // heads if hidden and heads and hidden % heads == 0 else None
    )
    intermediate = r.dim("intermediate")
    if intermediate is None and hidden and family in UNGATED | {"refinedweb"}:
        intermediate = 4 * hidden  # GPT-2 lineage default (n_inner: null)
    vocab = r.dim("vocab")
    experts = r.dim("experts")
    experts_per_token = r.dim("experts_per_token")
    shared = r.dim("shared_experts") or 0
    moe_layers = _moe_layers(text, layers, experts)
    kinds = _layer_kinds(text, layers)
    sliding = _sliding_window(text, kinds)

    tied_default = family in {"gemma", "gemma2", "gemma3", "gemma3_text", "bloom", "falcon",
                              "gpt2", "gpt_neo", "opt", "lfm2", "mpt", "smollm3"}
    tied = text.get("tie_word_embeddings", config.get("tie_word_embeddings", tied_default))

    attention_bias = bool(text.get("attention_bias") or text.get("bias") and family in ("falcon", "refinedweb")
                          or family in ("bloom", "gpt2", "opt", "gpt_bigcode", "starcoder2", "phi", "gpt_neox",
                                        "codegen", "bert", "roberta"))
    qkv_bias = bool(text.get("qkv_bias") or text.get("add_qkv_bias") or family in ("qwen2", "qwen2_moe", "qwen2_vl"))
    mlp_bias = bool(text.get("mlp_bias") or family in ("gptj", "bloom", "gpt2", "opt", "gpt_bigcode", "starcoder2",
                                                        "phi", "gpt_neox", "codegen", "bert", "roberta")
                    or text.get("add_bias_linear") or (text.get("bias") and family in ("falcon", "refinedweb")))
    return Shape(
        model_type=model_type,
        architecture=architecture,
        hidden=hidden,
        layers=layers,
        heads=heads,
        kv_heads=kv_heads,
        head_dim=head_dim,
        intermediate=intermediate,
        vocab=vocab,
        tied=bool(tied),
        context=r.dim("context"),
        gated_mlp=family not in UNGATED and family not in ("refinedweb", "falcon"),
        layernorm=family in LAYERNORM,
        attention_bias=attention_bias,
        qkv_bias=qkv_bias,
        mlp_bias=bool(mlp_bias),
        lm_head_bias=bool(text.get("lm_head_bias") or family == "gptj"),
        qk_norm=bool(text.get("use_qk_norm") or family in ("qwen3", "qwen3_moe", "olmo2", "gemma3", "gemma3_text",
                                                            "exaone4", "lfm2")),
        norms_per_layer=_norms_per_layer(text, family),
        experts=experts,
        experts_per_token=experts_per_token,
        shared_experts=shared,
        moe_intermediate=r.dim("moe_intermediate"),
        shared_intermediate=r.dim("shared_intermediate", "shared_expert_intermediate_size"),
        moe_layers=moe_layers,
        router_bias=family in ("gpt_oss",) or text.get("topk_method") == "noaux_tc",
        expert_bias=family in ("gpt_oss",),
        q_lora_rank=r.dim("q_lora_rank", "q_lora_rank"),
        kv_lora_rank=r.dim("kv_lora_rank", "kv_lora_rank"),
        qk_nope_dim=r.dim("qk_nope_dim", "qk_nope_head_dim"),
        qk_rope_dim=r.dim("qk_rope_dim", "qk_rope_head_dim"),
        v_head_dim=r.dim("v_head_dim", "v_head_dim"),
        mtp_layers=r.dim("mtp_layers", "num_nextn_predict_layers", "mtp_num_layers", "num_mtp_modules") or 0,
        layer_kinds=kinds,
        sliding_window=sliding,
        mamba_d_state=r.dim("mamba_d_state", "mamba_d_state", "state_size", "ssm_state_size", "d_state"),
        mamba_d_conv=r.dim("mamba_d_conv", "mamba_d_conv", "conv_kernel", "d_conv", "conv_L_cache"),
        mamba_expand=r.dim("mamba_expand", "mamba_expand", "expand"),
        mamba_dt_rank=_dt_rank(text, hidden),
        mamba_heads=r.dim("mamba_heads", "mamba_n_heads"),
        mamba_groups=r.dim("mamba_groups", "mamba_n_groups", "n_groups"),
        mamba_inner=r.dim("mamba_inner", "mamba_d_ssm", "d_inner"),
        dtype_bytes=DTYPE_BYTES.get(str(text.get("torch_dtype") or text.get("dtype") or config.get("torch_dtype")
                                        or config.get("dtype") or "").lower()),
        keys=r.keys,
    )


def _kv_heads(r: _Reader, heads: int | None) -> int | None:
    if r.get("multi_query_attention") and r.get("multi_query_group_num"):  # ChatGLM
        return r.dim("kv_heads", "multi_query_group_num")
    kv = r.dim("kv_heads")
    if kv is not None:
        return kv
    if r.get("multi_query") is True:  # Falcon-7B, StarCoder
        r.keys["kv_heads"] = r._path("multi_query")
        return 1
    if heads is not None:
        r.keys["kv_heads"] = r.keys.get("heads", "num_attention_heads")
    return heads  # no grouping declared: every head keeps its own K and V


def _moe_layers(text: dict[str, Any], layers: int | None, experts: int | None) -> tuple[int, ...]:
    """Which layers route tokens to experts: dense-first (DeepSeek), every k-th (Qwen2-MoE, Jamba, Llama 4)."""
    if not layers or not experts or experts <= 1:
        return ()
    first_dense = as_int(text.get("first_k_dense_replace")) or 0
    step = as_int(text.get("moe_layer_freq") or text.get("decoder_sparse_step")
                  or text.get("interleave_moe_layer_step")) or 1
    period = as_int(text.get("expert_layer_period"))
    offset = as_int(text.get("expert_layer_offset")) or 0
    dense_only = set(int_list(text.get("mlp_only_layers")))
    if isinstance(text.get("moe_layers_enum"), list):  # some configs list them outright
        return tuple(i for i in int_list(text["moe_layers_enum"]) if i < layers)
    chosen = []
    for i in range(layers):
        if i < first_dense or i in dense_only:
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
    "linear_attention": "linear", "linear": "linear", "mamba": "mamba", "ssm": "mamba", "conv": "conv",
    "recurrent": "linear", "lightning": "linear",
}


def _layer_kinds(text: dict[str, Any], layers: int | None) -> tuple[LayerKind, ...]:
    if not layers:
        return ()
    declared = text.get("layer_types") or text.get("layers_block_type") or text.get("block_types")
    if isinstance(declared, list) and len(declared) == layers and all(isinstance(x, str) for x in declared):
        return tuple(KIND_NAMES.get(x.lower(), x.lower()) for x in declared)
    if isinstance(text.get("full_attn_idxs"), list):  # LFM2: attention at these indices, convolutions elsewhere
        full = set(int_list(text["full_attn_idxs"]))
        return tuple("attention" if i in full else "conv" for i in range(layers))
    period = as_int(text.get("attn_layer_period"))
    if period:  # Jamba: one attention layer every `period`, Mamba otherwise
        offset = as_int(text.get("attn_layer_offset")) or 0
        return tuple("attention" if i % period == offset else "mamba" for i in range(layers))
    if isinstance(text.get("attn_type_list"), list) and len(text["attn_type_list"]) == layers:  # MiniMax
        return tuple("attention" if x else "linear" for x in text["attn_type_list"])
    if text.get("mamba_d_ssm") or text.get("mamba_n_heads") and text.get("model_type") == "falcon_h1":
        return ("attention+mamba",) * layers  # Falcon-H1: attention and Mamba side by side in every layer
    if str(text.get("model_type", "")).lower() in SSM_TYPES:
        return ("mamba",) * layers
    pattern = as_int(text.get("sliding_window_pattern"))
    if pattern and pattern > 1 and text.get("sliding_window"):  # Gemma 3: 5 local, 1 global
        return tuple("attention" if (i + 1) % pattern == 0 else "sliding" for i in range(layers))
    if text.get("sliding_window") and (text.get("use_sliding_window") is not False) and \
            str(text.get("model_type", "")).lower() in ("gemma2", "cohere2"):
        return tuple("sliding" if i % 2 == 0 else "attention" for i in range(layers))
    return ("attention",) * layers


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


def _norms_per_layer(text: dict[str, Any], family: str) -> int:
    if family == "gptj" or family in ("falcon", "refinedweb", "refinedwebmodel") and not text.get("n_head_kv") \
            and not text.get("new_decoder_architecture"):
        return 1  # parallel attention and MLP share one input norm
    if family in ("gemma2", "gemma3", "gemma3_text"):
        return 4  # pre- and post-norms around attention and MLP
    return 2


def _dt_rank(text: dict[str, Any], hidden: int | None) -> int | None:
    rank = text.get("mamba_dt_rank", text.get("time_step_rank"))
    if rank == "auto" and hidden:
        return -(-hidden // 16)
    return rank if isinstance(rank, int) and rank > 0 else None
