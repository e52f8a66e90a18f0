"""Command line: `python -m icilens validate|train|predict ...`. Exit 2 means an unusable input."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from icilens import DISCLAIMER, __version__

EXIT_UNUSABLE = 2


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """Return {key: value} from repeated 'key=value' options; raises ValueError on a malformed one."""
    pairs: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{option} takes KEY=VALUE, for example {option} 'Diagnosis=cancer_type'; got {item!r}")
        pairs[key.strip()] = value.strip()
    return pairs


def _choices(args: argparse.Namespace) -> dict:
    """Return the intake choices given on the command line: --map, --unit, --set, --sheet."""
    mapping = {h: (f or None) if f not in ("none", "-") else None for h, f in _pairs(args.map, "--map").items()}
    return {
        "sheet": getattr(args, "sheet", None),
        "mapping": mapping,
        "units": _pairs(args.unit, "--unit"),
        "set_values": _pairs(args.set, "--set"),
    }


def _validate(args: argparse.Namespace) -> int:
    from icilens.intake import IntakeError, read_cohort, usable

    try:
        if _streams(args):
            return _validate_in_chunks(args)
    except ValueError as exc:
        return _fail(str(exc))
    if args.model:
        from icilens.model import load_model

        try:
            model = load_model(args.model)
        except (FileNotFoundError, ValueError) as exc:
            return _fail(str(exc))
        print(f"model: {model.card['name']}, {len(model.boosters)} LightGBM members; ready to use", file=sys.stderr)
    try:
        result = read_cohort(args.cohort, **_choices(args))
    except (IntakeError, ValueError) as exc:
        if args.json:
            print(json.dumps({"file": args.cohort, "usable": False, "reasons": [str(exc)]}, indent=2))
        return _fail(str(exc))
    ok = usable(result)
    reasons = (
        [] if ok else [f"{result.table.name}: no model feature has a usable value; fix the findings and try again."]
    )
    if args.json:
        print(json.dumps(_validation_payload(result, ok, reasons), indent=2))
    else:
        _print_validation(result)
    return 0 if ok else _fail(reasons[0])


def _validate_in_chunks(args: argparse.Namespace) -> int:
    """Check a large file chunk by chunk: findings counted per kind and column, with example rows."""
    from icilens.intake import IntakeError
    from icilens.schema import FEATURES
    from icilens.scoring import check_file

    progress, done = _progress("checking")
    try:
        summary = check_file(args.cohort, progress=progress, **_chunk_options(args))
    except (IntakeError, ValueError) as exc:
        if args.json:
            print(json.dumps({"file": args.cohort, "usable": False, "reasons": [str(exc)]}, indent=2))
        return _fail(str(exc))
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
            "read_in_chunks": {"chunks": summary.chunks, "chunk_rows": _chunk_options(args)["chunk_rows"]},
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
        print(_counts_text(cohort.tally.severity_counts()))
        for header, name in cohort.decision.suggestions.items():
            print(f"suggested, not used until accepted: {header!r} -> {name} (accept with --map '{header}={name}')")
        if not findings.empty:
            print(findings.to_string(index=False, max_colwidth=60))
    return 0 if ok else _fail(reasons[0])


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
    from icilens.schema import FEATURES

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


def _read_usable(path: str, args: argparse.Namespace | None = None):
    """Return the intake result of a cohort file, or raise IntakeError when it cannot be scored."""
    from icilens.intake import IntakeError, read_cohort, usable

    result = read_cohort(path, **(_choices(args) if args is not None else {}))
    if not usable(result):
        raise IntakeError(
            f"{result.table.name}: no model feature has a usable value; run 'icilens validate' to see why."
        )
    return result


def _train(args: argparse.Namespace) -> int:
    from icilens.datasets import provenance_of
    from icilens.intake import IntakeError
    from icilens.model import file_sha256, save_model, train_model

    try:
        result = _read_usable(args.cohort)
        sha256 = file_sha256(args.cohort)
        model = train_model(result.frame, sha256, result.table.name, provenance_of(sha256))
        from icilens.analysis import compare_trained, format_comparison
        from icilens.model import default_model_dir, load_model

        print(format_comparison(compare_trained(model, result.frame, load_model(default_model_dir()))), "\n")
        if args.validate:
            from icilens.analysis import evaluate_model, fit_logistic_baseline, format_report

            external = _read_usable(args.validate)
            baseline = fit_logistic_baseline(result.frame)
            report = evaluate_model(model, external.frame, baseline, external.table.name, donors=result.frame)
            model.card["validation"] = report
            print(format_report(report))
    except (IntakeError, ValueError) as exc:
        return _fail(str(exc))
    if str(args.out).lower().endswith(".zip"):
        from icilens.model import model_to_zip

        failed = _write_output(args.out, lambda: Path(args.out).write_bytes(model_to_zip(model)))
        if failed is not None:
            return failed
    else:
        save_model(model, args.out)
    print(f"model written to {args.out} ({model.card['training']['patients']} training patients)")
    return 0


def _cohort_and_model(args: argparse.Namespace):
    """Return (intake result, model) for a command, or the exit code after printing why they cannot be used."""
    from icilens.intake import IntakeError
    from icilens.model import default_model_dir, load_model

    try:
        return _read_usable(args.cohort, args), load_model(args.model or default_model_dir())
    except (IntakeError, FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))


def _output_problem(args: argparse.Namespace, inputs: list[str]) -> str:
    """Return why --out cannot be written ('' when it can): an input, an existing file without --force, a bad folder."""
    out = Path(args.out)
    if any(out.resolve() == Path(i).resolve() for i in inputs if i):
        return f"--out {out} is the input file; choose another name so the cohort is not overwritten."
    if out.exists() and not getattr(args, "force", False):
        return f"{out} already exists; choose another name or add --force to overwrite it."
    if not out.parent.exists():
        return f"the folder {out.parent} does not exist; create it or choose another --out."
    return ""


def _write_output(path: str, write) -> int | None:
    """Run write(); return the exit code with a clear message when the file cannot be written, else None."""
    try:
        write()
    except OSError as exc:
        return _fail(f"{path} could not be written ({exc.strerror or exc}); check the folder and its permissions.")
    return None


def _predict(args: argparse.Namespace) -> int:
    if args.patient is not None:
        return _predict_one(args)
    if args.cohort is None or args.out is None:
        return _fail("predict needs a cohort file and --out, or one patient with --patient 'tmb=12.5,...'.")
    if args.dask or args.scheduler:
        return _predict_on_cluster(args)
    if Path(args.out).suffix.lower() not in (".csv", ".parquet"):
        return _fail(f"--out {args.out}: name a .csv or .parquet file; the extension chooses the format.")
    problem = _output_problem(args, [args.cohort])
    if problem:
        return _fail(problem)
    try:
        streams = _streams(args)
    except ValueError as exc:
        return _fail(str(exc))
    if streams:
        return _predict_in_chunks(args)
    loaded = _cohort_and_model(args)
    if isinstance(loaded, int):
        return loaded
    from icilens.scoring import predict_cohort, write_table

    result, model = loaded
    table = predict_cohort(model, result.frame, explain=args.explain)
    failed = _write_output(args.out, lambda: write_table(table, args.out))
    if failed is not None:
        return failed
    print(f"{len(table)} predictions written to {args.out}")
    return 0


STREAM_ABOVE_BYTES = 16 * 1024 * 1024  # larger CSV, TSV and Parquet files are read in chunks


def _streams(args: argparse.Namespace) -> bool:
    """Return whether to read the cohort in chunks: asked with --chunk-rows, or a large CSV/TSV/Parquet file."""
    from icilens.scoring import can_stream

    path = Path(args.cohort)
    if args.chunk_rows is not None and not can_stream(path):
        raise ValueError(f"{path.name}: only CSV, TSV and Parquet files are read in chunks; save it as CSV.")
    if args.in_memory or not can_stream(path) or not path.is_file():
        return False
    return args.chunk_rows is not None or path.stat().st_size > STREAM_ABOVE_BYTES


def _progress(label: str):
    """Return a progress callback drawing a bar on a terminal (nothing when stderr is not one), and its closer."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=0, unit=" patients", unit_scale=True, desc=label, file=sys.stderr)

    def update(done: int, total: int) -> None:
        bar.total = max(total, done)
        bar.update(done - bar.n)

    return update, bar.close


