"""The transcriptome model's evidence as the README's markdown tables, from its card: response, the study's own
responder call, OS and PFS per cohort, each with the random-effects pool and its heterogeneity."""

from __future__ import annotations

from icilens.transcriptome.anchors import anchor_table, describe_anchors
from icilens.transcriptome.endpoints import ENDPOINTS, MODEL_SCORE, describe_benefit_difference
from icilens.transcriptome.loco import UNTRAINED
from icilens.transcriptome.reference_cohorts import label_cohort
from icilens.transcriptome.selection import describe_difference, selection_by_fold, summarise_selection

SCORES = (MODEL_SCORE, *UNTRAINED)


def evidence_markdown(card: dict) -> str:
    """Return the README's evidence tables: ROC AUC on response and on the study's own responder call (with the
    model's difference from IFN-gamma 6 there), then Harrell's C and the hazard ratio per SD on overall and
    progression-free survival; each cohort's figure with its 95% CI and a last row pooling them."""
    evidence = card["evidence"]
    parts = [
        _table("Objective response (RECIST): ROC AUC", evidence["response"], "", "responders"),
        _table(
            "The study's own responder call, in cohorts without RECIST (never trained on): ROC AUC",
            evidence["benefit"],
            "",
            "responders",
        ),
        describe_benefit_difference(evidence),
    ]
    for endpoint, name in ENDPOINTS.items():
        parts.append(_table(f"{name}: Harrell's C", evidence[endpoint], ": C", "events"))
        parts.append(_table(f"{name}: hazard ratio per SD of the score", evidence[endpoint], ": HR per SD", "events"))
        if endpoint == "os" and evidence["os"].get("anchors"):
            parts += ["**Overall survival beside a published anchor**", _frame_markdown(anchor_table(evidence))]
            parts.append(describe_anchors())
    return "\n\n".join(part for part in parts if part)


def _table(title: str, part: dict, suffix: str, counted: str) -> str:
    header = ["cohort", f"n ({counted})", *SCORES]
    rows = [
        [
            label_cohort(row["cohort"]),
            f"{row['n']} ({row[counted]})",
            *(_interval(row.get(f"{s}{suffix}")) for s in SCORES),
        ]
        for row in part["table"]
    ]
    pooled = [_pooled(part["pooled"].get(f"{s}{suffix}")) for s in SCORES]
    rows.append(["pooled (random effects)", f"{len(part['table'])} cohorts", *pooled])
    return f"**{title}**\n\n" + _markdown_table(header, rows)


def _interval(cell: list | None) -> str:
    return "" if not cell else f"{cell[0]:.2f} ({cell[1]:.2f} to {cell[2]:.2f})"


def _pooled(pooled: dict | None) -> str:
    if pooled is None:
        return ""
    return (
        f"**{pooled['estimate']:.2f}** ({pooled['low']:.2f} to {pooled['high']:.2f}); "
        f"{int(pooled['cohorts'])} cohorts, I² {pooled['i2']:.0%}"
    )


def loco_markdown(rows: list[dict]) -> str:
    """Return the leave-one-cohort-out ROC AUC table of the model, the single scores and every trained candidate
    (the card's validation rows): one row per cohort, then each column's mean over the cohorts it scored."""
    columns = list(dict.fromkeys(c for row in rows for c in row if c not in ("cohort", "n", "responders")))
    header = ["cohort", "n (responders)", *columns]
    cells = [
        [label_cohort(row["cohort"]), f"{row['n']} ({row['responders']})", *(_figure(row.get(c)) for c in columns)]
        for row in rows
    ]
    means = []
    for column in columns:
        values = [v[0] if isinstance(v, (list, tuple)) else v for r in rows if (v := r.get(column)) is not None]
        means.append(f"{sum(values) / len(values):.3f} ({len(values)} cohorts)" if values else "")
    total = f"{sum(r['n'] for r in rows)} ({sum(r['responders'] for r in rows)})"
    return _markdown_table(header, [*cells, ["mean", total, *means]])


def _figure(cell: list | tuple | float | None) -> str:
    if isinstance(cell, (list, tuple)):
        return _interval(list(cell))
    return "" if cell is None else f"{cell:.2f}"


def selection_markdown(selection: dict) -> str:
    """Return the README's account of the choice among the declared candidates: each candidate's inner and outer
    figures, the choice in each outer fold, and the gap to the ambition."""
    parts = [
        "**Inner and outer figures of every declared candidate**",
        _frame_markdown(summarise_selection(selection)),
        "**The choice in each outer fold** (outer ROC AUC of every candidate on the cohort held out)",
        _frame_markdown(selection_by_fold(selection, label_cohort)),
        describe_difference(selection),
    ]
    return "\n\n".join(parts)


def _frame_markdown(frame) -> str:
    return _markdown_table(list(frame.columns), [[str(v) for v in row] for row in frame.itertuples(index=False)])


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])
