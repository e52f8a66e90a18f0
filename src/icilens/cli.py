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
        print(f"{result.table.name}: {len(result.frame)} patients, {len(result.features_present)} of 17 features present")
        print(", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items()))
        if not result.findings.empty:
            print(result.findings.astype(object).fillna("").to_string(index=False, max_colwidth=60))
    if not ok:
        return _fail(f"{result.table.name}: no model feature has a usable value; fix the findings above and try again.")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: a message, never a traceback
        return _fail(f"unexpected {type(exc).__name__} while running {args.command}; please report it with the command used.")
