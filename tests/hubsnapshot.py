"""A synthetic Hub metadata snapshot for the scale tests, built from the project's own fixtures.

`rows(n)` gives repos shaped like a joined hub-stats + card-dump row (what `axes hub-batch` reads); `models_rows`
and `card_rows` split them back into the two bulk sources (what `axes hub-snapshot` joins). Cards are put
together from sentences written for these tests, configs are tests/modelfiles.py's with varied depth and
width; about one row in six has no config, one in eight a front matter that does not parse, one in ten no
card at all (its front matter only in cardData). Seeded: the same n gives the same rows.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from modelfiles import LLAMA_1B, OLMOE, QWEN_05B

FAMILIES = (("llama", LLAMA_1B), ("qwen2", QWEN_05B), ("olmoe", OLMOE))
INTROS = (
    "{name} is a compact language model for everyday assistant work.",
    "This repository holds {name}, a model tuned to follow instructions in several languages.",
    "{name} answers questions, drafts text and writes small programs.",
    "We release {name} for research on efficient chat models.",
    "{name} is a base checkpoint: it was only pretrained and has not been tuned for chat.",
)
TRAINING = (
    "It was tuned on instructions with supervised fine-tuning.",
    "After supervised fine-tuning we aligned it with DPO on preference pairs.",
    "The chat version was trained with RLHF using a reward model built from human rankings.",
    "Reasoning was improved with GRPO on verifiable maths problems.",
    "It is a distillation of a larger teacher model's answers.",
    "This model is a merge of two fine-tuned checkpoints made with mergekit.",
    "Training used a carefully curated, best-in-class mixture of data.",
)
ABILITIES = (
    "It can call tools through its chat template.",
    "It thinks step by step inside think tags before it answers.",
    "It handles a context of 128k tokens.",
    "A system prompt sets its persona.",
    "It can answer in JSON that follows a given schema.",
    "It retrieves passages from documents you give it before answering.",
)
LICENSES = ("apache-2.0", "mit", "llama3.2", "other")
TEMPLATE = ("{% for m in messages %}{% if m.role == 'system' %}<|system|>{{ m.content }}{% endif %}"
            "<|{{ m.role }}|>{{ m.content }}{% endfor %}{% if tools %}<tools>{{ tools | tojson }}</tools>{% endif %}"
            "{% if add_generation_prompt %}<|assistant|>{% endif %}")
THINKING_TEMPLATE = TEMPLATE.replace("<|assistant|>", "<|assistant|><think>")
BROKEN_FRONT_MATTER = (
    "---\nlicense: mit\ntags: [chat, \n  - broken\n---\n",  # a flow list never closed
    "---\nlicense: 'apache-2.0\nlanguage: en\n---\n",  # a quote never closed
    "---\nlicense: mit\n\tlanguage: en\n---\n",  # a tab where YAML wants spaces
    "---\nlicense: mit\nlanguage: en\n",  # never closed at all
)


def sha_of(repo: str, version: int = 0) -> str:
    return hashlib.sha1(f"{repo}@{version}".encode()).hexdigest()


def row(index: int) -> dict[str, Any]:
    rng = random.Random(index)
    family, base = FAMILIES[index % len(FAMILIES)]
    repo = f"test-org-{index % 37}/{family}-model-{index:05d}"
    config = {**base, "num_hidden_layers": base["num_hidden_layers"] + rng.choice((0, 2, 4, 8)),
              "hidden_size": base["hidden_size"] * rng.choice((1, 1, 2))}
    name = repo.split("/")[1]
    base_model = f"test-org-base/{family}-base" if rng.random() < 0.5 else None
    front = {"license": rng.choice(LICENSES), "language": ["en"], "tags": rng.sample(("chat", "text-generation",
             "conversational", "dpo", "reasoning"), 2), "pipeline_tag": "text-generation"}
    if base_model:
        front["base_model"] = base_model
    sentences = [rng.choice(INTROS).format(name=name), "", "## Training", "",
                 *rng.sample(TRAINING, rng.randint(1, 3)), "", "## What it can do", "",
                 *(f"- {a}" for a in rng.sample(ABILITIES, rng.randint(1, 3))), ""]
    body = f"# {name}\n\n" + "\n".join(sentences)
    if index % 8 == 3:
        card: str | None = rng.choice(BROKEN_FRONT_MATTER) + body
    elif index % 10 == 7:
        card = None  # the card dump has no row for it: only hub-stats' cardData
    else:
        card = "---\n" + "".join(f"{k}: {json.dumps(v)}\n" for k, v in front.items()) + "---\n" + body
    has_config = index % 6 != 5
    thinking = "think" in body
    siblings = [".gitattributes", "README.md", "model.safetensors", "tokenizer.json"]
    if has_config:
        siblings += ["config.json", "generation_config.json", "tokenizer_config.json"]
    else:
        siblings += ["model-q4.gguf"] if index % 12 == 5 else ["config.json"]  # lost in the dump, or GGUF-only
    generation = {"temperature": round(rng.uniform(0.3, 1.0), 2), "top_p": 0.9, "max_new_tokens": 1024}
    return {
        "id": repo,
        "sha": sha_of(repo),
        "card": card,
        "cardData": json.dumps(front),
        "config": json.dumps(config, indent=2) if has_config else None,
        "config_summary": {"architectures": config["architectures"], "model_type": config["model_type"],
                           "tokenizer_config": {"chat_template": THINKING_TEMPLATE if thinking else TEMPLATE}
                           if index % 4 else None},
        "generation_config": json.dumps(generation, indent=2) if has_config and index % 3 else None,
        "tags": ["transformers", "safetensors", family, *front["tags"], f"license:{front['license']}"],
        "pipeline_tag": "text-generation",
        "siblings": [{"rfilename": s} for s in sorted(siblings)],
        # The Hub's count only where no config computes one (else the two would disagree in a note).
        "safetensors": None if has_config else {"total": 1_000_000 * (index % 900 + 100)},
        "baseModels": {"relation": "finetune", "models": [{"id": base_model}]} if base_model else None,
    }


def rows(count: int, start: int = 0) -> list[dict[str, Any]]:
    return [row(i) for i in range(start, start + count)]


def write_shards(folder: Path, count: int = 2000, shards: int = 8) -> list[Path]:
    """`count` rows in `shards` Parquet files (hub-batch's input); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    per = -(-count // shards)
    paths = []
    for number in range(shards):
        table = pa.Table.from_pylist(rows(min(per, count - number * per), number * per))
        path = folder / f"snap-{number:02d}.parquet"
        pq.write_table(table, path, row_group_size=250)
        paths.append(path)
    return paths


def models_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """hub-stats' shape: the API's summary under `config`, no card text, no filled files."""
    return [{"id": r["id"], "sha": r["sha"], "tags": r["tags"], "pipeline_tag": r["pipeline_tag"],
             "cardData": r["cardData"], "baseModels": r["baseModels"], "siblings": r["siblings"],
             "config": r["config_summary"], "safetensors": r["safetensors"], "gguf": None} for r in items]


def card_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The card dump's shape: modelId and the README, for the rows that have one."""
    return [{"modelId": r["id"], "card": r["card"]} for r in items if r["card"] is not None]
