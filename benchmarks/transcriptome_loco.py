"""Validation of the transcriptome model on every endpoint: response by leaving one cohort out, beside the single
signatures and the trained candidates, and overall and progression-free survival, each pooled across cohorts.

    python benchmarks/transcriptome_loco.py [--readme]

For each reference cohort with RECIST responders and non-responders (and the signatures' genes measured),
every candidate is trained on the other cohorts and scored on it: ROC AUC with a bootstrap 95% CI (1,000 draws
over the cohort's patients). CYT, IFN-gamma 6, GEP and TMB are untrained: their value is the score. The
COMPASS column repeats the leave-one-cohort-out AUCs its authors published (mims-harvard/COMPASS). On survival,
every cohort with at least 15 patients and 5 events is scored by the model fitted without it: Harrell's C
(bootstrap 95% CI) and the Cox hazard ratio per SD (Wald 95% CI), pooled by a DerSimonian-Laird random-effects
meta-analysis. The declared candidates are then chosen among by nested leave-one-cohort-out
(`transcriptome.selection`): inside each outer fold the other cohorts choose, and the held-out cohort scores the
choice. With --readme the README's tables and forest plots are rewritten from this run.
"""

from __future__ import annotations

import argparse
import re
import sys
import time

import numpy as np
from _common import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from train_transcriptome_model import validate

from icilens.plots import plot_forest
from icilens.reports import figure_to_image
from icilens.reports.evidence_tables import evidence_markdown, loco_markdown, selection_markdown
from icilens.transcriptome.candidates import declared_candidates, shipped_model_candidate, validation_cohorts
from icilens.transcriptome.endpoints import FIGURES, MODEL_SCORE, forest_rows, gather_evidence
from icilens.transcriptome.loco import with_ranks
from icilens.transcriptome.reference_cohorts import load_reference_cohorts
from icilens.transcriptome.selection import select_nested

README = ROOT / "README.md"
FORESTS = {  # the README's two pictures: the model on response and on overall survival
    "Response: ROC AUC": ROOT / "assets" / "evidence" / "forest_response.png",
    "Overall survival: Harrell's C": ROOT / "assets" / "evidence" / "forest_os.png",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="rewrite the README's tables and forest plots")
    args = parser.parse_args()
    started = time.perf_counter()
    reference = load_reference_cohorts()
    table = with_ranks(validation_cohorts(reference))
    result = validate(table)
    rows = [{k: v for k, v in row.items() if not _empty(v)} for row in result.to_dict("records")]
    evidence = gather_evidence(with_ranks(reference), shipped_model_candidate, result)
    evidence = _as_json(evidence)
    selection = _as_json(select_nested(table, declared_candidates()))
    loco, tables = loco_markdown(rows), evidence_markdown({"evidence": evidence})
    chosen = selection_markdown(selection)
    print(loco, tables, chosen, sep="\n\n")
    print(f"\n{time.perf_counter() - started:.0f} s")
    if args.readme:
        text = _replace(README.read_text(), "loco", loco)
        text = _replace(text, "evidence", tables)
        README.write_text(_replace(text, "selection", chosen))
        for figure, path in FORESTS.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(figure_to_image(forest(evidence, figure)))
        print(f"README tables and {len(FORESTS)} forest plots rewritten")
    return 0


def forest(evidence: dict, figure: str):
    """Return the model's forest plot of one figure, as the Model page draws it."""
    endpoint, suffix, axis, null, log_x = FIGURES[figure]
    cohorts, pooled = forest_rows(evidence, endpoint, f"{MODEL_SCORE}{suffix}")
    subtitle = "each cohort scored by the model fitted without it (patients in brackets); 95% CIs"
    return plot_forest(cohorts, pooled, null, axis, f"{MODEL_SCORE}: {figure}", subtitle=subtitle, log_x=log_x)


def _replace(text: str, name: str, table: str) -> str:
    pattern = re.compile(
        rf"(<!-- {name}: written by benchmarks/transcriptome_loco.py -->\n).*?(<!-- {name} end -->)", re.S
    )
    if not pattern.search(text):
        raise SystemExit(f"README.md has no '{name}' markers to write between")
    return pattern.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text)


def _as_json(value):
    """Return value with tuples as lists, as the card stores them, so the README reads the same either way."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_json(v) for v in value]
    return value


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


if __name__ == "__main__":
    sys.exit(main())
