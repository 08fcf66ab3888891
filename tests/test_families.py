"""Parameter counts per architecture family, from small configs written for these tests.

The expected totals and active counts are exact: each config was given to the reference implementation's own
model class (transformers 5.24, built on the meta device, unique parameters; tools/zoo/build.py counts the same
way), so a miss here is a layout axes reads wrongly, not a rounding.
"""

from __future__ import annotations

import json

import pytest

from axes.reading import read
from axes.types import Snapshot


def facts(config: dict):
    snap = Snapshot(target="t", source="local", files={"config.json": json.dumps(config)})
    return read(snap).backbone


CASES = [
    # Zamba 2: a Mamba-2 block per layer, two shared transformer blocks taking turns at the hybrid layers,
    # each with per-layer adapters
    (
        "zamba2",
        {
            "architectures": ["Zamba2ForCausalLM"],
            "model_type": "zamba2",
            "hidden_size": 64,
            "num_hidden_layers": 6,
            "layers_block_type": ["mamba", "hybrid", "mamba", "hybrid", "mamba", "hybrid"],
            "hybrid_layer_ids": [1, 3, 5],
            "mamba_d_state": 16,
            "mamba_d_conv": 4,
            "mamba_expand": 2,
            "mamba_ngroups": 1,
            "n_mamba_heads": 4,
            "mamba_headdim": 32,
            "intermediate_size": 128,
            "num_attention_heads": 4,
            "num_key_value_heads": 4,
            "attention_head_dim": 32,
            "num_mem_blocks": 2,
            "adapter_rank": 8,
            "use_shared_attention_adapter": True,
            "vocab_size": 300,
            "tie_word_embeddings": True,
        },
        389192,
        389192,
        "hybrid",
    ),
    # DBRX: attention and feed-forward settings nested in attn_config / ffn_config
    (
        "dbrx",
        {
            "architectures": ["DbrxForCausalLM"],
            "model_type": "dbrx",
            "d_model": 256,
            "n_heads": 8,
            "n_layers": 2,
            "max_seq_len": 512,
            "vocab_size": 1000,
            "attn_config": {"kv_n_heads": 2, "rope_theta": 500000},
            "ffn_config": {"ffn_hidden_size": 512, "moe_num_experts": 4, "moe_top_k": 2},
            "tie_word_embeddings": False,
        },
        3988736,
        2415872,
        "moe",
    ),
    # Mamba 1: no attention, no MLP, one norm per layer
    (
        "mamba",
        {
            "architectures": ["MambaForCausalLM"],
            "model_type": "mamba",
            "hidden_size": 96,
            "num_hidden_layers": 3,
            "state_size": 8,
            "expand": 2,
            "conv_kernel": 4,
            "vocab_size": 500,
            "time_step_rank": 6,
            "tie_word_embeddings": True,
        },
        239040,
        239040,
        "ssm",
    ),
    # Mamba 2: heads, groups and a gated norm
    (
        "mamba2",
        {
            "architectures": ["Mamba2ForCausalLM"],
            "model_type": "mamba2",
            "hidden_size": 128,
            "num_hidden_layers": 2,
            "num_heads": 8,
            "head_dim": 32,
            "n_groups": 2,
            "state_size": 16,
            "expand": 2,
            "conv_kernel": 4,
            "vocab_size": 300,
            "tie_word_embeddings": False,
        },
        295984,
        295984,
        "ssm",
    ),
    # RWKV: time and channel mixing, LayerNorms
    (
        "rwkv",
        {
            "architectures": ["RwkvForCausalLM"],
            "model_type": "rwkv",
            "hidden_size": 64,
            "num_hidden_layers": 3,
            "attention_hidden_size": 64,
            "intermediate_size": 256,
            "vocab_size": 400,
            "tie_word_embeddings": False,
        },
        213312,
        213312,
        "ssm",
    ),
    # T5 v1.1: gated MLP, two stacks, untied head
    (
        "t5-gated",
        {
            "architectures": ["T5ForConditionalGeneration"],
            "model_type": "t5",
            "d_model": 64,
            "d_kv": 16,
            "d_ff": 160,
            "num_layers": 2,
            "num_decoder_layers": 3,
            "num_heads": 4,
            "vocab_size": 300,
            "feed_forward_proj": "gated-gelu",
            "tie_word_embeddings": False,
        },
        305088,
        305088,
        "encoder-decoder",
    ),
    # BART: learned positions with an offset of 2, embedding norms
    (
        "bart",
        {
            "architectures": ["BartForConditionalGeneration"],
            "model_type": "bart",
            "d_model": 64,
            "encoder_layers": 2,
            "decoder_layers": 2,
            "encoder_ffn_dim": 128,
            "decoder_ffn_dim": 128,
            "encoder_attention_heads": 4,
            "decoder_attention_heads": 4,
            "vocab_size": 500,
            "max_position_embeddings": 128,
        },
        216320,
        216320,
        "encoder-decoder",
    ),
    # Whisper: convolutions over mel features, no key bias
    (
        "whisper",
        {
            "architectures": ["WhisperForConditionalGeneration"],
            "model_type": "whisper",
            "d_model": 64,
            "encoder_layers": 2,
            "decoder_layers": 2,
            "encoder_ffn_dim": 128,
            "decoder_ffn_dim": 128,
            "encoder_attention_heads": 4,
            "decoder_attention_heads": 4,
            "vocab_size": 500,
            "pad_token_id": 1,
            "bos_token_id": 0,
            "eos_token_id": 2,
            "decoder_start_token_id": 3,
            "num_mel_bins": 40,
            "max_source_positions": 100,
            "max_target_positions": 64,
        },
        229888,
        229888,
        "encoder-decoder",
    ),
    # BERT: token types and the masked-LM head
    (
        "bert",
        {
            "architectures": ["BertForMaskedLM"],
            "model_type": "bert",
            "hidden_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "intermediate_size": 128,
            "vocab_size": 500,
            "max_position_embeddings": 128,
            "type_vocab_size": 2,
        },
        112180,
        112180,
        "encoder",
    ),
    # DistilBERT: its own key names (dim, hidden_dim), no token types
    (
        "distilbert",
        {
            "architectures": ["DistilBertForMaskedLM"],
            "model_type": "distilbert",
            "dim": 64,
            "n_layers": 2,
            "n_heads": 4,
            "hidden_dim": 128,
            "vocab_size": 500,
            "max_position_embeddings": 128,
        },
        112052,
        112052,
        "encoder",
    ),
    # gated DeltaNet linear layers, gated attention, shared expert with its gate
    (
        "qwen3-next",
        {
            "architectures": ["Qwen3NextForCausalLM"],
            "model_type": "qwen3_next",
            "hidden_size": 64,
            "num_hidden_layers": 4,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 16,
            "intermediate_size": 128,
            "moe_intermediate_size": 32,
            "shared_expert_intermediate_size": 48,
            "num_experts": 8,
            "num_experts_per_tok": 2,
            "vocab_size": 300,
            "linear_num_key_heads": 2,
            "linear_key_head_dim": 16,
            "linear_num_value_heads": 4,
            "linear_value_head_dim": 16,
            "linear_conv_kernel_dim": 4,
            "layer_types": ["linear_attention", "linear_attention", "linear_attention", "full_attention"],
            "tie_word_embeddings": False,
        },
        343464,
        196008,
        "hybrid",
    ),
    # attention experts as well as MLP experts
    (
        "jetmoe",
        {
            "architectures": ["JetMoeForCausalLM"],
            "model_type": "jetmoe",
            "hidden_size": 64,
            "num_hidden_layers": 2,
            "num_key_value_heads": 2,
            "kv_channels": 16,
            "intermediate_size": 96,
            "num_local_experts": 4,
            "num_experts_per_tok": 2,
            "vocab_size": 300,
            "num_attention_heads": 4,
        },
        209216,
        118784,
        "moe",
    ),
    # one block per layer: Mamba-2, attention, MoE or MLP
    (
        "nemotron-h",
        {
            "architectures": ["NemotronHForCausalLM"],
            "model_type": "nemotron_h",
            "hidden_size": 64,
            "layers_block_type": ["mamba", "moe", "attention", "mlp"],
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 16,
            "intermediate_size": 128,
            "mamba_num_heads": 8,
            "mamba_head_dim": 16,
            "n_groups": 2,
            "ssm_state_size": 16,
            "conv_kernel": 4,
            "n_routed_experts": 4,
            "n_shared_experts": 1,
            "moe_intermediate_size": 32,
            "moe_shared_expert_intermediate_size": 48,
            "num_experts_per_tok": 2,
            "vocab_size": 300,
            "tie_word_embeddings": False,
        },
        120472,
        112280,
        "hybrid",
    ),
    # Griffin: a repeating recurrent-recurrent-attention block
    (
        "recurrent-gemma",
        {
            "architectures": ["RecurrentGemmaForCausalLM"],
            "model_type": "recurrent_gemma",
            "hidden_size": 64,
            "num_hidden_layers": 3,
            "num_attention_heads": 4,
            "num_key_value_heads": 1,
            "head_dim": 16,
            "intermediate_size": 192,
            "lru_width": 64,
            "conv1d_width": 4,
            "vocab_size": 300,
            "block_types": ["recurrent", "recurrent", "attention"],
        },
        116096,
        116096,
        "hybrid",
    ),
    # multi_query wins over num_kv_heads
    (
        "falcon-mqa",
        {
            "architectures": ["FalconForCausalLM"],
            "model_type": "falcon",
            "hidden_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_kv_heads": 4,
            "multi_query": True,
            "parallel_attn": True,
            "new_decoder_architecture": False,
            "ffn_hidden_size": 256,
            "vocab_size": 300,
            "bias": False,
        },
        105600,
        105600,
        "dense",
    ),
    # a squared-ReLU MLP has two matrices
    (
        "arcee-relu2",
        {
            "architectures": ["ArceeForCausalLM"],
            "model_type": "arcee",
            "hidden_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "intermediate_size": 160,
            "vocab_size": 300,
            "tie_word_embeddings": False,
        },
        104256,
        104256,
        "dense",
    ),
    # MoE layers from a start/end index
    (
        "ernie-moe-range",
        {
            "architectures": ["Ernie4_5_MoeForCausalLM"],
            "model_type": "ernie4_5_moe",
            "hidden_size": 64,
            "num_hidden_layers": 4,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "intermediate_size": 128,
            "moe_intermediate_size": 32,
            "moe_num_experts": 8,
            "moe_k": 2,
            "moe_num_shared_experts": 1,
            "moe_layer_start_index": 1,
            "moe_layer_end_index": 2,
            "moe_layer_interval": 1,
            "vocab_size": 300,
            "tie_word_embeddings": True,
        },
        229712,
        155984,
        "moe",
    ),
    # attention_bias on q/k/v, attention_out_bias off for o
    (
        "seed-oss-biases",
        {
            "architectures": ["SeedOssForCausalLM"],
            "model_type": "seed_oss",
            "hidden_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 16,
            "intermediate_size": 128,
            "vocab_size": 300,
            "attention_bias": True,
            "attention_out_bias": False,
            "tie_word_embeddings": False,
        },
        112704,
        112704,
        "dense",
    ),
    # no tie_word_embeddings key: the family ties
    (
        "gemma2-tied-default",
        {
            "architectures": ["Gemma2ForCausalLM"],
            "model_type": "gemma2",
            "hidden_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 16,
            "intermediate_size": 128,
            "vocab_size": 300,
        },
        93504,
        93504,
        "dense",
    ),
    # a shared MLP as wide as intermediate_size beside the experts
    (
        "hunyuan-moe-shared",
        {
            "architectures": ["HunYuanMoEV1ForCausalLM"],
            "model_type": "hunyuan_v1_moe",
            "hidden_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 16,
            "intermediate_size": 96,
            "num_experts": 4,
            "moe_topk": 2,
            "vocab_size": 300,
            "tie_word_embeddings": False,
        },
        248192,
        174464,
        "moe",
    ),
]


