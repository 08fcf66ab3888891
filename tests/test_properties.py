"""Property-based tests: whatever configs and card texts look like, the engine either answers with JSON
that fits the contract or raises its own AxesError, never anything else."""

from __future__ import annotations

import json

from contract import assert_contract
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from axes.errors import AxesError
from axes.output.contract import contract
from axes.pipeline import analyse, rulebook
from axes.types import Snapshot

KEYS = ["hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "intermediate_size",
        "vocab_size", "max_position_embeddings", "num_local_experts", "num_experts_per_tok", "n_shared_experts",
        "head_dim", "kv_lora_rank", "q_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim",
        "sliding_window", "first_k_dense_replace", "num_nextn_predict_layers", "tie_word_embeddings",
        "rope_theta", "model_type", "torch_dtype", "rope_scaling", "layer_types", "text_config", "no_rope_layers",
        "full_attn_idxs", "attn_layer_period", "mamba_d_state", "quantization_config", "architectures"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**13), st.floats(allow_nan=False),
                    st.text(max_size=12), st.sampled_from(["llama", "mixtral", "deepseek_v3", "bfloat16", "yarn"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=6),
                                                       st.dictionaries(st.sampled_from(KEYS + ["rope_type", "type"]),
                                                                       inner, max_size=4)), max_leaves=12)
configs = st.dictionaries(st.sampled_from(KEYS), values, max_size=14)
phrases = st.sampled_from(["trained with GRPO", "not DPO tuned", "supports tool calling", "thinking mode",
                           "## Evaluation", "---", "```", "<think>", "강화학습", "| a | b |", "- item", "\n\n",
                           "This is the base model.", "[link](x)", "\x0c", "🙂", "\t", "#"])
cards = st.lists(st.one_of(phrases, st.text(max_size=40)), max_size=30).map(" ".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(files: dict[str, str]) -> None:
    snapshot = Snapshot(target="prop", source="local", files=files, repo_name="prop-model")
    try:
        verdict = analyse(snapshot, rulebook())
    except AxesError as err:
        assert err.render() and "\n" not in err.render()
        return
    assert_contract(json.loads(json.dumps(contract(verdict))))


@SETTINGS
@given(configs)
def test_any_config(config):
    run({"config.json": json.dumps(config)})


@SETTINGS
@given(cards)
def test_any_card(card):
    run({"README.md": card})


@SETTINGS
@given(configs, cards, cards)
def test_any_model(config, card, template):
    run({"config.json": json.dumps(config), "README.md": card, "chat_template": template})
