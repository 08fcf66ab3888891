"""Generated model folders for the benchmark: the files axes reads, shaped like real published repos.

Four families, each with the config dimensions its real model card publishes (Llama-3.1-8B, Mixtral-8x7B,
Qwen3-30B-A3B, DeepSeek-V3), a README of about 80 lines with YAML front matter, a chat template and a
generation config. The prose is written for this benchmark; a seeded choice of phrases per folder varies
the text so the rules do not see one card a thousand times. Nothing here imports axes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LLAMA_CONFIG: dict[str, Any] = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "hidden_size": 4096,
    "intermediate_size": 14336,
    "num_hidden_layers": 32,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "head_dim": 128,
    "hidden_act": "silu",
    "max_position_embeddings": 131072,
    "rms_norm_eps": 1e-05,
    "rope_theta": 500000.0,
    "rope_scaling": {
        "factor": 8.0,
        "low_freq_factor": 1.0,
        "high_freq_factor": 4.0,
        "original_max_position_embeddings": 8192,
        "rope_type": "llama3",
    },
    "attention_bias": False,
    "mlp_bias": False,
    "tie_word_embeddings": False,
    "vocab_size": 128256,
    "bos_token_id": 128000,
    "eos_token_id": [128001, 128008, 128009],
    "torch_dtype": "bfloat16",
}

MIXTRAL_CONFIG: dict[str, Any] = {
    "architectures": ["MixtralForCausalLM"],
    "model_type": "mixtral",
    "hidden_size": 4096,
    "intermediate_size": 14336,
    "num_hidden_layers": 32,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "num_local_experts": 8,
    "num_experts_per_tok": 2,
    "router_aux_loss_coef": 0.02,
    "hidden_act": "silu",
    "max_position_embeddings": 32768,
    "rms_norm_eps": 1e-05,
    "rope_theta": 1000000.0,
    "sliding_window": None,
    "tie_word_embeddings": False,
    "vocab_size": 32000,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "torch_dtype": "bfloat16",
}

QWEN3_MOE_CONFIG: dict[str, Any] = {
    "architectures": ["Qwen3MoeForCausalLM"],
    "model_type": "qwen3_moe",
    "hidden_size": 2048,
    "intermediate_size": 6144,
    "moe_intermediate_size": 768,
    "num_hidden_layers": 48,
    "num_attention_heads": 32,
    "num_key_value_heads": 4,
    "head_dim": 128,
    "num_experts": 128,
    "num_experts_per_tok": 8,
    "decoder_sparse_step": 1,
    "norm_topk_prob": True,
    "mlp_only_layers": [],
    "hidden_act": "silu",
    "max_position_embeddings": 40960,
    "max_window_layers": 48,
    "use_sliding_window": False,
    "sliding_window": None,
    "rms_norm_eps": 1e-06,
    "rope_theta": 1000000.0,
    "rope_scaling": None,
    "tie_word_embeddings": False,
    "vocab_size": 151936,
    "bos_token_id": 151643,
    "eos_token_id": 151645,
    "torch_dtype": "bfloat16",
}

DEEPSEEK_V3_CONFIG: dict[str, Any] = {
    "architectures": ["DeepseekV3ForCausalLM"],
    "model_type": "deepseek_v3",
    "hidden_size": 7168,
    "intermediate_size": 18432,
    "moe_intermediate_size": 2048,
    "num_hidden_layers": 61,
    "num_attention_heads": 128,
    "num_key_value_heads": 128,
    "n_routed_experts": 256,
    "n_shared_experts": 1,
    "num_experts_per_tok": 8,
    "first_k_dense_replace": 3,
    "moe_layer_freq": 1,
    "n_group": 8,
    "topk_group": 4,
    "topk_method": "noaux_tc",
    "scoring_func": "sigmoid",
    "routed_scaling_factor": 2.5,
    "kv_lora_rank": 512,
    "q_lora_rank": 1536,
    "qk_nope_head_dim": 128,
    "qk_rope_head_dim": 64,
    "v_head_dim": 128,
    "num_nextn_predict_layers": 1,
    "max_position_embeddings": 163840,
    "rope_theta": 10000,
    "rope_scaling": {
        "type": "yarn",
        "factor": 40,
        "beta_fast": 32,
        "beta_slow": 1,
        "mscale": 1.0,
        "mscale_all_dim": 1.0,
        "original_max_position_embeddings": 4096,
    },
    "quantization_config": {
        "quant_method": "fp8",
        "fmt": "e4m3",
        "activation_scheme": "dynamic",
        "weight_block_size": [128, 128],
    },
    "tie_word_embeddings": False,
    "vocab_size": 129280,
    "torch_dtype": "bfloat16",
}

LLAMA_TEMPLATE = """{{- bos_token }}
{%- set tools = tools if tools is defined else none %}
{%- if messages[0]['role'] == 'system' %}
    {%- set system = messages[0]['content'] | trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system = "" %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if tools is not none %}
    {{- "Environment: ipython\\n" }}
    {{- "You can call the functions below. Answer with a JSON object {\\"name\\": ..., \\"parameters\\": ...}.\\n\\n" }}
    {%- for t in tools %}{{- t | tojson(indent=2) }}{{- "\\n\\n" }}{%- endfor %}
{%- endif %}
{{- system }}{{- "<|eot_id|>" }}
{%- for message in messages %}
    {%- if message.role == 'tool' or message.role == 'ipython' %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\\n\\n" + message.content | tojson + "<|eot_id|>" }}
    {%- elif 'tool_calls' in message %}
        {%- set call = message.tool_calls[0].function %}
        {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n{"name": "' + call.name + '", "parameters": ' }}
        {{- call.arguments | tojson + "}<|eot_id|>" }}
    {%- else %}
        {{- '<|start_header_id|>' + message.role + '<|end_header_id|>\\n\\n' + message.content | trim + '<|eot_id|>' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}
"""

MIXTRAL_TEMPLATE = """{{- bos_token }}
{%- for message in messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('Roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if message['role'] == 'user' %}
        {{- '[INST] ' + message['content'] + ' [/INST]' }}
    {%- elif message['role'] == 'assistant' %}
        {{- message['content'] + eos_token }}
    {%- endif %}
{%- endfor %}
"""

QWEN3_TEMPLATE = """{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0].role == 'system' %}{{- messages[0].content + '\\n\\n' }}{%- endif %}
    {{- '# Tools\\n\\nFunction signatures sit inside <tools></tools>:\\n<tools>' }}
    {%- for tool in tools %}{{- '\\n' + tool | tojson }}{%- endfor %}
    {{- '\\n</tools>\\n\\nReturn each call as JSON inside <tool_call></tool_call> tags.<|im_end|>\\n' }}
{%- elif messages[0].role == 'system' %}
    {{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}
{%- endif %}
{%- for message in messages %}
    {%- if message.role == 'user' %}
        {{- '<|im_start|>user\\n' + message.content + '<|im_end|>\\n' }}
    {%- elif message.role == 'assistant' %}
        {%- set content = message.content.split('</think>')[-1].lstrip('\\n') %}
        {{- '<|im_start|>assistant\\n' + content }}
        {%- for call in message.tool_calls or [] %}
            {{- '\\n<tool_call>\\n' + call.function | tojson + '\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == 'tool' %}
        {{- '<|im_start|>user\\n<tool_response>\\n' + message.content + '\\n</tool_response><|im_end|>\\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
    {%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}
{%- endif %}
"""

DEEPSEEK_TEMPLATE = """{%- set ns = namespace(system='') %}
{%- for message in messages if message['role'] == 'system' %}{%- set ns.system = message['content'] %}{%- endfor %}
{{- bos_token + ns.system }}
{%- for message in messages %}
    {%- if message['role'] == 'user' %}
        {{- '<｜User｜>' + message['content'] }}
    {%- elif message['role'] == 'assistant' and message.get('tool_calls') %}
        {{- '<｜Assistant｜><｜tool▁calls▁begin｜>' }}
        {%- for call in message['tool_calls'] %}
            {{- '<｜tool▁call▁begin｜>' + call['function']['name'] + '\\n' + call['function']['arguments'] }}
            {{- '<｜tool▁call▁end｜>' }}
        {%- endfor %}
        {{- '<｜tool▁calls▁end｜><｜end▁of▁sentence｜>' }}
    {%- elif message['role'] == 'assistant' %}
        {%- set content = message['content'].split('</think>')[-1] %}
        {{- '<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>' }}
    {%- elif message['role'] == 'tool' %}
        {{- '<｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}{{- '<｜Assistant｜><think>\\n' }}{%- endif %}
"""


@dataclass(frozen=True)
class Family:
    slug: str  # folder-name prefix
    title: str  # the name a card would use
    org: str
    config: dict[str, Any]
    template: str
    generation: dict[str, Any]
    summary: str  # one architecture sentence for the card
    params: str  # the parameter figure the card quotes
    license: str
    pipeline_tags: tuple[str, ...]


FAMILIES = (
    Family(
        "llama", "Llama-3.1-8B", "meta-llama", LLAMA_CONFIG, LLAMA_TEMPLATE,
        {"do_sample": True, "temperature": 0.6, "top_p": 0.9, "bos_token_id": 128000,
         "eos_token_id": [128001, 128008, 128009]},
        "a dense decoder-only transformer with grouped-query attention (8 key-value heads) and RoPE",
        "8B", "llama3.1", ("llama", "llama-3", "text-generation"),
    ),
    Family(
        "mixtral", "Mixtral-8x7B", "mistralai", MIXTRAL_CONFIG, MIXTRAL_TEMPLATE,
        {"bos_token_id": 1, "eos_token_id": 2, "max_new_tokens": 4096},
        "a sparse mixture-of-experts decoder: each layer routes every token to 2 of its 8 expert MLPs",
        "46.7B total, 12.9B active", "apache-2.0", ("mixtral", "moe", "text-generation"),
    ),
    Family(
        "qwen3moe", "Qwen3-30B-A3B", "Qwen", QWEN3_MOE_CONFIG, QWEN3_TEMPLATE,
        {"do_sample": True, "temperature": 0.6, "top_p": 0.95, "top_k": 20, "bos_token_id": 151643,
         "eos_token_id": [151645, 151643], "pad_token_id": 151643},
        "a mixture-of-experts decoder with 128 experts, 8 routed per token, and grouped-query attention",
        "30.5B total, 3.3B active", "apache-2.0", ("qwen3_moe", "conversational", "text-generation"),
    ),
    Family(
        "deepseekv3", "DeepSeek-V3", "deepseek-ai", DEEPSEEK_V3_CONFIG, DEEPSEEK_TEMPLATE,
        {"do_sample": True, "temperature": 0.6, "top_p": 0.95, "bos_token_id": 0, "eos_token_id": 1},
        "a mixture-of-experts decoder with multi-head latent attention, one shared expert and a "
        "multi-token-prediction module",
        "671B total, 37B active", "mit", ("deepseek_v3", "fp8", "text-generation"),
    ),
)

VARIANTS = ("Instruct", "Base", "Chat", "Reasoning", "Coder", "Tuned")

# Phrases a card might use about its post-training; a few are chosen per card, so the rules' work varies.
TRAINING = (
    "After pretraining we ran supervised fine-tuning on a curated mix of dialogue, code and maths.",
    "Preference data from human raters was used for direct preference optimization (DPO).",
    "We then applied reinforcement learning with GRPO against verifiable rewards for maths and code.",
    "A reward model trained on pairwise comparisons guided a round of RLHF with PPO.",
    "The smaller checkpoints were distilled from the largest one using its sampled reasoning traces.",
    "Safety tuning used red-team prompts and refusals written by a dedicated team.",
    "Continued pretraining on 400B tokens of long documents extended the usable context.",
    "This checkpoint was merged from two fine-tunes with a linear merge of their weights.",
    "No reinforcement learning was applied: this release only went through instruction tuning.",
)
FEATURES = (
    "The model can call tools: pass a list of JSON function schemas in the `tools` argument.",
    "A thinking mode writes its reasoning inside <think> tags before the final answer.",
    "Set `enable_thinking=False` to turn the reasoning block off for quick replies.",
    "Structured output in JSON mode is supported through the serving framework's grammar option.",
    "Retrieval-augmented generation works well with passages placed in the system prompt.",
    "Speculative decoding with the multi-token-prediction head roughly doubles decoding speed.",
    "The context window reaches 128K tokens with YaRN scaling enabled in the serving config.",
    "A system prompt sets the persona; without one the model answers as a neutral assistant.",
)


def readme(family: Family, name: str, rng: random.Random) -> str:
    """A model card of about 80 lines: front matter, prose, a usage block, a results table, a citation."""
    training = rng.sample(TRAINING, 3)
    features = rng.sample(FEATURES, 3)
    config = family.config
    context = config["max_position_embeddings"]
    lines = [
        "---",
        f"license: {family.license}",
        "language:",
        "- en",
        "- fr",
        "- de",
        "library_name: transformers",
        "pipeline_tag: text-generation",
        f"base_model: {family.org}/{family.title}",
        "tags:",
        *(f"- {tag}" for tag in family.pipeline_tags),
        "---",
        "",
        f"# {name}",
        "",
        f"{name} is a {family.params} parameter language model built on {family.title}. This card",
        "describes how it was trained, how to run it, and where it falls short. Read the limitations",
        "section before deploying it anywhere people rely on its answers.",
        "",
        "## Model overview",
        "",
        f"- **Architecture:** {family.summary}.",
        f"- **Layers:** {config['num_hidden_layers']}, hidden size {config['hidden_size']}.",
        f"- **Context length:** {context:,} tokens.",
        f"- **Vocabulary:** {config['vocab_size']:,} tokens.",
        "- **Precision:** weights are stored in bfloat16.",
        "- **Languages:** English first, with usable French and German.",
        "",
        "## Training",
        "",
        "Pretraining used a filtered web crawl, books, code and scientific articles, deduplicated at the",
        "document and paragraph level. The mixture was re-weighted twice during training.",
        "",
        *training,
        "",
        "### Data",
        "",
        "The post-training data combines licensed instruction sets with synthetic conversations that were",
        "reviewed by annotators. Personal data was removed with a named-entity filter before training.",
        "",
        "## Capabilities",
        "",
        *(f"- {feature}" for feature in features),
        "",
        "## Usage",
        "",
        "```python",
        "from transformers import AutoModelForCausalLM, AutoTokenizer",
        "",
        f'tokenizer = AutoTokenizer.from_pretrained("{family.org}/{name}")',
        f'model = AutoModelForCausalLM.from_pretrained("{family.org}/{name}", torch_dtype="auto")',
        'messages = [{"role": "user", "content": "Explain RoPE in two sentences."}]',
        "inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors='pt')",
        "print(tokenizer.decode(model.generate(inputs, max_new_tokens=256)[0]))",
        "```",
        "",
        "Recommended sampling: temperature 0.6 and top-p 0.95; greedy decoding can loop on long answers.",
        "",
        "## Evaluation",
        "",
        "| Benchmark | Score | Notes |",
        "|---|---|---|",
        f"| MMLU | {rng.uniform(60, 90):.1f} | 5-shot |",
        f"| GSM8K | {rng.uniform(60, 95):.1f} | chain of thought |",
        f"| HumanEval | {rng.uniform(40, 90):.1f} | pass@1 |",
        f"| MT-Bench | {rng.uniform(6, 9):.2f} | judged by a larger model |",
        "",
        "## Limitations",
        "",
        "The model can state false facts with confidence, and its knowledge stops at its data cut-off.",
        "It was not evaluated for medical, legal or financial advice. Outputs in languages other than",
        "English are weaker. Add your own safeguards for any user-facing deployment.",
        "",
        "## License",
        "",
        f"Released under the {family.license} license; see the LICENSE file in this repository.",
        "",
        "## Citation",
        "",
        "```bibtex",
        f"@misc{{{family.slug}{rng.randrange(10**6)},",
        f"  title  = {{{name}: a technical report}},",
        "  year   = {2025},",
        "}",
        "```",
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Model:
    name: str
    files: dict[str, bytes]  # repo file name -> content


def model(index: int) -> Model:
    """The index-th generated model: the families in turn, each with its own name and card text."""
    rng = random.Random(index)
    family = FAMILIES[index % len(FAMILIES)]
    name = f"{family.title}-{VARIANTS[index // len(FAMILIES) % len(VARIANTS)]}-{index:05d}"
    template_file = (
        # Half the repos ship the template in tokenizer_config.json, as older repos do.
        {"tokenizer_config.json": json.dumps({"chat_template": family.template, "model_max_length": 131072})}
        if index % 2
        else {"chat_template.jinja": family.template}
    )
    texts = {
        "config.json": json.dumps(family.config, indent=2),
        "generation_config.json": json.dumps(family.generation, indent=2),
        "README.md": readme(family, name, rng),
        **template_file,
    }
    return Model(name, {file: text.encode() for file, text in texts.items()})


def write_folders(root: Path, count: int) -> list[Path]:
    """`count` model folders under root, one per generated model; returns their paths."""
    folders = []
    for index in range(count):
        generated = model(index)
        folder = root / generated.name
        folder.mkdir(parents=True, exist_ok=True)
        for file, data in generated.files.items():
            (folder / file).write_bytes(data)
        folders.append(folder)
    return folders