@pytest.mark.parametrize("name,config,total,active,structure", CASES, ids=[c[0] for c in CASES])
def test_family_counts_are_exact(name, config, total, active, structure):
    backbone = facts(config)
    f = backbone.facts
    assert (f.total_params, f.active_params) == (total, active), backbone.notes
    assert f.structure == structure and f.params_source == "computed"


UNKNOWN = {
    "model_type": "someone_new",
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "intermediate_size": 128,
    "vocab_size": 300,
}


def test_an_unknown_family_is_an_estimate_with_its_assumptions_stated():
    backbone = facts(UNKNOWN | {"hidden_act": "silu"})
    f = backbone.facts
    assert f.params_source == "estimated" and f.total_params
    note = next(n for n in backbone.notes if n.startswith("estimated"))
    assert "someone_new" in note and "gated MLP, as silu implies" in note and "separate output head" in note


def test_an_unknown_family_reads_its_mlp_from_the_activation():
    gated = facts(UNKNOWN | {"hidden_act": "silu"}).facts.total_params
    plain = facts(UNKNOWN | {"hidden_act": "relu2"}).facts.total_params
    assert gated - plain == 2 * 64 * 128  # one matrix fewer per layer


@pytest.mark.parametrize("model_type", ["zamba", "gemma3n_text", "xlstm"])
def test_a_layout_axes_does_not_model_is_null_with_its_reason(model_type):
    backbone = facts(UNKNOWN | {"model_type": model_type})
    assert backbone.facts.total_params is None and backbone.facts.params_source is None
    assert any(f"not computed for {model_type}" in n and "does not model" in n for n in backbone.notes)


