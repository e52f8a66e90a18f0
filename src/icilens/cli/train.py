"""`icilens train`: train a model on a labelled cohort, judge it beside the default, and write it."""

from __future__ import annotations

import argparse
from pathlib import Path

from icilens.cli.common import UsageError, read_usable, transcriptome_of, write_output
from icilens.datasets import provenance_of
from icilens.intake import IntakeError
from icilens.model import default_model_dir, file_sha256, load_model, model_to_zip, save_model
from icilens.training import (
    evaluate_model,
    fit_logistic_baseline,
    format_judgement,
    format_report,
    judge_trained_model,
    train_model,
)


def run(args: argparse.Namespace) -> int:

    try:
        result = read_usable(args.cohort)
        sha256 = file_sha256(args.cohort)
        model = train_model(result.frame, sha256, result.table.name, provenance_of(sha256))

        print(format_judgement(judge_trained_model(model, result.frame, load_model(default_model_dir()))), "\n")
        if args.validate:
            external = read_usable(args.validate)
            baseline = fit_logistic_baseline(result.frame)
            report = evaluate_model(model, external.frame, baseline, external.table.name, donors=result.frame)
            model.card["validation"] = report
            print(format_report(report))
    except (IntakeError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if str(args.out).lower().endswith(".zip"):
        write_output(args.out, lambda: Path(args.out).write_bytes(model_to_zip(model)))
    else:
        save_model(model, args.out)
    print(f"model written to {args.out} ({model.card['training']['patients']} training patients)")
    if args.expression:
        _train_transcriptome(args, result)
    return 0


def _train_transcriptome(args: argparse.Namespace, result) -> None:
    """Refit the transcriptome model on the cohort's expression and responses; write it beside the model."""
    from icilens.transcriptome.rna_predictions import train_on_cohort  # only with --expression
    from icilens.transcriptome.signature_model import save_signature_model  # likewise

    _, transcriptome = transcriptome_of(args, result)
    try:
        model = train_on_cohort(transcriptome, result.frame["response"], result.table.name)
    except ValueError as exc:
        raise UsageError(f"the transcriptome model could not be fitted: {exc}") from None
    out = Path(args.out)
    path = (
        out.with_name(out.stem + "_transcriptome.json")
        if out.suffix.lower() == ".zip"
        else out / "transcriptome_model.json"
    )
    write_output(str(path), lambda: save_signature_model(model, path))
    print(
        f"transcriptome model written to {path} ({model.card['training']['patients']} patients with expression and a "
        f"response; intercept {model.intercept:.2f}, slope {model.slope:.2f} per unit of the weighted signature score)"
    )
