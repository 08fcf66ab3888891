"""bench/osai.py: Spearman's rho with ties averaged, and the script over a ratings file of our own."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "osai.py"
spec = importlib.util.spec_from_file_location("osai", SCRIPT)
assert spec is not None and spec.loader is not None
osai = importlib.util.module_from_spec(spec)
spec.loader.exec_module(osai)


def test_ranks_average_ties():
    assert osai.ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]
    assert osai.ranks([3, 1, 2]) == [3.0, 1.0, 2.0]
    assert osai.ranks([5, 5, 5]) == [2.0, 2.0, 2.0]


def test_spearman():
    assert osai.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert osai.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # ranks x = 1, 2.5, 2.5, 4 and y = 1, 3, 2, 4: covariance 4.5 over sqrt(4.5 * 5)
    assert osai.spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(4.5 / math.sqrt(22.5))
    assert math.isnan(osai.spearman([1, 1, 1], [1, 2, 3]))  # one side constant: undefined
    with pytest.raises(ValueError):
        osai.spearman([1, 2], [1])


CONFIG = {"model_type": "llama", "hidden_size": 1024, "intermediate_size": 4096, "num_hidden_layers": 8,
          "num_attention_heads": 8, "num_key_value_heads": 8, "vocab_size": 32000}
TEMPLATE = "{% for m in messages %}{{ m.content }}{% endfor %}"
CARDS = {
    "open-chat": "---\ndatasets: [lab/chats]\n---\n# open-chat\nTuned with SFT. The training code is on "
                 "[GitHub](https://github.com/lab/train) and the configs are available there.\n",
    "half-chat": "---\ndatasets: [lab/chats]\n---\n# half-chat\nTuned with SFT.\n",
    "closed-chat": "# closed-chat\nTuned with SFT on high-quality proprietary data.\n",
}


def write_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    for name, card in CARDS.items():
        folder = corpus / "lab" / name
        folder.mkdir(parents=True)
        (folder / "README.md").write_text(card)
        (folder / "config.json").write_text(json.dumps(CONFIG))
        (folder / "chat_template.jinja").write_text(TEMPLATE)
    return corpus


def test_the_script_ranks_our_models_against_a_ratings_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    corpus = write_corpus(tmp_path)
    ratings = tmp_path / "ratings.tsv"
    ratings.write_text("model\tsource\tosai_post_training_murk\n"
                       "lab/open-chat\tcorpus\t0.2\nlab/half-chat\tcorpus\t0.5\nlab/closed-chat\tcorpus\t1.0\n"
                       "lab/base\tcorpus\t\n")
    assert osai.main([str(ratings), "--corpus", str(corpus)]) == 0
    assert capsys.readouterr().out.strip() == "rho = 1.00 (n = 3)"
    only = tmp_path / "only.txt"
    only.write_text("lab/open-chat\nlab/closed-chat\n")
    osai.main([str(ratings), "--corpus", str(corpus), "--only", str(only)])
    assert capsys.readouterr().out.strip() == "rho = 1.00 (n = 2)"


def test_pairs_and_scoring_without_the_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    corpus = write_corpus(tmp_path)
    ratings = tmp_path / "ratings.tsv"
    ratings.write_text("model\tsource\tosai_post_training_murk\n"
                       "lab/half-chat\tcorpus\t0.5\nlab/closed-chat\tcorpus\t1.0\n")
    osai.main([str(ratings), "--corpus", str(corpus), "--pair", "lab/half-chat", "lab/closed-chat",
               "--pair", "lab/closed-chat", "lab/half-chat", "--pair", "lab/half-chat", "lab/missing",
               "--without-data"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].endswith(": holds") and lines[2].endswith(": FAILS") and "not both rated" in lines[3]
    half, bare = (float(x) for x in lines[4].rsplit(" ", 3)[1::2])
    assert lines[4].startswith("without its data: lab/half-chat") and bare > half
