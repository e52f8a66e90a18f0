"""`icilens train`: train a model on a labelled cohort, judge it beside the default, and write it."""

from __future__ import annotations

import argparse
from pathlib import Path

from icilens.analysis import evaluate_model, fit_logistic_baseline, format_judgement, format_report, judge_trained_model
from icilens.cli.common import UsageError, read_usable, write_output
from icilens.datasets import provenance_of
from icilens.intake import IntakeError
from icilens.model import default_model_dir, file_sha256, load_model, model_to_zip, save_model, train_model


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
    return 0
