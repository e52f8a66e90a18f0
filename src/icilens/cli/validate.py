"""`icilens validate`: check a cohort file (and a model) and list what intake found; exit 2 when unusable."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from icilens.cli.common import (
    UsageError,
    chunk_options,
    counts_text,
    fail,
    intake_choices,
    progress_bar,
    reads_in_chunks,
    transcriptome_of,
)
from icilens.intake import IntakeError, read_cohort, usable
from icilens.model import load_model
from icilens.schema import FEATURES
from icilens.scoring import (
    check_file,
)


def run(args: argparse.Namespace) -> int:

    try:
        if reads_in_chunks(args):
            return _validate_in_chunks(args)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.model:
        try:
            model = load_model(args.model)
        except (FileNotFoundError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        print(f"model: {model.card['name']}, {len(model.boosters)} LightGBM members; ready to use", file=sys.stderr)
    try:
        result = read_cohort(args.cohort, **intake_choices(args))
    except (IntakeError, ValueError) as exc:
        if args.json:
            print(json.dumps({"file": args.cohort, "usable": False, "reasons": [str(exc)]}, indent=2))
        raise UsageError(str(exc)) from None
    ok = usable(result)
    reasons = (
        [] if ok else [f"{result.table.name}: no model feature has a usable value; fix the findings and try again."]
    )
    expression = _expression_payload(args, result)
    if args.json:
        payload = _validation_payload(result, ok, reasons)
        if expression is not None:
            payload["expression"] = expression
        print(json.dumps(payload, indent=2, default=str))
    else:
        _print_validation(result)
        if expression is not None:
            _print_expression(expression)
    return 0 if ok else fail(reasons[0])


def _expression_payload(args: argparse.Namespace, result) -> dict | None:
    """Return the expression intake as data when --expression is given; an unusable file is a usage error."""
    try:
        expression = transcriptome_of(args, result)
    except UsageError as exc:
        if args.json:
            print(json.dumps({"file": args.cohort, "usable": False, "reasons": [f"expression: {exc}"]}, indent=2))
        raise
    if expression is None:
        return None
    from icilens.transcriptome.rna_predictions import summarise_transcriptome  # only with --expression

    return summarise_transcriptome(*expression)


def _print_expression(summary: dict) -> None:
    print(
        f"expression {summary['file']}: {summary['samples']} samples, {summary['orientation']}, "
        f"{summary['gene_ids']}, {summary['scale']} ({summary['scale_evidence']})"
    )
    print(
        f"{summary['samples_linked']} samples linked by {summary['linked_by']}; "
        f"{summary['with_prediction']} patients with a transcriptome prediction (percentiles {summary['percentiles']})"
    )
    for finding in summary["findings"]:
        where = _where(finding)
        print(
            f"  {finding['severity']}: {where}{finding['problem']}"
            + (f" ({finding['action']})" if finding["action"] else "")
        )


def _where(finding: dict) -> str:
    """Return the sample or column a finding is about, as a prefix, when its sentence does not name it already."""
    column = finding.get("column") or ""
    return f"{column}: " if column and column not in finding["problem"] else ""


def _validate_in_chunks(args: argparse.Namespace) -> int:
    """Check a large file chunk by chunk: findings counted per kind and column, with example rows."""

    progress, done = progress_bar("checking")
    try:
        summary = check_file(args.cohort, progress=progress, **chunk_options(args))
    except (IntakeError, ValueError) as exc:
        if args.json:
            print(json.dumps({"file": args.cohort, "usable": False, "reasons": [str(exc)]}, indent=2))
        raise UsageError(str(exc)) from None
    finally:
        done()
    cohort = summary.cohort
    present = [f for f in FEATURES if f in cohort.features_present]
    ok = cohort.patients > 0 and bool(present)
    reasons = [] if ok else [f"{args.cohort}: no model feature has a usable value; fix the findings and try again."]
    findings = cohort.tally.frame()
    if args.json:
        payload = {
            "file": args.cohort,
            "usable": ok,
            "reasons": reasons,
            "read_in_chunks": {"chunks": summary.chunks, "chunk_rows": chunk_options(args)["chunk_rows"]},
            "patients": cohort.patients,
            "mapping": cohort.decision.mapping,
            "suggestions": cohort.decision.suggestions,
            "features_present": present,
            "severity_counts": cohort.tally.severity_counts(),
            "findings": json.loads(findings.to_json(orient="records")),
        }
        print(json.dumps(payload, indent=2))
    else:
        print(
            f"{Path(args.cohort).name}: {cohort.patients} patients, {len(present)} of {len(FEATURES)} features present"
        )
        print(f"read in {summary.chunks} chunks; findings counted per kind and column, with example rows")
        print(counts_text(cohort.tally.severity_counts()))
        for header, name in cohort.decision.suggestions.items():
            print(f"suggested, not used until accepted: {header!r} -> {name} (accept with --map '{header}={name}')")
        if not findings.empty:
            print(findings.to_string(index=False, max_colwidth=60))
    return 0 if ok else fail(reasons[0])


def _validation_payload(result, ok: bool, reasons: list[str]) -> dict:
    table = result.table
    return {
        "file": table.name,
        "usable": ok,
        "reasons": reasons,
        "sheet": table.sheet,
        "header_row": table.header_row,
        "patients": len(result.frame),
        "mapping": result.mapping,
        "suggestions": result.suggestions,
        "columns": [
            {"column": m.header, "field": m.field, "state": m.state, "confidence": m.confidence, "why": m.why}
            | ({"unit": m.unit} if m.unit else {})
            for m in result.columns
        ],
        "set_values": result.set_values,
        "features_present": result.features_present,
        "severity_counts": result.severity_counts(),
        "findings": json.loads(result.findings.to_json(orient="records")),
    }


def _print_validation(result) -> None:

    table, counts = result.table, result.severity_counts()
    sheet = f" (sheet {table.sheet!r})" if table.sheet else ""
    print(
        f"{table.name}{sheet}: {len(result.frame)} patients, "
        f"{len(result.features_present)} of {len(FEATURES)} features present"
    )
    print(", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items()))
    for header, name in result.suggestions.items():
        print(f"suggested, not used until accepted: {header!r} -> {name} (accept with --map '{header}={name}')")
    if not result.findings.empty:
        print(result.findings.astype(object).fillna("").to_string(index=False, max_colwidth=60))
