"""Parameter, KV-cache and attention facts per architecture family, from configs holding the published
dimensions of real models (only the keys that matter). Expected totals are the published exact counts."""

from __future__ import annotations

import json

import pytest

from axes.errors import AxesError
from axes.reading import read
from axes.types import Snapshot


def facts(config: dict, **files: str):
    snap = Snapshot(target="t", source="local", files={"config.json": json.dumps(config), **files})
    return read(snap).backbone.facts


LLAMA_31_8B = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
    "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
    "max_position_embeddings": 131072, "rope_theta": 500000.0, "tie_word_embeddings": False,
    "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                     "original_max_position_embeddings": 8192, "rope_type": "llama3"},
    "torch_dtype": "bfloat16",
}
MIXTRAL_8X7B = {
    "architectures": ["MixtralForCausalLM"], "model_type": "mixtral", "hidden_size": 4096, "intermediate_size": 14336,
    "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 32000,
    "num_local_experts": 8, "num_experts_per_tok": 2, "max_position_embeddings": 32768, "rope_theta": 1e6,
    "sliding_window": None, "tie_word_embeddings": False, "torch_dtype": "bfloat16",
}
DEEPSEEK_V3 = {
    "architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "hidden_size": 7168,
    "intermediate_size": 18432, "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 128,
    "num_key_value_heads": 128, "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8,
    "first_k_dense_replace": 3, "moe_layer_freq": 1, "q_lora_rank": 1536, "kv_lora_rank": 512,
    "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128, "num_nextn_predict_layers": 1,
    "vocab_size": 129280, "max_position_embeddings": 163840, "topk_method": "noaux_tc", "tie_word_embeddings": False,
    "rope_scaling": {"type": "yarn", "factor": 40, "original_max_position_embeddings": 4096},
    "quantization_config": {"quant_method": "fp8"}, "torch_dtype": "bfloat16", "rope_theta": 10000,
}
GPT_OSS_20B = {
    "architectures": ["GptOssForCausalLM"], "model_type": "gpt_oss", "hidden_size": 2880, "intermediate_size": 2880,
    "num_hidden_layers": 24, "num_attention_heads": 64, "num_key_value_heads": 8, "head_dim": 64,
    "num_local_experts": 32, "num_experts_per_tok": 4, "vocab_size": 201088, "attention_bias": True,
    "sliding_window": 128, "max_position_embeddings": 131072, "tie_word_embeddings": False,
    "layer_types": ["sliding_attention", "full_attention"] * 12,
    "rope_scaling": {"rope_type": "yarn", "factor": 32.0, "original_max_position_embeddings": 4096},
    "quantization_config": {"quant_method": "mxfp4"}, "rope_theta": 150000,
}
QWEN3_30B_A3B = {
    "architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "hidden_size": 2048, "intermediate_size": 6144,
    "moe_intermediate_size": 768, "num_hidden_layers": 48, "num_attention_heads": 32, "num_key_value_heads": 4,
    "head_dim": 128, "num_experts": 128, "num_experts_per_tok": 8, "decoder_sparse_step": 1, "mlp_only_layers": [],
    "vocab_size": 151936, "max_position_embeddings": 40960, "tie_word_embeddings": False, "rope_theta": 1e6,
}
GEMMA_2B = {
    "architectures": ["GemmaForCausalLM"], "model_type": "gemma", "hidden_size": 2048, "intermediate_size": 16384,
    "num_hidden_layers": 18, "num_attention_heads": 8, "num_key_value_heads": 1, "head_dim": 256,
    "vocab_size": 256000, "max_position_embeddings": 8192, "rope_theta": 10000.0, "torch_dtype": "bfloat16",
}
GPT_J_6B = {
    "architectures": ["GPTJForCausalLM"], "model_type": "gptj", "n_embd": 4096, "n_head": 16, "n_layer": 28,
    "n_inner": None, "n_positions": 2048, "rotary": True, "rotary_dim": 64, "vocab_size": 50400,
    "tie_word_embeddings": False,
}
BLOOM_560M = {
    "architectures": ["BloomForCausalLM"], "model_type": "bloom", "hidden_size": 1024, "n_layer": 24,
    "num_attention_heads": 16, "vocab_size": 250880,
}
FALCON_7B = {
    "architectures": ["FalconForCausalLM"], "model_type": "falcon", "hidden_size": 4544, "num_hidden_layers": 32,
    "num_attention_heads": 71, "multi_query": True, "parallel_attn": True, "bias": False, "vocab_size": 65024,
    "alibi": False,
}
LFM2_1_2B = {
    "architectures": ["Lfm2ForCausalLM"], "model_type": "lfm2", "hidden_size": 2048, "num_hidden_layers": 16,
    "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 65536, "block_ff_dim": 12288,
    "block_auto_adjust_ff_dim": True, "full_attn_idxs": [2, 5, 8, 10, 12, 14], "conv_L_cache": 3,
    "max_position_embeddings": 128000, "rope_theta": 1e6, "torch_dtype": "bfloat16",
}
JAMBA_V01 = {
    "architectures": ["JambaForCausalLM"], "model_type": "jamba", "hidden_size": 4096, "intermediate_size": 14336,
    "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 65536,
    "num_experts": 16, "num_experts_per_tok": 2, "expert_layer_period": 2, "expert_layer_offset": 1,
    "attn_layer_period": 8, "attn_layer_offset": 4, "mamba_d_state": 16, "mamba_d_conv": 4, "mamba_expand": 2,
    "mamba_dt_rank": 256, "tie_word_embeddings": False, "max_position_embeddings": 262144,
}
SMOLLM3_3B = {
    "architectures": ["SmolLM3ForCausalLM"], "model_type": "smollm3", "hidden_size": 2048, "intermediate_size": 11008,
    "num_hidden_layers": 36, "num_attention_heads": 16, "num_key_value_heads": 4, "vocab_size": 128256,
    "no_rope_layers": [1, 1, 1, 0] * 9, "rope_theta": 5e6, "max_position_embeddings": 65536,
}