def _chunk_options(args: argparse.Namespace) -> dict:
    from icilens.scoring import CHUNK_ROWS

    choices = _choices(args)
    choices.pop("sheet")
    return {"chunk_rows": args.chunk_rows or CHUNK_ROWS, **choices}


def _predict_in_chunks(args: argparse.Namespace) -> int:
    from icilens.intake import IntakeError
    from icilens.model import default_model_dir, load_model
    from icilens.scoring import predict_file

    progress, done = _progress("scoring")
    try:
        model = load_model(args.model or default_model_dir())
        summary = predict_file(model, args.cohort, args.out, args.explain, progress=progress, **_chunk_options(args))
    except (IntakeError, FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{args.out} could not be written ({exc.strerror or exc}); check the folder and its permissions.")
    finally:
        done()
    cohort = summary.cohort
    print(
        f"{cohort.patients} predictions written to {args.out} ({summary.chunks} chunks of up to {_chunk_options(args)['chunk_rows']:,} rows)"
    )
    print(
        "findings: " + _counts_text(cohort.tally.severity_counts()) + "; run 'icilens validate' on the file to see them"
    )
    return 0


def _predict_on_cluster(args: argparse.Namespace) -> int:
    from icilens.intake import IntakeError
    from icilens.model import default_model_dir, load_model
    from icilens.scoring import predict_on_cluster, start_client

    out = Path(args.out)
    if out.suffix:
        return _fail(f"--out {out}: with a cluster, name a folder; each partition writes its own Parquet part there.")
    if out.exists() and any(out.iterdir()) and not args.force:
        return _fail(f"{out} is not empty; choose another folder or add --force to write into it.")
    try:
        model = load_model(args.model or default_model_dir())
        client = start_client(args.scheduler, args.workers)
    except (FileNotFoundError, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"the Dask scheduler {args.scheduler} could not be reached ({exc}); check the address.")
    try:
        options = _chunk_options(args)
        summary = predict_on_cluster(model, args.cohort, out, client, args.explain, **options)
    except (IntakeError, ValueError) as exc:
        return _fail(str(exc))
    finally:
        client.close()
    print(f"{summary.patients} predictions written to {out}/ as {len(summary.parts)} Parquet parts")
    print("findings: " + _counts_text(summary.tally.severity_counts()))
    return 0


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items())


