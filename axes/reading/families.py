"""Per-family layout facts, as data: what a config.json leaves out because the family's code fixes it.

One entry per transformers model_type: the class default for tied embeddings, the MLP kind (gated: gate, up and
down matrices; plain: up and down), the norm kind and how many a layer holds, which projections carry biases,
q/k norms, learned positions, and the few family-specific parts (attention sinks, shared experts, attention
experts, what a "linear" layer is). The decoder entries were drafted from the reference implementation's own
modules (tools/zoo/traits.py over each config class's defaults built on the meta device) and checked by hand;
the layouts that are not a decoder stack (SSMs, RWKV, encoder-decoders, BERT-style encoders) name their layout.

A config key always wins over the table (attention_bias, mlp_bias, tie_word_embeddings ...): the table says
only what the family does when the file is silent. A model_type missing here is counted under stated
assumptions (params_source "estimated"), never as a silent Llama guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal

from ..types import Position, Structure

MlpKind = Literal["gated", "plain", "none"]
NormKind = Literal["rms", "layer", "none"]  # weight only / weight and bias / no parameters


class Family:
    """One family's layout facts. The class attributes are the defaults (a Llama-style decoder); an entry sets
    only what differs. Read-only once built. A plain class rather than a dataclass: generating a dataclass of
    this many fields costs ~2 ms of start-up, the whole table 0.1 ms."""

    tied: bool = False  # tie_word_embeddings when the config is silent (the config class's default)
    # The class ties (True) or keeps apart (False) whatever the config says; None: the config decides.
    # transformers 5 ties T5 v1.1's head, which its checkpoints store apart: the reference count and the
    # weights' own count then differ by the head. Nemotron-H never ties.
    fixed_tie: bool | None = None
    mlp: MlpKind = "gated"
    norm: NormKind = "rms"
    layer_norms: int = 2  # norms per layer (1: parallel attention and MLP; 4: norms before and after each)
    qkv_bias: bool = False
    o_bias: bool = False
    mlp_bias: bool = False
    # per head_dim, over all heads at once (OLMo 2), or an L2 norm without weights (Llama 4): the table's value wins
    # over use_qk_norm when it is "l2"
    qk_norm: Literal["", "head", "width", "l2"] = ""
    lm_head_bias: bool = False
    learned_positions: int | None = None  # learned absolute positions: rows beyond the context (OPT keeps 2)
    embed_norm: bool = False  # a norm right after the embedding (BLOOM)
    halved_ffn: bool = False  # intermediate_size is the gate and up widths together (Griffin)
    inner: int | None = None  # MLP width as a multiple of hidden when the config leaves it null (GPT-2: 4)
    sinks: bool = False  # one learned attention sink per head
    router_bias: bool = False
    expert_bias: bool = False
    shared_mlp: bool = False  # one shared expert as wide as intermediate_size beside the routed ones
    shared_gate: bool = False  # a sigmoid gate (one row) on the shared expert
    attention_experts: bool = False  # attention projections routed to experts too (mixture of attention heads)
    gated_attention: bool = False  # the query projection also yields an output gate (twice as wide)
    mixer: str = "attention"  # the token mixer of a layer no layer-pattern key describes
    linear: str = "attention"  # what a "linear_attention" layer is in this family
    structure: Structure | None = None  # the family's design, when a config shows only part of it
    position: Position | None = None  # the position encoding the family always uses
    alternating: bool = False  # sliding-window and global layers alternate when no layer list says otherwise
    bucket_per_layer: bool = False  # T5 lineage: relative-position buckets learned in every layer (UMT5)
    nope_global: bool = False  # RoPE on the sliding-window layers only, none on the global ones
    mamba_inner_norms: bool = False  # norms on Mamba's dt, B and C (Jamba)
    stack_norm: bool = False  # seq2seq: a final norm closing the encoder and the decoder stacks
    k_bias: bool = True  # seq2seq: the key projection carries a bias like q and v (Whisper's does not)
    audio_conv: bool = False  # seq2seq: two convolutions over mel features in front of the encoder (Whisper)
    dual_sublayers: bool = False  # two attention and two dense MLP sub-blocks around one MoE block (LongCat)
    single_block: bool = False  # each layer is one block: a mixer or an MLP, never both (Nemotron-H)
    shared_layers: bool = False  # one set of layer weights applied at every depth (ALBERT)
    # BERT lineage: the parts some members add to its encoder and masked-LM head
    mlp_out_bias: bool = False  # a bias on the MLP's output projection only (GTE)
    global_projections: bool = False  # q, k and v projections of their own for global attention (Longformer, LED)
    two_d_positions: bool = False  # x, y, height and width embeddings of layout boxes (LayoutLM)
    pooler: bool = False  # the masked-LM class keeps the encoder's pooler (LayoutLM)
    language_adapters: bool = False  # a bottleneck adapter per language in every layer (X-MOD)
    cross_attention: bool = False  # every layer also attends to an image tower's output (BLIP's text decoder)
    keys: Mapping[str, str] = MappingProxyType({})  # shape field -> this family's own config key
    layout: str = "decoder"  # decoder | rwkv | t5 | seq2seq | bert | xlnet
    uncountable: str = ""  # why axes cannot count this family's layout (the count stays null, with this reason)

    def __init__(self, **fields: Any) -> None:
        for key, value in fields.items():
            if key.startswith("_") or not hasattr(Family, key):
                raise TypeError(f"Family has no field {key!r}")
            object.__setattr__(self, key, value)

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("a Family is read-only")
    defaults: Mapping[str, Any] = MappingProxyType({})  # config keys the class fills in when absent


# The post-LN lineages whose members differ in a field or two: biased attention and plain MLPs, LayerNorms.
BERT: dict[str, Any] = dict(tied=True, mlp="plain", norm="layer", qkv_bias=True, o_bias=True, mlp_bias=True,
                            layout="bert", position="absolute")
BART: dict[str, Any] = dict(tied=True, mlp="plain", norm="layer", qkv_bias=True, o_bias=True, mlp_bias=True,
                            layout="seq2seq", position="absolute")

# model_type -> the Family fields that differ from the defaults above. Plain dicts, so importing the table
# costs no dataclass construction; lookup() builds the one Family a config needs.
FAMILIES: dict[str, dict[str, Any]] = {
    "afmoe": dict(qk_norm="head", layer_norms=4, uncountable="experts and attention gates of its own kind"),
    "apertus": dict(qk_norm="head", mlp="plain"),
    "apertus1p5_text": dict(qk_norm="head", mlp="plain"),
    "arcee": dict(mlp="plain"),
    "aria_text": dict(),
    "axk1": dict(),
    "axk2": dict(uncountable="hybrid layers and experts of its own kind"),
    "bailing_hybrid": dict(uncountable="hybrid linear-attention layers of its own kind"),
    "beam": dict(qk_norm="head", layer_norms=4, uncountable="experts of its own kind"),
    "bert-generation": dict(qkv_bias=True, o_bias=True, layer_norms=1, norm="layer", lm_head_bias=True,
                              learned_positions=0, uncountable="an encoder layout beside the decoder head"),
    "biogpt": dict(tied=True, mlp="plain", norm="layer", qkv_bias=True, o_bias=True, mlp_bias=True,
                     learned_positions=2, position="absolute"),
    "bitnet": dict(),
    "bloom": dict(tied=True, mlp="plain", norm="layer", qkv_bias=True, o_bias=True, mlp_bias=True, embed_norm=True,
                    position="alibi", inner=4),
    "blt": dict(layer_norms=0, norm="none"),
    "codegen": dict(mlp="plain", norm="layer", layer_norms=1, mlp_bias=True, lm_head_bias=True, position="rope",
                      inner=4),
    "cohere": dict(tied=True, layer_norms=1),
    "cohere2": dict(tied=True, layer_norms=1, alternating=True),
    "cohere2_moe": dict(layer_norms=1, tied=True),
    "cpmant": dict(layer_norms=0, uncountable="segment and position embeddings of its own"),
    "ctrl": dict(o_bias=True, mlp="plain", mlp_bias=True, norm="layer", lm_head_bias=True, position="absolute"),
    "cwm": dict(),
    "deepseek_v2": dict(),
    "deepseek_v3": dict(),
    "deepseek_v32": dict(),
    "deepseek_v4": dict(uncountable="compressed attention and experts of its own kind"),
    "diffllama": dict(),
    "doge": dict(qk_norm="head", uncountable="dynamic-mask attention and cross-domain expert layers"),
    "dory": dict(layer_norms=0, norm="none", uncountable="layers with parts beyond attention and MLP"),
    "ernie4_5": dict(tied=True),
    "ernie4_5_moe": dict(tied=True, router_bias=True),
    "exaone": dict(),
    "exaone4": dict(qk_norm="head", nope_global=True),
    "exaone_moe": dict(qk_norm="head"),
    "falcon": dict(tied=True, mlp="plain", norm="layer", layer_norms=1, position="rope", inner=4),
    # Falcon's configs before it joined transformers (custom code) name the same layout.
    "refinedweb": dict(tied=True, mlp="plain", norm="layer", layer_norms=1, position="rope", inner=4),
    "refinedwebmodel": dict(tied=True, mlp="plain", norm="layer", layer_norms=1, position="rope", inner=4),
    "flex_olmo": dict(qk_norm="width"),
    "flint": dict(qk_norm="head"),
    "fuyu": dict(qkv_bias=True, o_bias=True, qk_norm="width", mlp="plain", mlp_bias=True, layer_norms=0, norm="none"),
    "gemma": dict(tied=True),
    "gemma2": dict(layer_norms=4, tied=True, alternating=True),
    # T5Gemma: an encoder and a decoder of Gemma 2 layers, each with its own embeddings; the decoder's layers add a
    # cross-attention block and its two norms
    "t5_gemma_module": dict(layer_norms=4, tied=True, alternating=True, layout="stacks", structure="encoder-decoder"),
    "gemma3": dict(qkv_bias=True, o_bias=True, qk_norm="width", mlp_bias=True, layer_norms=0, norm="none", tied=True),
    "gemma3_text": dict(qk_norm="head", layer_norms=4, tied=True, defaults={
        "vocab_size": 262208, "max_position_embeddings": 131072, "sliding_window_pattern": 6, "rope_theta": 1000000.0}
    ),
    "gemma3n_text": dict(qk_norm="head", layer_norms=7, tied=True,
                         uncountable="per-layer embeddings, AltUp and LAuReL blocks"),
    "git": dict(qkv_bias=True, o_bias=True, mlp="plain", mlp_bias=True, layer_norms=3, norm="layer",
                  learned_positions=0),
    "glm": dict(qkv_bias=True),
    "glm4": dict(qkv_bias=True, layer_norms=4),
    "glm4_moe": dict(),
    "glm4_moe_lite": dict(),
    "glm_moe_dsa": dict(),
    "got_ocr2": dict(qkv_bias=True, mlp_bias=True, layer_norms=0, norm="none", tied=True),
    "gpt-sw3": dict(qkv_bias=True, o_bias=True, mlp="plain", mlp_bias=True, norm="layer", tied=True,
                      learned_positions=0, inner=4, position="absolute"),
    "gpt2": dict(tied=True, mlp="plain", norm="layer", qkv_bias=True, o_bias=True, mlp_bias=True, learned_positions=0,
                   position="absolute", inner=4),
    "gpt_bigcode": dict(tied=True, mlp="plain", norm="layer", qkv_bias=True, o_bias=True, mlp_bias=True,
                          learned_positions=0, position="absolute", inner=4),
    "gpt_neo": dict(tied=True, mlp="plain", norm="layer", o_bias=True, mlp_bias=True, learned_positions=0,
                      position="absolute", inner=4),
    "gpt_neox": dict(qkv_bias=True, o_bias=True, mlp="plain", mlp_bias=True, norm="layer", position="rope"),
    "gpt_neox_japanese": dict(mlp="plain", norm="layer", tied=True, position="rope"),
    "gpt_oss": dict(qkv_bias=True, o_bias=True, sinks=True, router_bias=True, expert_bias=True),
    "gptj": dict(mlp="plain", norm="layer", layer_norms=1, mlp_bias=True, lm_head_bias=True, position="rope",
                   inner=4),
    "granite": dict(),
    "granite_swa": dict(tied=True),
    "granitemoe": dict(),
    "granitemoe_swa": dict(),
    "granitemoeshared": dict(),
    "helium": dict(),
    "hrm_text": dict(layer_norms=0, norm="none", uncountable="hierarchical recurrent modules applied in cycles"),
    "hunyuan_v1_dense": dict(qk_norm="head"),
    "hunyuan_v1_moe": dict(qk_norm="head", shared_mlp=True, structure="moe"),
    "hy_v3": dict(qk_norm="head"),
    "hy_v4": dict(uncountable="hybrid layers and experts of its own kind"),
    "hyperclovax": dict(layer_norms=4),
    "inkling2_loop_text": dict(embed_norm=True),
    "inkling2_text": dict(embed_norm=True),
    "inkling_text": dict(qk_norm="head", embed_norm=True),
    "internlm3": dict(),
    "iquestcoder": dict(),
    "jais2": dict(qkv_bias=True, o_bias=True, mlp="plain", mlp_bias=True, norm="layer"),
    "jetmoe": dict(tied=True, attention_experts=True),
    "kimi_linear": dict(linear="kda"),
    "kolibri1": dict(qk_norm="head", layer_norms=4),
    "laguna": dict(qk_norm="head"),
    "lara_mini": dict(tied=True, uncountable="experts of its own kind"),
    "lfm2": dict(tied=True, qk_norm="head", structure="hybrid", position="rope"),
    "lfm3": dict(layer_norms=4, tied=True),
    "llama": dict(position="rope"),
    # Llama 3.2 Vision's language model: Llama's layers, some of them cross-attending to the image (same shapes)
    "mllama_text_model": dict(position="rope"),
    # Llama 4's MoE layers always add one shared expert as wide as a routed one; no config key says so.
    "llama4_text": dict(qk_norm="l2", defaults={"no_rope_layer_interval": 4, "n_shared_experts": 1}),
    "longcat_flash": dict(layer_norms=4, dual_sublayers=True),
    "mellum": dict(qk_norm="head"),
    "mimo_v2_flash": dict(uncountable="experts and attention of its own kind"),
    "minicpm3": dict(tied=True),
    "minimax": dict(linear="lightning"),
    "minimax_m2": dict(qk_norm="width"),
    "minimax_m3_vl_text": dict(qk_norm="head"),
    "ministral": dict(),
    "ministral3": dict(),
    "mistral": dict(position="rope"),
    "mixtral": dict(),
    "mllama": dict(layer_norms=0, norm="none"),
    "modernbert": dict(tied=True),  # its masked-LM head (a dense layer and a norm) is under 1% of the total
    "modernbert-decoder": dict(mlp="plain", layer_norms=1,
                               uncountable="alternating local and global layers with ModernBERT's own head"),
    "moshi": dict(mlp="plain", uncountable="a depth decoder beside the temporal transformer"),
    "mpt": dict(tied=True, mlp="plain", position="alibi", inner=4),
    "nanochat": dict(mlp="plain", layer_norms=0, norm="none"),
    "nemotron": dict(mlp="plain", norm="layer"),
    "olmo": dict(norm="none", layer_norms=0),
    "olmo2": dict(qk_norm="width"),
    "olmo3": dict(qk_norm="width"),
    "olmo_hybrid": dict(linear="gated_deltanet", structure="hybrid"),
    "olmoe": dict(qk_norm="width"),
    "openai-gpt": dict(qkv_bias=True, o_bias=True, mlp="plain", mlp_bias=True, norm="layer", tied=True, inner=4,
                       learned_positions=0, position="absolute"),
    "opt": dict(tied=True, mlp="plain", norm="layer", qkv_bias=True, o_bias=True, mlp_bias=True, learned_positions=2,
                  position="absolute"),
    "persimmon": dict(qkv_bias=True, o_bias=True, qk_norm="head", mlp="plain", mlp_bias=True, norm="layer"),
    "phi": dict(qkv_bias=True, o_bias=True, mlp="plain", mlp_bias=True, layer_norms=1, norm="layer",
                  lm_head_bias=True),
    "phi3": dict(),
    "phi4_multimodal": dict(qkv_bias=True, o_bias=True, mlp_bias=True),
    "phimoe": dict(norm="layer"),
    "qwen2": dict(qkv_bias=True, position="rope"),
    "qwen2_moe": dict(qkv_bias=True, shared_gate=True),
    "qwen3": dict(qk_norm="head"),
    "qwen3_5_moe_text": dict(qk_norm="head", shared_gate=True, linear="gated_deltanet", gated_attention=True),
    "qwen3_5_text": dict(qk_norm="head", linear="gated_deltanet", gated_attention=True),
    "qwen3_moe": dict(qk_norm="head"),
    "qwen3_next": dict(qk_norm="head", shared_gate=True, linear="gated_deltanet", gated_attention=True),
    "recurrent_gemma": dict(tied=True, o_bias=True, mlp_bias=True, halved_ffn=True, linear="rglru",
                              structure="hybrid"),
    "sarvam_mla": dict(),
    "sarvam_moe": dict(qk_norm="head"),
    "seed_oss": dict(qkv_bias=True),
    "smollm3": dict(tied=True),
    "solar_open": dict(),
    "stablelm": dict(norm="layer"),
    "starcoder2": dict(qkv_bias=True, o_bias=True, mlp="plain", mlp_bias=True, norm="layer", tied=True),
    "trocr": dict(uncountable="a decoder with cross-attention to an image encoder it is paired with"),
    "vaultgemma": dict(tied=True),
    "xglm": dict(tied=True, mlp="plain", norm="layer", qkv_bias=True, o_bias=True, mlp_bias=True,
                   position="absolute"),
    "xlnet": dict(norm="layer", tied=True, mlp="plain", mlp_bias=True, position="relative", layout="xlnet",
                  keys={"intermediate": "d_inner"}),
    "xlstm": dict(structure="ssm", uncountable="mLSTM blocks with their own gates and projections"),
    "youtu": dict(tied=True),
    "zamba": dict(tied=True, structure="hybrid", uncountable="Mamba layers sharing attention blocks that "
                    "are stored once and applied at several depths: a layout axes does not model"),
    "zamba2": dict(tied=True, mixer="mamba2", layout="zamba2", structure="hybrid"),
    "zaya": dict(norm="layer", tied=True),
    "bamba": dict(mixer="mamba2", structure="hybrid"),
    "granitemoehybrid": dict(linear="mamba2", structure="hybrid"),
    # Language models inside image-text models, drafted from their composite classes the same way.
    "cosmos3_edge_text": dict(mlp="plain"),
    "qwen3_vl_text": dict(qk_norm="head"),
    "glm4v_text": dict(qkv_bias=True, layer_norms=4),
    "glm4v_moe_text": dict(qkv_bias=True),
    "glm5_next_text": dict(),
    "hunyuan_vl_text": dict(qk_norm="head", tied=True),
    "mistral_large4_text": dict(),
    "molmo2_text": dict(qk_norm="head"),
    "paddleocr_vl_text": dict(tied=True),
    "qwen2_5_omni_text": dict(qkv_bias=True),
    "qwen2_5_vl_text": dict(qkv_bias=True),
    "qwen2_vl_text": dict(qkv_bias=True),
    "qwen3_omni_moe_text": dict(qk_norm="head"),
    "qwen3_vl_moe_text": dict(qk_norm="head"),
    "step3p5": dict(qk_norm="head"),
    "dbrx": dict(position="rope"),  # its settings nested in attn_config / ffn_config; LayerNorms without bias
    # Families whose code ships with the checkpoint (trust_remote_code), written from that code by hand.
    "chatglm": dict(qkv_bias=True, position="rope",
                    keys={"vocab": "padded_vocab_size", "intermediate": "ffn_hidden_size", "context": "seq_length"}),
    "qwen": dict(qkv_bias=True, halved_ffn=True, position="rope", keys={"context": "seq_length"}),
    "internlm": dict(qkv_bias=True, o_bias=True, position="rope"),
    "internlm2": dict(position="rope"),
    "baichuan": dict(),
    "yi": dict(position="rope"),
    # Layouts that are not a plain decoder stack, written from the reference implementation by hand.
    "mamba": dict(tied=True, mlp="none", layer_norms=1, mixer="mamba", structure="ssm"),
    "falcon_mamba": dict(tied=True, mlp="none", layer_norms=1, mixer="mamba", structure="ssm"),
    "mamba2": dict(mlp="none", layer_norms=1, mixer="mamba2", structure="ssm"),
    "rwkv": dict(norm="layer", layout="rwkv", structure="ssm"),
    "jamba": dict(mixer="mamba", mamba_inner_norms=True, structure="hybrid", position="nope"),
    "falcon_h1": dict(mixer="attention+mamba", structure="hybrid", position="rope"),
    "nemotron_h": dict(mlp="plain", layer_norms=1, mixer="mamba2", linear="mamba2", single_block=True, fixed_tie=False,
                         structure="hybrid"),
    "t5": dict(tied=True, mlp="plain", layout="t5", position="relative", fixed_tie=True),
    "mt5": dict(mlp="gated", layout="t5", position="relative", fixed_tie=True),
    "umt5": dict(mlp="gated", bucket_per_layer=True, layout="t5", position="relative", fixed_tie=True),
    "longt5": dict(mlp="plain", layout="t5", position="relative", fixed_tie=True),
    "switch_transformers": dict(tied=True, mlp="plain", layout="t5", position="relative", fixed_tie=True),
    "bart": {**BART, "learned_positions": 2, "embed_norm": True},
    "mbart": {**BART, "learned_positions": 2, "embed_norm": True, "stack_norm": True},
    "plbart": {**BART, "learned_positions": 2, "embed_norm": True},
    "mvp": {**BART, "learned_positions": 2, "embed_norm": True},
    "marian": {**BART, "learned_positions": 0},
    "pegasus": {**BART, "learned_positions": 0, "stack_norm": True},
    "blenderbot": {**BART, "learned_positions": 0, "stack_norm": True},
    "led": {**BART, "learned_positions": 0, "embed_norm": True, "global_projections": True},
    "m2m_100": {**BART, "stack_norm": True},  # sinusoidal positions: no parameters
    "whisper": {**BART, "stack_norm": True, "k_bias": False, "audio_conv": True},
    "bert": BERT,
    "roberta": BERT,
    "xlm-roberta": BERT,
    "camembert": BERT,
    "electra": BERT,
    "data2vec-text": BERT,
    "ernie": BERT,
    "albert": {**BERT, "shared_layers": True},
    "distilbert": {**BERT, "defaults": {"type_vocab_size": 0}, "keys": {"hidden": "dim", "intermediate": "hidden_dim"}},
    "longformer": {**BERT, "global_projections": True},
    "layoutlm": {**BERT, "two_d_positions": True, "pooler": True, "defaults": {"max_2d_position_embeddings": 1024}},
    "xmod": {**BERT, "language_adapters": True, "defaults": {"adapter_reduction_factor": 2, "languages": ["en_XX"]}},
    "rembert": BERT,  # narrow input embeddings projected up, a wider head than either (input/output_embedding_size)
    "tapas": BERT,  # token types of several kinds (type_vocab_sizes)
    "blip_text_model": {**BERT, "cross_attention": True, "structure": "dense", "defaults": {"type_vocab_size": 0}},
    "roc_bert": {**BERT, "defaults": {"enable_shape": True, "shape_vocab_size": 24858, "shape_embed_dim": 512,  # glyph
                                      "enable_pronunciation": True, "pronunciation_vocab_size": 910,
                                      "pronunciation_embed_dim": 768, "concat_input": True}},
    "nomic_bert": {**BERT, "qkv_bias": False, "o_bias": False, "mlp": "gated", "mlp_bias": False, "position": "rope"},
    "gte": {**BERT, "mlp": "gated", "mlp_bias": False, "mlp_out_bias": True, "position": "rope"},
}


# Image-text and speech-text classes that tie the output head by their language model's config, not their own
# (the reference implementation's tying, read off each class): where both configs say, the language model's wins.
TIED_BY_LANGUAGE_MODEL = frozenset({
    "mllama", "blip", "qwen2_audio", "voxtral", "audioflamingo3", "musicflamingo", "cosmos3_edge", "blip-2",
    "instructblip", "instructblipvideo", "paddleocr_vl", "hunyuan_vl", "shieldgemma2", "molmo2", "kosmos-2",
    "kosmos-2.5",
})


# For a model_type not in the table: the lineage its config's own keys mark, with what that assumes. A BERT-style
# encoder keeps token-type embeddings (`type_vocab_size`); a BART-style encoder-decoder sizes two stacks by
# `encoder_layers` and `decoder_layers` over one `d_model`.
LINEAGE_MARKS: tuple[tuple[tuple[str, ...], dict[str, Any], str], ...] = (
    (("type_vocab_size",), BERT, "a BERT-style encoder (post-norm, biases, LayerNorms), as type_vocab_size implies"),
    (("encoder_layers", "decoder_layers", "d_model"), {**BART, "learned_positions": 0},
     "a BART-style encoder-decoder (biases, LayerNorms, positions without weights), as its two stacks imply"),
)


def assumed_lineage(config: Mapping[str, Any], assumptions: list[str]) -> Family | None:
    """The lineage an unknown model_type's keys mark (its assumption appended to `assumptions`), or None."""
    for keys, fields, assumption in LINEAGE_MARKS:
        if all(config.get(key) is not None for key in keys):
            assumptions.append(assumption)
            return Family(**fields)
    return None


@lru_cache(maxsize=64)
def lookup(model_type: str) -> Family | None:
    """The layout facts of a model_type, or None for a family axes has no entry for."""
    fields = FAMILIES.get(model_type)
    return None if fields is None else Family(**fields)