def test_a_vision_tower_without_a_vits_dimensions_makes_the_total_null_not_low():
    config = UNKNOWN | {"model_type": "llama", "vision_config": {"model_type": "some_vit", "width": 32}}
    backbone = facts(config)
    assert backbone.facts.total_params is None
    assert any("vision tower (some_vit)" in n for n in backbone.notes)


VIT = {"hidden_size": 32, "num_hidden_layers": 2, "intermediate_size": 64, "patch_size": 4, "image_size": 16}


def test_an_unknown_vit_tower_is_counted_as_siglip_and_the_count_is_an_estimate():
    known = facts(UNKNOWN | {"model_type": "llama", "vision_config": VIT | {"model_type": "siglip_vision_model"}})
    unknown = facts(UNKNOWN | {"model_type": "llama", "vision_config": VIT | {"model_type": "heron_vision"}})
    assert known.facts.params_source == "computed"
    assert unknown.facts.total_params == known.facts.total_params  # the same arithmetic, said to be assumed
    assert unknown.facts.params_source == "estimated"
    assert any("vision tower (heron_vision)" in n and "SigLIP-style ViT" in n for n in unknown.notes)


BERT_LIKE = {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 256,
             "vocab_size": 300, "max_position_embeddings": 128, "hidden_act": "gelu", "layer_norm_eps": 1e-12}