def _predict_one(args: argparse.Namespace) -> int:
    """Predict one patient given on the command line, read by the same intake as a file; print it."""
    from icilens.explain import explain_patient, format_prediction
    from icilens.intake.by_hand import check_patient, next_entry_id, parse_patient_option
    from icilens.model import default_model_dir, load_model

    if args.cohort is not None:
        return _fail("give either a cohort file or --patient, not both.")
    try:
        values, units = parse_patient_option(args.patient)
        model = load_model(args.model or default_model_dir())
    except (ValueError, FileNotFoundError) as exc:
        return _fail(str(exc))
    check = check_patient({"patient_id": next_entry_id([]), **values}, units)
    if check.result is None:
        return _fail(
            "the patient's values were refused:\n" + "\n".join(f"  {n}: {why}" for n, why in check.problems.items())
        )
    explanation = explain_patient(model, check.result.frame)
    print(format_prediction(explanation, model.card, explain=args.explain))
    return 0


def _report(args: argparse.Namespace) -> int:
    from icilens.reports import build_patient_report, input_notes

    problem = _output_problem(args, [args.cohort])
    if problem:
        return _fail(problem)
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
    failed = _write_output(args.out, lambda: Path(args.out).write_bytes(pdf))
    if failed is not None:
        return failed
    print(f"report for patient {args.patient} written to {args.out}")
    return 0


