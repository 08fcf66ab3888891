#!/usr/bin/env python3
"""Draft the per-family layout table (axes/reading/families.py) from the reference implementation (dev only).

Reads the parameter dumps of `build.py OUT --dump` (layer 0 and the parts outside the layers, built from each
config class's defaults) and prints, per decoder family, the layout facts a parameter count needs: norm kind and
number per layer, biases, gated or plain MLP, q/k norms, learned positions, class default for tied embeddings.
The output is a draft to review, not a table to paste blindly: a family whose modules are named unusually comes
out wrong here and is written by hand.

    /work/zoo-venv/bin/python tools/zoo/traits.py /tmp/bigzoo [TYPE ...]
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

LAYER0 = re.compile(r"\.(layers?|h|blocks?)\.0\.")
ATTN = re.compile(r"(self_attn|self_attention|attention|attn)\.")
MLP = re.compile(r"(mlp|feed_forward|ffn)\.")
QKV = re.compile(r"(q_proj|k_proj|v_proj|qkv_proj|query_key_value|c_attn|Wqkv|query|key|value)\.bias$")
OUT = re.compile(r"(o_proj|dense|out_proj|c_proj)\.bias$")
QNORM = re.compile(r"(q_norm|q_layernorm|query_layernorm)\.weight$")


def traits(model_type: str, folder: Path) -> dict | None:
    lines = (folder / "params" / f"{model_type}.txt").read_text().splitlines()
    config = json.loads((folder / "configs" / f"default--{model_type}" / "config.json").read_text())
    params = {n: ast.literal_eval(s) for n, s in (line.split("\t") for line in lines)}
    if any("language_model." in n for n in params) and isinstance(config.get("text_config"), dict):
        # An image-text model: the traits of its language model, under the text config's own model_type.
        params = {n.replace("language_model.", ""): s for n, s in params.items()
                  if "language_model." in n or n.startswith("lm_head")}
        config = config["text_config"]
    layer = {n: s for n, s in params.items() if LAYER0.search(n)}
    if not layer:
        return None
    hidden = config.get("hidden_size") or config.get("n_embd") or config.get("d_model")
    out: dict = {}
    attn = {n: s for n, s in layer.items() if ATTN.search(n)}
    mlp = {n: s for n, s in layer.items() if MLP.search(n) and "experts" not in n and "shared" not in n}
    out["qkv_bias"] = any(QKV.search(n) for n in attn)
    out["o_bias"] = any(OUT.search(n) for n in attn)
    norm = next((s for n, s in attn.items() if QNORM.search(n)), None)
    if norm:
        out["qk_norm"] = "head" if norm[0] < (hidden or 0) else "width"
    weights = [s for n, s in mlp.items() if n.endswith("weight") and len(s) == 2]
    ffn = [n for n in layer if MLP.search(n) or "experts" in n]  # experts too: some layers 0 are MoE only
    if weights or ffn:
        gated = any(re.search(r"(gate_up|gate_proj|\.w3\.|w1|input_linear)", n) for n in ffn)
        out["mlp"] = "gated" if gated or len(weights) >= 3 else "plain"
        out["mlp_bias"] = any(n.endswith("bias") and "router" not in n and "gate." not in n for n in mlp)
    rest = {n: s for n, s in layer.items() if n not in attn and n not in mlp and "experts" not in n}
    norms = [n for n, s in rest.items() if n.endswith("weight") and s == (hidden,)]
    out["layer_norms"] = len(norms)
    biased = any(n.endswith("bias") and s == (hidden,) for n, s in rest.items())
    outside = {n: s for n, s in params.items() if not LAYER0.search(n)}
    final = [n for n, s in outside.items() if re.search(r"(norm|ln_f|ln_out|layernorm)", n) and s == (hidden,)]
    out["norm"] = ("layer" if biased else "rms") if norms or final else "none"
    out["tied"] = not any(n.startswith(("lm_head", "head", "embed_out", "output")) for n in outside)
    out["lm_head_bias"] = any(n.startswith("lm_head") and n.endswith("bias") for n in outside)
    positions = [s for n, s in outside.items() if re.search(r"(wpe|embed_positions|position_embeddings)", n)]
    if positions:
        context = config.get("max_position_embeddings") or config.get("n_positions") or 0
        out["learned_positions"] = positions[0][0] - context
    if any("word_embeddings_layernorm" in n or "embed_norm" in n for n in outside):
        out["embed_norm"] = True
    return out


def main() -> int:
    folder = Path(sys.argv[1])
    types = sys.argv[2:] or sorted(p.stem for p in (folder / "params").glob("*.txt"))
    for model_type in types:
        try:
            found = traits(model_type, folder)
        except (OSError, ValueError, SyntaxError) as err:
            print(f"# {model_type}: {err}")
            continue
        if found is not None:
            config = json.loads((folder / "configs" / f"default--{model_type}" / "config.json").read_text())
            text = config.get("text_config") if isinstance(config.get("text_config"), dict) else {}
            print(f"{text.get('model_type', model_type)!r}: {found},")
    return 0


if __name__ == "__main__":
    sys.exit(main())
