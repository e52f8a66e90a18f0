"""`icilens predict`: score a cohort (whole, in chunks or on a Dask cluster) or one patient."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from icilens.cli.common import (
    UsageError,
    chunk_options,
    cohort_and_model,
    counts_text,
    output_problem,
    progress_bar,
    read_expression_option,
    reads_in_chunks,
    transcriptome_of,
    write_output,
)
from icilens.explain import explain_patient, format_prediction
from icilens.intake import IntakeError
from icilens.intake.by_hand import check_patient, next_entry_id, parse_patient_option
from icilens.model import default_model_dir, load_model
from icilens.scoring import (
    predict_cohort,
    predict_file,
    predict_on_cluster,
    start_client,
    write_table,
)
from icilens.transcriptome.rna_predictions import add_transcriptome_columns


def run(args: argparse.Namespace) -> int:
    if args.patient is not None:
        return _predict_one(args)
    if args.cohort is None or args.out is None:
        raise UsageError("predict needs a cohort file and --out, or one patient with --patient 'tmb=12.5,...'.")
    if args.expression and (args.dask or args.scheduler or args.chunk_rows):
        raise UsageError("--expression reads the cohort in memory: leave out --dask, --scheduler and --chunk-rows.")
    if args.dask or args.scheduler:
        return _predict_on_cluster(args)
    if Path(args.out).suffix.lower() not in (".csv", ".parquet"):
        raise UsageError(f"--out {args.out}: name a .csv or .parquet file; the extension chooses the format.")
    problem = output_problem(args, [args.cohort])
    if problem:
        raise UsageError(problem)
    try:
        in_chunks = reads_in_chunks(args)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if in_chunks and not args.expression:
        return _predict_in_chunks(args)
    result, model = cohort_and_model(args)
    table = predict_cohort(model, result.frame, explain=args.explain)
    expression = transcriptome_of(args, result)
    if expression is not None:
        intake, transcriptome = expression
        table = add_transcriptome_columns(table, transcriptome.table, args.explain)
        for line in [*intake.findings["problem"], *transcriptome.findings["problem"]]:
            print(f"expression: {line}")
    write_output(args.out, lambda: write_table(table, args.out))
    print(f"{len(table)} predictions written to {args.out}")
    return 0


def _predict_in_chunks(args: argparse.Namespace) -> int:

    progress, done = progress_bar("scoring")
    try:
        model = load_model(args.model or default_model_dir())
        summary = predict_file(model, args.cohort, args.out, args.explain, progress=progress, **chunk_options(args))
    except (IntakeError, FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(
            f"{args.out} could not be written ({exc.strerror or exc}); check the folder and its permissions."
        ) from None
    finally:
        done()
    cohort = summary.cohort
    print(
        f"{cohort.patients} predictions written to {args.out} ({summary.chunks} chunks of up to {chunk_options(args)['chunk_rows']:,} rows)"
    )
    print(
        "findings: " + counts_text(cohort.tally.severity_counts()) + "; run 'icilens validate' on the file to see them"
    )
    return 0


def _predict_on_cluster(args: argparse.Namespace) -> int:

    out = Path(args.out)
    if out.suffix:
        raise UsageError(
            f"--out {out}: with a cluster, name a folder; each partition writes its own Parquet part there."
        )
    if out.exists() and any(out.iterdir()) and not args.force:
        raise UsageError(f"{out} is not empty; choose another folder or add --force to write into it.")
    try:
        model = load_model(args.model or default_model_dir())
        client = start_client(args.scheduler, args.workers)
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(
            f"the Dask scheduler {args.scheduler} could not be reached ({exc}); check the address."
        ) from None
    try:
        options = chunk_options(args)
        summary = predict_on_cluster(model, args.cohort, out, client, args.explain, **options)
    except (IntakeError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    finally:
        client.close()
    print(f"{summary.patients} predictions written to {out}/ as {len(summary.parts)} Parquet parts")
    print("findings: " + counts_text(summary.tally.severity_counts()))
    return 0


def _predict_one(args: argparse.Namespace) -> int:
    """Predict one patient given on the command line, read by the same intake as a file; print it."""

    if args.cohort is not None:
        raise UsageError("give either a cohort file or --patient, not both.")
    try:
        values, units = parse_patient_option(args.patient)
        model = load_model(args.model or default_model_dir())
    except (ValueError, FileNotFoundError) as exc:
        raise UsageError(str(exc)) from None
    check = check_patient({"patient_id": next_entry_id([]), **values}, units)
    if check.result is None:
        raise UsageError(
            "the patient's values were refused:\n" + "\n".join(f"  {n}: {why}" for n, why in check.problems.items())
        )
    explanation = explain_patient(model, check.result.frame)
    print(format_prediction(explanation, model.card, explain=args.explain))
    intake = read_expression_option(args)
    if intake is not None:
        print(_one_sample_prediction(intake))
    return 0


def _one_sample_prediction(intake) -> str:
    """Return the transcriptome prediction of the one sample given with --patient, or why there is none."""
    from icilens.transcriptome.expression import name_single_sample  # only with --expression
    from icilens.transcriptome.rna_predictions import PROBABILITY, REASON, predict_transcriptome  # likewise

    try:
        sample = name_single_sample(intake, "patient")
    except IntakeError as refusal:
        raise UsageError(str(refusal)) from None
    row = predict_transcriptome(sample).table.iloc[0]
    if pd.isna(row[PROBABILITY]):
        return f"Transcriptome ({intake.name}): no prediction: {row[REASON]}."
    return (
        f"Transcriptome ({intake.name}): {row[PROBABILITY]:.1%}, a ranking among the reference cohorts' patients, "
        "not a chance of response (signatures placed against the pooled reference cohorts)."
    )
