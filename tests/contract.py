"""The JSON shape of CONTRACT.md, checked in one place for every test that reads `--format json`."""

from __future__ import annotations

from typing import Any

FACTS = {
    "architecture", "model_type", "total_params", "active_params", "params_source", "layers", "hidden_size",
    "heads", "kv_heads", "attention", "sliding_window", "attention_pattern", "position", "rope_theta",
    "rope_scaling", "context_length", "experts", "experts_per_token", "shared_experts", "kv_cache_bytes_per_token",
    "mtp_layers", "mtp_params", "hub_params", "vocab_size", "quantization", "base_model",
}
AXES = {"backbone", "post_training", "inference", "product"}
EVIDENCE_FILES = {"config.json", "README.md", "chat_template", "generation_config.json", "hub", "name", "files"}
ENUMS = {
    "params_source": {"computed", "safetensors", "gguf", "estimated", "card", None},
    "attention": {"MHA", "GQA", "MQA", "MLA", None},
    "position": {"rope", "alibi", "absolute", "nope", "rope+nope", "relative", None},
    "rope_scaling": {"yarn", "linear", "dynamic", "llama3", "longrope", None},
}
INTEGERS = {"total_params", "active_params", "layers", "hidden_size", "heads", "kv_heads", "sliding_window",
            "context_length", "experts", "experts_per_token", "shared_experts", "kv_cache_bytes_per_token",
            "mtp_layers", "mtp_params", "hub_params", "vocab_size"}


def assert_contract(out: dict[str, Any]) -> None:
    assert isinstance(out["target"], str)
    assert out["source"] in {"hub", "cache", "local", "catalog", "card"}
    lenses = out["lenses"]
    assert lenses["structure"] in {"dense", "moe", "hybrid", "ssm", "encoder", "encoder-decoder", None}
    assert lenses["moe"] in (True, False, None) and isinstance(lenses["reasoning"], bool)
    assert isinstance(lenses["summary"], str) and lenses["summary"]
    facts = out["facts"]
    assert FACTS <= set(facts)
    for key, allowed in ENUMS.items():
        assert facts[key] in allowed, (key, facts[key])
    for key in INTEGERS:
        assert facts[key] is None or (isinstance(facts[key], int) and not isinstance(facts[key], bool)), key
    assert set(out["axes"]) == AXES
    for axis in out["axes"].values():
        assert 0.0 <= axis["murk"] <= 1.0
        for tag in axis["tags"]:
            assert set(tag) == {"name", "strength", "rule", "evidence"}
            assert tag["strength"] in {"verified", "declared", "hinted"}
            assert tag["evidence"], tag
            for ev in tag["evidence"]:
                assert ev["file"] in EVIDENCE_FILES and isinstance(ev["text"], str)
                assert ev["line"] is None or (isinstance(ev["line"], int) and ev["line"] >= 1)
    assert out["murkiest"]["axis"] in AXES and out["murkiest"]["why"]
    template = out.get("template")  # grown beyond the contract: what the chat template's renders showed
    assert template is None or (isinstance(template["rendered"], bool) and template["templates"]
                                and template["system_prompt"] in {"rendered", "rejected", "dropped", None})
