"""Command line: `python -m icilens validate|train|predict ...`. Exit 2 means an unusable input."""

from __future__ import annotations

import argparse
import json
import sys

from icilens import DISCLAIMER, __version__

EXIT_UNUSABLE = 2


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def _validate(args: argparse.Namespace) -> int:
    from icilens.intake import IntakeError, read_cohort, usable

    try:
        result = read_cohort(args.file, sheet=args.sheet)
    except IntakeError as exc:
        return _fail(str(exc))
    ok = usable(result)
    if args.json:
        payload = {
            "file": result.table.name,
            "usable": ok,
            "patients": len(result.frame),
            "mapping": result.mapping,
            "features_present": result.features_present,
            "severity_counts": result.severity_counts(),
            "findings": json.loads(result.findings.to_json(orient="records")),
        }
        print(json.dumps(payload, indent=2))
    else:
        counts = result.severity_counts()
        print(
            f"{result.table.name}: {len(result.frame)} patients, {len(result.features_present)} of 17 features present"
        )
        print(", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items()))
        if not result.findings.empty:
            print(result.findings.astype(object).fillna("").to_string(index=False, max_colwidth=60))
    if not ok:
        return _fail(f"{result.table.name}: no model feature has a usable value; fix the findings above and try again.")
    return 0


def _read_usable(path: str):
    """Return the intake result of a cohort file, or raise IntakeError when it cannot be scored."""
    from icilens.intake import IntakeError, read_cohort, usable

    result = read_cohort(path)
    if not usable(result):
        raise IntakeError(
            f"{result.table.name}: no model feature has a usable value; run 'icilens validate' to see why."
        )
    return result


def _train(args: argparse.Namespace) -> int:
    from icilens.intake import IntakeError
    from icilens.model import file_sha256, save_model, train_model

    try:
        result = _read_usable(args.cohort)
        model = train_model(result.frame, file_sha256(args.cohort), result.table.name)
        if args.validate:
            from icilens.validation import evaluate_model, fit_logistic_baseline, format_report

            external = _read_usable(args.validate)
            report = evaluate_model(model, external.frame, fit_logistic_baseline(result.frame), external.table.name)
            model.card["validation"] = report
            print(format_report(report))
    except (IntakeError, ValueError) as exc:
        return _fail(str(exc))
    save_model(model, args.out)
    print(f"model written to {args.out} ({model.card['training']['patients']} training patients)")
    return 0


def _cohort_and_model(args: argparse.Namespace):
    """Return (intake result, model) for a command, or the exit code after printing why they cannot be used."""
    from icilens.intake import IntakeError
    from icilens.model import default_model_dir, load_model

    try:
        return _read_usable(args.cohort), load_model(args.model or default_model_dir())
    except (IntakeError, FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))


def _predict(args: argparse.Namespace) -> int:
    from icilens.export import write_csv
    from icilens.predictions import predict_cohort

    loaded = _cohort_and_model(args)
    if isinstance(loaded, int):
        return loaded
    result, model = loaded
    table = predict_cohort(model, result.frame, explain=args.explain)
    write_csv(table, args.out)
    print(f"{len(table)} predictions written to {args.out}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from icilens.report import build_patient_report, input_notes

    loaded = _cohort_and_model(args)
    if isinstance(loaded, int):
        return loaded
    result, model = loaded
    ids = result.frame["patient_id"].astype(str)
    if args.patient not in set(ids):
        return _fail(
            f"{result.table.name} has no patient with id {args.patient!r}; ids look like {', '.join(ids.head(3))}."
        )
    index = int((ids == args.patient).to_numpy().argmax())
    notes = input_notes(
        result.frame.iloc[[index]], result.findings, int(result.source_rows.iloc[index]), result.mapping
    )
    pdf = build_patient_report(model, result.frame.iloc[[index]], notes=notes, cohort_label=result.table.name)
    with open(args.out, "wb") as handle:
        handle.write(pdf)
    print(f"report for patient {args.patient} written to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(
        prog="icilens",
        description=f"ICI Lens {__version__}: predict and explain response to immune checkpoint inhibitors. {DISCLAIMER}",
    )
    parser.add_argument("--version", action="version", version=f"icilens {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser("validate", help="check a cohort file and list what intake found")
    validate.add_argument("file", help="CSV, TSV, XLSX or Parquet cohort")
    validate.add_argument("--sheet", help="XLSX sheet to read (default: the one that looks like a cohort)")
    validate.add_argument("--json", action="store_true", help="print the result as JSON")
    validate.set_defaults(run=_validate)

    train = commands.add_parser("train", help="train a response model on a labelled cohort")
    train.add_argument("cohort", help="cohort with an observed response column")
    train.add_argument("--out", required=True, help="folder for model_XX.txt files and model_card.json")
    train.add_argument(
        "--validate", metavar="COHORT", help="labelled cohort to evaluate the model on once, after training"
    )
    train.set_defaults(run=_train)

    predict = commands.add_parser("predict", help="predict response for every patient of a cohort")
    predict.add_argument("cohort", help="CSV, TSV, XLSX or Parquet cohort")
    predict.add_argument("--out", required=True, help="CSV file to write")
    predict.add_argument("--model", help="model folder (default: the bundled model)")
    predict.add_argument("--explain", action="store_true", help="add log-odds output and SHAP values per feature")
    predict.set_defaults(run=_predict)

    report = commands.add_parser("report", help="write a printable PDF report for one patient")
    report.add_argument("cohort", help="CSV, TSV, XLSX or Parquet cohort")
    report.add_argument("--patient", required=True, help="the patient id")
    report.add_argument("--out", required=True, help="PDF file to write")
    report.add_argument("--model", help="model folder (default: the bundled model)")
    report.set_defaults(run=_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a message, never a traceback
        return _fail(
            f"unexpected {type(exc).__name__} while running {args.command}; please report it with the command used."
        )
