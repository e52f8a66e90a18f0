"""Leave-one-cohort-out validation of the transcriptome model against single signatures and trained candidates.

    python benchmarks/transcriptome_loco.py [--markdown]

For each reference cohort with RECIST responders and non-responders (and the signatures' genes measured),
every candidate is trained on the other cohorts and scored on it: ROC AUC with a bootstrap 95% CI (1,000 draws
over the cohort's patients). CYT, IFN-gamma 6, GEP and TMB are untrained: their value is the score. The
COMPASS column repeats the leave-one-cohort-out AUCs its authors published (mims-harvard/COMPASS).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd
from _common import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from train_transcriptome_model import validate

from icilens.transcriptome.candidates import validation_cohorts
from icilens.transcriptome.loco import with_ranks
from icilens.transcriptome.reference_cohorts import load_reference_cohorts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown for the README")
    args = parser.parse_args()
    result = validate(with_ranks(validation_cohorts(load_reference_cohorts())))
    print(render(result, args.markdown))
    return 0


def render(result: pd.DataFrame, markdown: bool = False) -> str:
    """Return the table as text: AUC (95% CI) per cohort and candidate, and each candidate's mean."""
    columns = [c for c in result.columns if c not in ("cohort", "n", "responders")]
    header = ["cohort", "n (responders)", *columns]
    rows = [
        [str(r["cohort"]), f"{r['n']} ({r['responders']})", *(_cell(r[c]) for c in columns)]
        for _, r in result.iterrows()
    ]
    means = ["mean", f"{result['n'].sum()} ({result['responders'].sum()})"]
    for column in columns:
        values = [v[0] if isinstance(v, tuple) else v for v in result[column] if not _empty(v)]
        means.append(f"{np.mean(values):.3f} ({len(values)} cohorts)" if values else "")
    lines = [header, *rows, means]
    if not markdown:
        return "\n".join("\t".join(line) for line in lines)
    return "\n".join(
        ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        + ["| " + " | ".join(line) + " |" for line in lines[1:]]
    )


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _cell(value: object) -> str:
    if _empty(value):
        return ""
    if isinstance(value, tuple):
        return f"{value[0]:.2f} ({value[1]:.2f}-{value[2]:.2f})"
    return f"{value:.2f}"


if __name__ == "__main__":
    sys.exit(main())
