"""The command line: `python -m icilens validate|train|predict|report`. Exit 2 means an unusable input."""

from __future__ import annotations

import argparse
import importlib

from icilens import DISCLAIMER, __version__
from icilens.cli.common import UsageError, fail


def _intake_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--sheet", help="XLSX sheet to read (default: the visible sheet that looks like a cohort)")
    command.add_argument(
        "--map", action="append", metavar="COLUMN=FIELD", help="read a column as a field (FIELD 'none' sets it aside)"
    )
    command.add_argument("--unit", action="append", metavar="COLUMN=UNIT", help="the unit a numeric column is in")
    command.add_argument(
        "--set", action="append", metavar="FIELD=VALUE", help="one value for every patient, e.g. cancer_type=Melanoma"
    )


def _expression_option(command: argparse.ArgumentParser, extra: str = "") -> None:
    command.add_argument(
        "--expression",
        metavar="FILE",
        nargs="+",
        help="the tumours' RNA-seq: genes x samples (or samples x genes) as CSV, TSV, GEO series matrix, GCT, "
        "featureCounts, XLSX or Parquet, or one file per sample (salmon, RSEM, kallisto, NanoString RCC; several "
        "files or a ZIP), or an nSolver export; "
        "samples are linked to patients by id" + (f"; {extra}" if extra else ""),
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
    _expression_option(validate)
    _size_options(validate)
    validate.set_defaults(command="validate")

    train = commands.add_parser("train", help="train a response model on a labelled cohort")
    train.add_argument("cohort", help="cohort with an observed response column")
    train.add_argument(
        "--out", required=True, help="folder for model_XX.txt files and model_card.json, or a .zip of them"
    )
    train.add_argument(
        "--validate", metavar="COHORT", help="labelled cohort to evaluate the model on once, after training"
    )
    _expression_option(train, "also fit the transcriptome model on the cohort's RECIST labels and write it beside")
    train.set_defaults(command="train")

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
    _expression_option(predict)
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
    predict.set_defaults(command="predict")

    report = commands.add_parser("report", help="write a printable PDF report for one patient")
    report.add_argument("cohort", help="CSV, TSV, XLSX or Parquet cohort")
    report.add_argument("--patient", required=True, help="the patient id")
    report.add_argument("--out", required=True, help="PDF file to write")
    report.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    report.add_argument("--model", help="model folder or zip (default: the bundled model)")
    _expression_option(report)
    _intake_options(report)
    report.set_defaults(command="report")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    # Only the chosen command's module, and what it needs, is imported: `icilens --help` stays quick.
    command = importlib.import_module(f"icilens.cli.{args.command}")
    try:
        return command.run(args)
    except UsageError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a message, never a traceback
        return fail(
            f"unexpected {type(exc).__name__} while running {args.command}; please report it with the command used."
        )
