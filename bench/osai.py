"""How well axes' post-training murk agrees with people who rate openness: Spearman's rho against OSAI.

    .venv/bin/python bench/osai.py [RATINGS] [--corpus DIR] [--only FILE] [--show]

RATINGS is a tab-separated file like ../shared/osai/ratings.tsv: a `model` column (a repo id), a `source`
column (`corpus`: the model's files are the folder DIR/<model>; `catalog`: axes' bundled catalog card of that
id) and `osai_post_training_murk` (how little of the post-training a reader can check, 0 to 1; rows where
it is empty, a base model's, are skipped). `--only FILE` keeps the rows whose id FILE lists (one id a line).
`--show` prints each model's two figures. It prints `rho = R (n = N)`; rho is Spearman's, ties averaged.
The exit code is 0 whatever the figure: this reports, it is not a test. Every target is read offline.

The ratings are those of the European Open Source AI Index (https://osai-index.eu), rated by hand from
public evidence and published under CC-BY 4.0: Liesenfeld, A. and Dingemanse, M. (2024), "Rethinking open
source generative AI: open-washing and the EU AI Act", FAccT 2024.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
MURK_COLUMN = "osai_post_training_murk"
CITATION = ("ratings: European Open Source AI Index, osai-index.eu (CC-BY 4.0); "
            "Liesenfeld & Dingemanse, FAccT 2024")


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties given the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    start = 0
    while start < len(order):
        stop = start
        while stop + 1 < len(order) and values[order[stop + 1]] == values[order[start]]:
            stop += 1
        for i in order[start:stop + 1]:
            out[i] = (start + stop) / 2 + 1
        start = stop + 1
    return out


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation: Pearson's r of the tie-averaged ranks (nan if either side is constant)."""
    if len(xs) != len(ys):
        raise ValueError("spearman needs two sequences of the same length")
    rx, ry = ranks(xs), ranks(ys)
    n = len(rx)
    if n < 2:
        return math.nan
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / math.sqrt(vx * vy) if vx and vy else math.nan


def rated_rows(ratings: Path, only: set[str] | None) -> list[dict[str, str]]:
    with ratings.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [r for r in rows if r.get(MURK_COLUMN, "").strip() and (only is None or r["model"] in only)]


def target_of(row: dict[str, str], corpus: Path) -> str:
    return str(corpus / row["model"]) if row.get("source") == "corpus" else row["model"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ratings", nargs="?", type=Path, default=SHARED / "osai" / "ratings.tsv")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus", help="folder of the `corpus` rows' files")
    parser.add_argument("--only", type=Path, help="keep only the ids this file lists, one a line")
    parser.add_argument("--show", action="store_true", help="print each model's murk and OSAI's figure")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from axes.errors import AxesError
    from axes.pipeline import inspect
    from axes.types import InspectOptions

    only = None
    if args.only:
        only = {line.strip() for line in args.only.read_text(encoding="utf-8").splitlines() if line.strip()}
    options = InspectOptions(offline=True)
    ours: list[float] = []
    theirs: list[float] = []
    for row in rated_rows(args.ratings, only):
        try:
            verdict = inspect(target_of(row, args.corpus), options)
        except AxesError as err:
            print(f"skipped {row['model']}: {err}", file=sys.stderr)
            continue
        ours.append(verdict.rows["post_training"].murk)
        theirs.append(float(row[MURK_COLUMN]))
        if args.show:
            print(f"{row['model']:<52} axes {ours[-1]:.2f}  osai {theirs[-1]:.3f}  ({row.get('match', '')})")
    print(f"rho = {spearman(ours, theirs):.2f} (n = {len(ours)})")
    print(CITATION, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
