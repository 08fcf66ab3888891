"""Tiny model folders for the workflow tests (batch, compare, exercise, cards), written into tmp_path.

The configs carry the published dimensions of small open models; the card lines are our own words.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Llama-3.2-1B's published dimensions.
LLAMA_1B = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 2048, "intermediate_size": 8192,
    "num_hidden_layers": 16, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
    "max_position_embeddings": 131072, "rope_theta": 500000.0, "tie_word_embeddings": True,
    "rope_scaling": {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                     "original_max_position_embeddings": 8192},
    "hidden_act": "silu", "torch_dtype": "bfloat16",
}
# Qwen2.5-0.5B's published dimensions.
QWEN_05B = {
    "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864,
    "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151936,
    "max_position_embeddings": 32768, "rope_theta": 1000000.0, "tie_word_embeddings": True,
    "hidden_act": "silu", "torch_dtype": "bfloat16",
}
# OLMoE-1B-7B's published dimensions: a small mixture of experts.
OLMOE = {
    "architectures": ["OlmoeForCausalLM"], "model_type": "olmoe", "hidden_size": 2048, "intermediate_size": 1024,
    "num_hidden_layers": 16, "num_attention_heads": 16, "num_key_value_heads": 16, "vocab_size": 50304,
    "max_position_embeddings": 4096, "rope_theta": 10000.0, "num_experts": 64, "num_experts_per_tok": 8,
    "tie_word_embeddings": False, "torch_dtype": "bfloat16",
}
GPTQ = {"quant_method": "gptq", "bits": 4, "group_size": 128, "desc_act": False, "sym": True}

CHAT_CARD = """# {name}

A small chat model. After pretraining it was tuned on instructions with supervised fine-tuning,
then aligned with DPO on preference pairs. It can call tools through its chat template.
"""
CLOSED_CARD = """---
catalog:
  date: 2025-03-01
---
# Acme Assistant

Acme Assistant is our most capable model yet. It was refined with human feedback.
The app can browse the web and remember earlier chats.
"""


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No network, an empty HF cache, no user card directories: only what the test writes is read."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    monkeypatch.delenv("AXES_CARDS", raising=False)


def model_folder(root: Path, name: str, config: dict | list | str | None, card: str | None = CHAT_CARD) -> Path:
    """A folder of HF files; `config` as a dict or list is written as JSON, a str as raw text."""
    folder = root / name
    folder.mkdir(parents=True)
    if config is not None:
        text = config if isinstance(config, str) else json.dumps(config, indent=2)
        (folder / "config.json").write_text(text, encoding="utf-8")
    if card is not None:
        (folder / "README.md").write_text(card.format(name=name), encoding="utf-8")
    return folder


def with_quantization(config: dict, quant: dict) -> dict:
    return {**config, "quantization_config": quant}