def test_an_unknown_encoder_with_token_types_is_estimated_as_bert():
    bert = facts(BERT_LIKE | {"model_type": "bert", "type_vocab_size": 2}).facts
    unknown = facts(BERT_LIKE | {"model_type": "heron_encoder", "type_vocab_size": 2})
    assert bert.params_source == "computed"
    assert unknown.facts.total_params == bert.total_params and unknown.facts.params_source == "estimated"
    assert any("BERT-style encoder" in n and "type_vocab_size" in n for n in unknown.notes)
    # without the mark, the same keys are no encoder: a decoder is assumed, as before
    assert facts(BERT_LIKE | {"model_type": "heron_encoder"}).facts.total_params != bert.total_params


# Members of the BERT lineage and what each adds (reference counts of their masked-LM classes, transformers 5.24):
# global-attention projections, layout-box embeddings and the pooler, language adapters, a narrow input and a wide
# output embedding, token types of several kinds, glyph and pronunciation embeddings, rotary positions with a
# gated MLP (without biases; with the output projection's bias only).
@pytest.mark.parametrize("model_type,extra,total", [
    ("longformer", {"type_vocab_size": 2, "attention_window": [8, 8]}, 157_164),
    ("layoutlm", {"type_vocab_size": 2, "max_2d_position_embeddings": 64}, 152_748),
    ("xmod", {"type_vocab_size": 2, "languages": ["en_XX", "de_DE"], "adapter_reduction_factor": 4}, 140_716),
    ("rembert", {"type_vocab_size": 2, "input_embedding_size": 16, "output_embedding_size": 96,
                 "tie_word_embeddings": False}, 143_500),
    ("tapas", {"type_vocab_sizes": [3, 16, 16, 2, 16, 16, 10]}, 137_132),
    ("roc_bert", {"type_vocab_size": 2, "pronunciation_vocab_size": 50, "pronunciation_embed_dim": 32,
                  "shape_vocab_size": 70, "shape_embed_dim": 16}, 142_156),
    ("nomic_bert", {"type_vocab_size": 2, "hidden_act": "silu", "head_dim": 16}, 155_628),
    ("gte", {"type_vocab_size": 1, "tie_word_embeddings": True}, 156_204),
])
def test_a_bert_lineage_member_is_counted_with_what_it_adds(model_type, extra, total):
    f = facts(BERT_LIKE | {"model_type": model_type} | extra).facts
    assert (f.total_params, f.params_source) == (total, "computed")


LLAVA_TEXT = {"model_type": "llama", "vocab_size": 300, "hidden_size": 64, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128,
              "tie_word_embeddings": False}
CLIP_TOWER = {"model_type": "clip_vision_model", "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
              "intermediate_size": 64, "patch_size": 4, "image_size": 16, "projection_dim": 16}


# LLaVA's two-layer projector from a CLIP tower (its class token and pre-norm), from two of its layers at once;
# LLaVA-NeXT's row between tiles; Video-LLaVA's image and video towers; ViP-LLaVA's norm before the projector.
@pytest.mark.parametrize("model_type,extra,total", [
    ("llava", {"vision_feature_layer": [-1, -2]}, 140_096),
    ("llava_next", {}, 138_112),
    ("video_llava", {}, 157_376),
    ("vipllava", {"vision_feature_layer": [-1, -2]}, 140_224),
])
def test_a_llava_style_projector_and_its_towers_are_counted(model_type, extra, total):
    config = {"model_type": model_type, "text_config": LLAVA_TEXT, "vision_config": CLIP_TOWER} | extra
    assert facts(config).facts.total_params == total


def test_led_is_bart_with_longformer_attention_in_its_encoder_and_a_position_table_per_stack():
    config = {"model_type": "led", "is_encoder_decoder": True, "vocab_size": 300, "d_model": 64, "encoder_layers": 2,
              "decoder_layers": 1, "encoder_ffn_dim": 128, "decoder_ffn_dim": 96, "encoder_attention_heads": 4,
              "decoder_attention_heads": 4, "max_encoder_position_embeddings": 256,
              "max_decoder_position_embeddings": 64, "attention_window": [8, 8], "tie_word_embeddings": True}
    assert facts(config).facts.total_params == 177_952  # LEDForConditionalGeneration, transformers 5.24


