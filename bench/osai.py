"""How well axes' post-training murk agrees with people who rate openness: Spearman's rho against OSAI.

    .venv/bin/python bench/osai.py [RATINGS] [--corpus DIR] [--only FILE] [--show]
                                   [--pair LOWER HIGHER]... [--without-data]

RATINGS is a tab-separated file like ../shared/osai/ratings.tsv: a `model` column (a repo id), a `source`
column (`corpus`: the model's files are the folder DIR/<model>; `catalog`: axes' bundled catalog card of that
id) and `osai_post_training_murk` (how little of the post-training a reader can check, 0 to 1; rows where
it is empty, a base model's, are skipped). `--only FILE` keeps the rows whose id FILE lists (one id a line).
`--show` prints each model's two figures. It prints `rho = R (n = N)`; rho is Spearman's, ties averaged.
`--pair LOWER HIGHER` also says whether the first rated model is less murky than the second, and
`--without-data` what each rated model that releases data (dataset ids, dataset links) scores without it.
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

from msgspec.structs import replace

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
    parser.add_argument("--pair", nargs=2, action="append", default=[], metavar=("LOWER", "HIGHER"),
                        help="check that the first model's post-training murk is below the second's")
    parser.add_argument("--without-data", action="store_true",
                        help="also score each model that releases data as if it named none")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from axes import reading
    from axes import verdict as verdicts
    from axes.errors import AxesError
    from axes.pipeline import inspect, rulebook
    from axes.rules import tagger
    from axes.sources import resolve
    from axes.types import InspectOptions

    only = None
    if args.only:
        only = {line.strip() for line in args.only.read_text(encoding="utf-8").splitlines() if line.strip()}
    options = InspectOptions(offline=True)
    ours: dict[str, float] = {}
    theirs: list[float] = []
    ablated: list[str] = []
    for row in rated_rows(args.ratings, only):
        target = target_of(row, args.corpus)
        try:
            verdict = inspect(target, options)
        except AxesError as err:
            print(f"skipped {row['model']}: {err}", file=sys.stderr)
            continue
        murk = ours[row["model"]] = verdict.rows["post_training"].murk
        theirs.append(float(row[MURK_COLUMN]))
        if args.show:
            print(f"{row['model']:<52} axes {murk:.2f}  osai {theirs[-1]:.3f}  ({row.get('match', '')})")
        if args.without_data and any(m.kind == "data" and m.grade == "released"
                                     for m in verdict.rows["post_training"].materials):
            read = reading.read(resolve(target, options))
            found = tagger.tag(rulebook(), read)
            kept = {axis: [m for m in ms if m.kind != "data"] for axis, ms in found.materials.items()}
            bare = verdicts.build(read, replace(found, materials=kept)).rows["post_training"].murk
            ablated.append(f"without its data: {row['model']} {murk:.2f} -> {bare:.2f}")
    print(f"rho = {spearman(list(ours.values()), theirs):.2f} (n = {len(ours)})")
    for lower, higher in args.pair:
        if lower not in ours or higher not in ours:
            print(f"pair: {lower} < {higher}: not both rated and read")
            continue
        holds = "holds" if ours[lower] < ours[higher] else "FAILS"
        print(f"pair: {lower} {ours[lower]:.2f} < {higher} {ours[higher]:.2f}: {holds}")
    for line in ablated:
        print(line)
    print(CITATION, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