CASES = [
    # name, config, total, active, structure, attention, position, scaling
    ("llama-3.1-8b", LLAMA_31_8B, 8_030_261_248, 8_030_261_248, "dense", "GQA", "rope", "llama3"),
    ("mixtral-8x7b", MIXTRAL_8X7B, 46_702_792_704, 12_879_925_248, "moe", "GQA", "rope", None),
    ("deepseek-v3", DEEPSEEK_V3, 671_026_419_200, 37_552_297_472, "moe", "MLA", "rope", "yarn"),
    ("gpt-oss-20b", GPT_OSS_20B, 20_914_757_184, 4_187_440_704, "moe", "GQA", "rope", "yarn"),
    ("qwen3-30b-a3b", QWEN3_30B_A3B, 30_532_122_624, 3_345_000_000, "moe", "GQA", "rope", None),
    ("gemma-2b", GEMMA_2B, 2_506_172_416, 2_506_172_416, "dense", "MQA", "rope", None),
    ("gpt-j-6b", GPT_J_6B, 6_050_882_784, 6_050_882_784, "dense", "MHA", "rope", None),
    ("bloom-560m", BLOOM_560M, 559_214_592, 559_214_592, "dense", "MHA", "alibi", None),
    ("falcon-7b", FALCON_7B, 6_921_720_704, 6_921_720_704, "dense", "MQA", "rope", None),
    ("lfm2-1.2b", LFM2_1_2B, 1_170_340_608, 1_170_340_608, "hybrid", "GQA", "rope", None),
    ("jamba-v0.1", JAMBA_V01, 51_570_000_000, 12_000_000_000, "hybrid", "GQA", "nope", None),
    ("smollm3-3b", SMOLLM3_3B, 3_075_098_624, 3_075_098_624, "dense", "GQA", "rope+nope", None),
]


@pytest.mark.parametrize("name,config,total,active,structure,attention,position,scaling", CASES,
                         ids=[c[0] for c in CASES])
def test_family(name, config, total, active, structure, attention, position, scaling):
    f = facts(config)
    assert abs(f.total_params - total) <= 0.02 * total, f"{name}: {f.total_params:,} vs {total:,}"
    assert abs(f.active_params - active) <= 0.05 * active, f"{name}: active {f.active_params:,} vs {active:,}"
    assert f.structure == structure
    assert f.attention == attention
    assert f.position == position
    assert f.rope_scaling == scaling


def test_dense_active_equals_total():
    f = facts(LLAMA_31_8B)
    assert f.active_params == f.total_params and f.params_source == "computed"


def test_deepseek_kv_cache_mtp_and_lenses_facts():
    f = facts(DEEPSEEK_V3)
    assert f.kv_cache_bytes_per_token == 70_272  # (512 latent + 64 rope) x 61 layers x 2 bytes
    assert f.mtp_layers == 1 and 13e9 < f.mtp_params < 15e9
    assert (f.experts, f.experts_per_token, f.shared_experts) == (256, 8, 1)
    assert f.quantization == "fp8"


def test_sliding_global_mix_is_described():
    f = facts(GPT_OSS_20B | {"torch_dtype": "bfloat16"})
    assert f.attention_pattern == "global+sliding" and f.sliding_window == 128
    assert "12 of 24 layers" in f.kv_cache_note


def test_window_as_long_as_context_is_not_sliding():
    f = facts(LLAMA_31_8B | {"sliding_window": 262144, "max_position_embeddings": 131072})
    assert f.sliding_window is None and f.attention_pattern == "global"


def test_nested_text_config_and_vision_tower():
    config = {"architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
              "text_config": {"model_type": "gemma3_text", "hidden_size": 64, "intermediate_size": 128,
                              "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                              "head_dim": 16, "vocab_size": 100},
              "vision_config": {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
                                "patch_size": 4, "image_size": 16}}
    f = facts(config)
    assert f.multimodal is True and f.layers == 2 and f.kv_heads == 2
    text_only = facts(config["text_config"])
    assert f.total_params > text_only.total_params


def test_unknown_dimensions_give_null_not_guesses():
    f = facts({"model_type": "mystery", "hidden_size": 64})
    assert f.total_params is None and f.attention is None and f.layers is None


@pytest.mark.parametrize("bad", [{"num_hidden_layers": -2}, {"num_attention_heads": 0},
                                 {"num_local_experts": 10**15}, {"hidden_size": "wide"}])
def test_absurd_values_are_bad_input(bad):
    with pytest.raises(AxesError, match="config.json"):
        facts(LLAMA_31_8B | bad)


def test_gptq_quantize_config_file():
    f = facts(LLAMA_31_8B, **{"quantize_config.json": '{"bits": 4, "group_size": 128}'})
    assert f.quantization == "gptq"