def _intake_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--sheet", help="XLSX sheet to read (default: the visible sheet that looks like a cohort)")
    command.add_argument(
        "--map", action="append", metavar="COLUMN=FIELD", help="read a column as a field (FIELD 'none' sets it aside)"
    )
    command.add_argument("--unit", action="append", metavar="COLUMN=UNIT", help="the unit a numeric column is in")
    command.add_argument(
        "--set", action="append", metavar="FIELD=VALUE", help="one value for every patient, e.g. cancer_type=Melanoma"
    )


def _size_options(command: argparse.ArgumentParser) -> None:
    size = command.add_mutually_exclusive_group()
    size.add_argument(
        "--chunk-rows",
        type=_positive,
        metavar="N",
        help="read the file in chunks of N rows (CSV, TSV, Parquet; the default for files over 16 MB, 50,000 rows)",
    )
    size.add_argument("--in-memory", action="store_true", help="read the whole file at once, however large")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(
        prog="icilens",
        description=f"ICI Lens {__version__}: predict and explain response to immune checkpoint inhibitors. {DISCLAIMER}",
    )
    parser.add_argument("--version", action="version", version=f"icilens {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    validate = commands.add_parser("validate", help="check a cohort file and list what intake found")
    validate.add_argument("cohort", metavar="file", help="CSV, TSV, XLSX or Parquet cohort")
    _intake_options(validate)
    validate.add_argument("--json", action="store_true", help="print the result as JSON (also when unusable)")
    validate.add_argument("--model", help="also check a model folder or zip before it is used")
    _size_options(validate)
    validate.set_defaults(run=_validate)

    train = commands.add_parser("train", help="train a response model on a labelled cohort")
    train.add_argument("cohort", help="cohort with an observed response column")
    train.add_argument(
        "--out", required=True, help="folder for model_XX.txt files and model_card.json, or a .zip of them"
    )
    train.add_argument(
        "--validate", metavar="COHORT", help="labelled cohort to evaluate the model on once, after training"
    )
    train.set_defaults(run=_train)

    predict = commands.add_parser("predict", help="predict response for every patient of a cohort")
    predict.add_argument(
        "cohort",
        nargs="?",
        help="CSV, TSV, XLSX or Parquet cohort (with a cluster: Parquet files, e.g. 'data/*.parquet')",
    )
    predict.add_argument("--out", help="the .csv or .parquet file to write (with a cluster: a folder)")
    predict.add_argument(
        "--patient",
        metavar="'FEATURE=VALUE,...'",
        help="one patient instead of a file, e.g. 'cancer_type=NSCLC,tmb=12.5,albumin=39 g/L' (a unit after a space)",
    )
    predict.add_argument("--model", help="model folder or zip (default: the bundled model)")
    predict.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    predict.add_argument(
        "--explain",
        action="store_true",
        help="add log-odds output and SHAP values per feature (with --patient: print them)",
    )
    _intake_options(predict)
    _size_options(predict)
    cluster = predict.add_argument_group("a Dask cluster (Parquet input, a folder of Parquet parts as output)")
    where = cluster.add_mutually_exclusive_group()
    where.add_argument("--dask", choices=["local"], help="'local': start a cluster of worker processes here")
    where.add_argument("--scheduler", metavar="ADDRESS", help="the address of a running Dask scheduler")
    cluster.add_argument("--workers", type=int, default=2, help="worker processes of --dask local (default 2)")
    predict.set_defaults(run=_predict)

    report = commands.add_parser("report", help="write a printable PDF report for one patient")
    report.add_argument("cohort", help="CSV, TSV, XLSX or Parquet cohort")
    report.add_argument("--patient", required=True, help="the patient id")
    report.add_argument("--out", required=True, help="PDF file to write")
    report.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    report.add_argument("--model", help="model folder or zip (default: the bundled model)")
    _intake_options(report)
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
