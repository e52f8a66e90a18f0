"""`icilens report`: the printable PDF of one patient."""

from __future__ import annotations

import argparse
from pathlib import Path

from icilens.cli.common import UsageError, cohort_and_model, output_problem, transcriptome_of, write_output
from icilens.reports import build_patient_report, input_notes


def run(args: argparse.Namespace) -> int:

    problem = output_problem(args, [args.cohort])
    if problem:
        raise UsageError(problem)
    result, model = cohort_and_model(args)
    ids = result.frame["patient_id"].astype(str)
    if args.patient not in set(ids):
        raise UsageError(
            f"{result.table.name} has no patient with id {args.patient!r}; ids look like {', '.join(ids.head(3))}."
        )
    index = int((ids == args.patient).to_numpy().argmax())
    notes = input_notes(
        result.frame.iloc[[index]], result.findings, int(result.source_rows.iloc[index]), result.mapping
    )
    expression = transcriptome_of(args, result)
    transcriptome = None
    if expression is not None:
        table = expression[1].table
        transcriptome = table[table["patient_id"] == args.patient].iloc[0]
    pdf = build_patient_report(
        model, result.frame.iloc[[index]], notes=notes, cohort_label=result.table.name, transcriptome=transcriptome
    )
    write_output(args.out, lambda: Path(args.out).write_bytes(pdf))
    print(f"report for patient {args.patient} written to {args.out}")
    return 0