def test_xlnets_two_stream_relative_attention_is_counted():
    config = {"model_type": "xlnet", "vocab_size": 300, "d_model": 64, "n_layer": 2, "n_head": 4, "d_inner": 96}
    f = facts(config).facts
    assert (f.total_params, f.attention) == (86_572, "MHA")  # XLNetLMHeadModel, transformers 5.24


def test_blip_captioning_is_a_vit_and_a_bert_decoder_cross_attending_to_it():
    text = {"model_type": "blip_text_model", "vocab_size": 300, "hidden_size": 64, "encoder_hidden_size": 32,
            "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "max_position_embeddings": 128}
    vision = {"model_type": "blip_vision_model", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
              "num_attention_heads": 2, "image_size": 16, "patch_size": 4}
    # the class ties the head by the text decoder's config, whatever the top-level config says
    for tie in (True, False):
        config = {"model_type": "blip", "text_config": text, "vision_config": vision, "tie_word_embeddings": tie}
        f = facts(config).facts
        assert (f.total_params, f.params_source, f.structure) == (143_692, "computed", "dense")  # transformers 5.24


def test_an_unknown_model_with_two_stacks_is_estimated_as_bart():
    seq2seq = {"d_model": 64, "encoder_layers": 2, "decoder_layers": 2, "encoder_attention_heads": 4,
               "decoder_attention_heads": 4, "encoder_ffn_dim": 128, "decoder_ffn_dim": 128, "vocab_size": 300,
               "max_position_embeddings": 64, "is_encoder_decoder": True}
    marian = facts(seq2seq | {"model_type": "marian"}).facts
    unknown = facts(seq2seq | {"model_type": "heron_translate"})
    assert unknown.facts.total_params == marian.total_params and unknown.facts.params_source == "estimated"
    assert any("BART-style encoder-decoder" in n for n in unknown.notes)


def test_a_qwen_vl_style_vision_tower_is_counted():
    tower = {
        "model_type": "qwen2_vl_vision",
        "depth": 2,
        "embed_dim": 32,
        "hidden_size": 64,
        "mlp_ratio": 4,
        "num_heads": 4,
        "in_channels": 3,
        "patch_size": 14,
        "spatial_merge_size": 2,
        "temporal_patch_size": 2,
    }
    text = facts(UNKNOWN | {"model_type": "qwen2"}).facts.total_params
    with_tower = facts(UNKNOWN | {"model_type": "qwen2", "vision_config": tower}).facts.total_params
    patches = 3 * 2 * 14 * 14 * 32
    block = 4 * 32 * 32 + 4 * 32 + 2 * 32 * 128 + 128 + 32 + 2 * 2 * 32
    merger = 2 * 32 + 128 * 128 + 128 + 128 * 64 + 64
    assert with_tower - text == patches + 2 * block + merger


@pytest.mark.parametrize("names,structure,pattern", [
    # attention with a token selector, or over compressed keys, is attention: no hybrid
    (["indexed_attention"] * 4, "dense", "global"),
    (["compressed_sparse_attention", "heavily_compressed_attention"] * 2, "dense", "global"),
    (["reference_sliding_attention", "full_attention"] * 2, "dense", "global+sliding"),
    # a linear-attention layer among them is what makes a hybrid
    (["indexed_attention", "indexed_attention", "indexed_attention", "linear_attention"], "hybrid", "hybrid-linear"),
])
def test_a_new_layer_type_name_is_read_by_what_it_says(names, structure, pattern):
    f = facts(UNKNOWN | {"model_type": "llama", "num_hidden_layers": 4, "layer_types": names}).facts
    assert (f.structure, f.attention_pattern) == (structure, pattern)


# Llama 3.2 Vision's layout, small: the reference implementation's count of the whole model (transformers 5.24,
# MllamaForConditionalGeneration on the meta device) is 278,185.
TILED = {'model_type': 'mllama',
        'architectures': ['MllamaForConditionalGeneration'],
        'text_config': {'model_type': 'mllama_text_model',
                        'vocab_size': 300,
                        'hidden_size': 64,
                        'num_hidden_layers': 5,
                        'num_attention_heads': 4,
                        'num_key_value_heads': 2,
                        'intermediate_size': 128,
                        'cross_attention_layers': [1, 3],
                        'hidden_act': 'silu',
                        'rms_norm_eps': 1e-05,
                        'tie_word_embeddings': False,
                        'max_position_embeddings': 256,
                        'pad_token_id': 0,
                        'bos_token_id': 1,
                        'eos_token_id': 2},
        'vision_config': {'model_type': 'mllama_vision_model',
                          'hidden_size': 32,
                          'num_hidden_layers': 2,
                          'num_global_layers': 1,
                          'attention_heads': 4,
                          'num_channels': 3,
                          'intermediate_size': 64,
                          'vision_output_dim': 96,
                          'image_size': 28,
                          'patch_size': 14,
                          'max_num_tiles': 4,
                          'intermediate_layers_indices': [0, 1],
                          'supported_aspect_ratios': [[1, 1], [1, 2], [2, 1]]}}


def test_a_tiled_vits_cross_attention_layers_add_their_norms_and_gates():
    f = facts(TILED).facts
    no_cross = TILED | {"text_config": TILED["text_config"] | {"cross_attention_layers": []}}
    assert f.total_params - facts(no_cross).facts.total_params == 2 * (2 * 16 + 2)  # q/k norms and two gates each


@pytest.mark.parametrize("kind", ["qwen3_5_vision", "qwen3_5_moe_vision"])
def test_qwen3_5_towers_are_qwen3_vl_towers(kind):
    tower = {"depth": 2, "hidden_size": 32, "intermediate_size": 64, "num_heads": 4, "in_channels": 3, "patch_size": 16,
             "spatial_merge_size": 2, "temporal_patch_size": 2, "out_hidden_size": 64, "num_position_embeddings": 16}
    def total(model_type):
        return facts(UNKNOWN | {"model_type": "qwen3", "vision_config": tower | {"model_type": model_type}}).facts
    assert total(kind).total_params == total("qwen3_vl_vision").total_params
    assert total(kind).params_source == "computed"


# The language model of the small image-text layouts below.
SMALL_TEXT = {"vocab_size": 300, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
              "num_key_value_heads": 2, "intermediate_size": 128, "tie_word_embeddings": False}


# InternVL's layout, small, with q/k norms, biased q/k/v and a final norm: the reference implementation's count
# (transformers 5.24, InternVLForConditionalGeneration on the meta device) is 161,824.
INTERN = {'model_type': 'internvl',
         'architectures': ['InternVLForConditionalGeneration'],
         'downsample_ratio': 0.5,
         'tie_word_embeddings': False,
         'text_config': SMALL_TEXT | {'model_type': 'qwen2'},
         'vision_config': {'model_type': 'internvl_vision',
                           'hidden_size': 32,
                           'num_hidden_layers': 2,
                           'num_attention_heads': 4,
                           'intermediate_size': 64,
                           'image_size': [28, 28],
                           'patch_size': [14, 14],
                           'num_channels': 3,
                           'attention_bias': True,
                           'use_qk_norm': True,
                           'norm_type': 'layer_norm',
                           'use_mean_pooling': False}}


# GLM-4V's layout, small, with a biased qkv: the reference implementation's count (transformers 5.24,
# Glm4vForConditionalGeneration on the meta device) is 202,912.
GLM4V = {'model_type': 'glm4v',
         'architectures': ['Glm4vForConditionalGeneration'],
         'tie_word_embeddings': False,
         'text_config': {'hidden_act': 'silu',
                         'rms_norm_eps': 1e-05,
                         'rope_parameters': {'rope_theta': 10000.0, 'rope_type': 'default'},
                         'model_type': 'glm4v_text',
                         'vocab_size': 300,
                         'hidden_size': 64,
                         'num_hidden_layers': 2,
                         'num_attention_heads': 4,
                         'num_key_value_heads': 2,
                         'intermediate_size': 128,
                         'max_position_embeddings': 256},
         'vision_config': {'model_type': 'glm4v_vision',
                           'depth': 2,
                           'hidden_size': 32,
                           'num_heads': 4,
                           'in_channels': 3,
                           'image_size': 56,
                           'patch_size': 14,
                           'spatial_merge_size': 2,
                           'temporal_patch_size': 2,
                           'out_hidden_size': 64,
                           'intermediate_size': 96,
                           'attention_bias': True,
                           'hidden_act': 'silu'}}


def test_grouped_kv_heads_in_a_qwen_vl_style_tower_shrink_its_qkv():
    tower = {"depth": 2, "hidden_size": 32, "intermediate_size": 48, "num_heads": 4, "in_channels": 3, "patch_size": 14,
             "spatial_merge_size": 2, "temporal_patch_size": 2, "out_hidden_size": 64, "model_type": "exaone4_5_vision"}
    def total(extra):
        return facts(UNKNOWN | {"model_type": "llama", "vision_config": tower | extra}).facts.total_params
    full, grouped = total({}), total({"num_key_value_heads": 2})
    # K and V at half width: per layer, 2 x (32 x 16 + 16) fewer weights than full-width K and V
    assert full - grouped == 2 * 2 * (32 * 16 + 16)


# Qwen2.5-Omni's thinker, small: a Qwen2.5-VL tower and an audio encoder with sinusoidal positions and learned
# start/end embeddings; the reference implementation's count (transformers 5.24, on the meta device) is 217,184.
OMNI = {'model_type': 'qwen2_5_omni_thinker',
        'architectures': ['Qwen2_5OmniThinkerForConditionalGeneration'],
        'text_config': SMALL_TEXT | {'model_type': 'qwen2_5_omni_text'},
        'vision_config': {'model_type': 'qwen2_5_omni_vision_encoder',
                          'depth': 2,
                          'hidden_size': 32,
                          'intermediate_size': 48,
                          'num_heads': 4,
                          'in_channels': 3,
                          'patch_size': 14,
                          'spatial_merge_size': 2,
                          'temporal_patch_size': 2,
                          'out_hidden_size': 64,
                          'fullatt_block_indexes': [1],
                          'window_size': 112},
        'audio_config': {'model_type': 'qwen2_5_omni_audio_encoder',
                         'num_mel_bins': 16,
                         'encoder_layers': 2,
                         'encoder_attention_heads': 4,
                         'encoder_ffn_dim': 64,
                         'd_model': 32,
                         'max_source_positions': 100,
                         'n_window': 10,
                         'output_dim': 64}}


# T5Gemma's layout, small (a 3-layer encoder, a 2-layer decoder): the reference implementation's count
# (transformers 5.24, T5GemmaForConditionalGeneration on the meta device) is 248,960 tied, 268,160 untied.
STACK = {"model_type": "t5_gemma_module", "vocab_size": 300, "hidden_size": 64, "intermediate_size": 128,
         "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
         "hidden_activation": "gelu_pytorch_tanh", "sliding_window": 32, "max_position_embeddings": 256,
         "query_pre_attn_scalar": 16, "pad_token_id": 0, "eos_token_id": 1, "bos_token_id": 2}
TWO_STACKS = {"model_type": "t5gemma", "architectures": ["T5GemmaForConditionalGeneration"], "is_encoder_decoder": True,
              "vocab_size": 300, "tie_word_embeddings": True, "pad_token_id": 0, "eos_token_id": 1, "bos_token_id": 2,
              "encoder": STACK | {"num_hidden_layers": 3},
              "decoder": STACK | {"is_decoder": True, "cross_attention_hidden_size": 64}}


@pytest.mark.parametrize("tied,total", [(True, 248_960), (False, 268_160)])
def test_two_stacks_of_one_family_are_counted_exactly(tied, total):
    f = facts(TWO_STACKS | {"tie_word_embeddings": tied}).facts
    assert (f.total_params, f.params_source, f.structure) == (total, "computed", "encoder-decoder")


def test_an_encoder_decoder_pairing_two_families_is_not_read_as_its_decoder():
    config = {"model_type": "encoder-decoder", "encoder": {"model_type": "bert", "hidden_size": 64,
              "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 300},
              "decoder": {"model_type": "bert", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                          "intermediate_size": 128, "vocab_size": 300, "is_decoder": True}}
    assert facts(config).facts.total_params is None


# InstructBLIP's layout, small (a 3-layer Q-Former cross-attending every 2nd layer): the reference implementation's
# counts (transformers 5.24, on the meta device) are 243,264, and 207,024 for BLIP-2's (no instruction path).
QFORMER = {'model_type': 'instructblip',
           'architectures': ['InstructBlipForConditionalGeneration'],
           'num_query_tokens': 4,
           'text_config': {'model_type': 'opt',
                           'vocab_size': 300,
                           'hidden_size': 64,
                           'num_hidden_layers': 2,
                           'num_attention_heads': 4,
                           'ffn_dim': 128,
                           'word_embed_proj_dim': 64,
                           'max_position_embeddings': 128,
                           'pad_token_id': 1,
                           'bos_token_id': 2,
                           'eos_token_id': 2},
           'vision_config': {'model_type': 'instructblip_vision_model',
                             'hidden_size': 32,
                             'intermediate_size': 64,
                             'num_hidden_layers': 2,
                             'num_attention_heads': 4,
                             'image_size': 28,
                             'patch_size': 14,
                             'qkv_bias': True},
           'qformer_config': {'model_type': 'instructblip_qformer',
                              'vocab_size': 100,
                              'hidden_size': 48,
                              'num_hidden_layers': 3,
                              'num_attention_heads': 4,
                              'intermediate_size': 96,
                              'max_position_embeddings': 64,
                              'cross_attention_frequency': 2,
                              'encoder_hidden_size': 32,
                              'pad_token_id': 0}}


def test_blip_2s_q_former_has_no_instruction_path():
    blip2 = QFORMER | {"model_type": "blip-2",
                       "vision_config": QFORMER["vision_config"] | {"model_type": "blip_2_vision_model"},
                       "qformer_config": QFORMER["qformer_config"] | {"model_type": "blip_2_qformer"}}
    assert facts(blip2).facts.total_params == 207_024


# Idefics2's layout, small (a SigLIP-style tower, a gated projection, a 2-layer perceiver): the reference
# implementation's count (transformers 5.24, Idefics2ForConditionalGeneration on the meta device) is 257,792.
RESAMPLED = {'model_type': 'idefics2',
             'architectures': ['Idefics2ForConditionalGeneration'],
             'tie_word_embeddings': False,
             'image_token_id': 5,
             'text_config': {'model_type': 'mistral',
                             'vocab_size': 300,
                             'hidden_size': 64,
                             'num_hidden_layers': 2,
                             'num_attention_heads': 4,
                             'num_key_value_heads': 2,
                             'intermediate_size': 96,
                             'pad_token_id': 0},
             'vision_config': {'model_type': 'idefics2_vision',
                               'hidden_size': 32,
                               'intermediate_size': 48,
                               'num_hidden_layers': 2,
                               'num_attention_heads': 4,
                               'image_size': 28,
                               'patch_size': 14,
                               'num_channels': 3},
             'perceiver_config': {'model_type': 'idefics2_perceiver',
                                  'hidden_act': 'silu',
                                  'resampler_n_latents': 4,
                                  'resampler_depth': 2,
                                  'resampler_n_heads': 4,
                                  'resampler_head_dim': 8,
                                  'num_key_value_heads': 2}}


@pytest.mark.parametrize("part", [
    {"perceiver_config": {"model_type": "wren_perceiver", "resampler_depth": 2}},
    {"qformer_config": {"model_type": "wren_qformer", "hidden_size": 48}},
])
def test_a_connector_of_another_kind_keeps_the_count_null(part):
    backbone = facts(RESAMPLED | part | ({"perceiver_config": RESAMPLED["perceiver_config"]} if "qformer_config" in part
                                          else {}))
    assert backbone.facts.total_params is None
    assert any("part is of a kind axes does not count" in n for n in backbone.notes)


def test_a_q_former_without_a_vision_config_is_a_note_not_a_crash():
    config = {k: v for k, v in QFORMER.items() if k != "vision_config"}
    backbone = facts(config)
    assert backbone.facts.total_params is None and backbone.notes


def test_a_vit_towers_patch_merger_is_its_projector():
    def total(extra):
        tower = VIT | {"model_type": "siglip_vision_model"} | extra
        return facts(UNKNOWN | {"model_type": "llama", "vision_config": tower}).facts.total_params
    merged = 4 * 32  # 2 x 2 patches of width 32
    # a LayerNorm and an MLP from the merged patches into the text width (64), instead of one projection
    merger = 2 * 32 + merged * merged + merged + merged * 64 + 64
    assert total({"spatial_merge_size": 2}) - total({}) == merger - (32 * 64 + 32)


def test_qianfan_ocrs_tower_is_an_intern_vit():
    qianfan = INTERN | {"vision_config": INTERN["vision_config"] | {"model_type": "qianfan_ocr_vision"}}
    assert facts(qianfan).facts.total_params == 161_824


@pytest.mark.parametrize("config,total", [(TILED, 278_185), (INTERN, 161_824), (GLM4V, 202_912), (OMNI, 217_184),
                                          (QFORMER, 243_264), (RESAMPLED, 257_792)],
                         ids=["mllama", "internvl", "glm4v", "qwen2_5_omni", "instructblip", "idefics2"])
def test_an_image_text_layout_is_counted_as_its_reference_counts_it(config, total):
    f = facts(config).facts
    assert (f.total_params, f.params_source) == (total, "computed")


def test_a_class_that_ties_by_its_language_models_config_reads_that_config():
    # Mllama ties by its text config: a top-level tie_word_embeddings does not tie its head (the reference
    # implementation counts 278,185 either way); Llava ties by its own, which wins over its text config's.
    assert facts(TILED | {"tie_word_embeddings": True}).facts.total_params == 278_185
    llava = {"model_type": "llava", "tie_word_embeddings": True, "text_config": SMALL_TEXT | {"model_type": "llama"}}
    untied = {"model_type": "llava", "tie_word_embeddings": False, "text_config": SMALL_TEXT | {"model_type": "llama"}}
    assert facts(untied).facts.total_params - facts(llava).facts.total_params == 300 * 64



def test_a_saved_config_without_tie_word_embeddings_ties_as_transformers_defaults():
    # transformers writes a value into a saved config unless it equals the library's default (tied): an unknown
    # family's config that transformers saved and that says nothing of tying is tied
    hand_written = facts(UNKNOWN | {"hidden_act": "silu"})
    saved = facts(UNKNOWN | {"hidden_act": "silu", "transformers_version": "4.44.0"})
    assert hand_written.facts.total_params - saved.facts.total_params == 300 * 64
    assert any("config transformers saved: tied" in n for n in saved.notes)
