"""What the commands share: intake options, reading a usable cohort, safe output, and the usage error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from icilens.intake import CHUNK_ROWS, IntakeError, IntakeResult, can_stream, read_cohort, usable
from icilens.model import Model, default_model_dir, load_model

EXIT_UNUSABLE = 2


STREAM_ABOVE_BYTES = 16 * 1024 * 1024  # larger CSV, TSV and Parquet files are read in chunks


class UsageError(Exception):
    """An input a command cannot use; `main` prints the message after 'error:' and exits with EXIT_UNUSABLE."""


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """Return {key: value} from repeated 'key=value' options; raises ValueError on a malformed one."""
    pairs: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{option} takes KEY=VALUE, for example {option} 'Diagnosis=cancer_type'; got {item!r}")
        pairs[key.strip()] = value.strip()
    return pairs


def intake_choices(args: argparse.Namespace) -> dict:
    """Return the intake choices given on the command line: --map, --unit, --set, --sheet."""
    mapping = {h: (f or None) if f not in ("none", "-") else None for h, f in pairs(args.map, "--map").items()}
    return {
        "sheet": getattr(args, "sheet", None),
        "mapping": mapping,
        "units": pairs(args.unit, "--unit"),
        "set_values": pairs(args.set, "--set"),
    }


def read_usable(path: str, args: argparse.Namespace | None = None):
    """Return the intake result of a cohort file, or raise IntakeError when it cannot be scored."""

    result = read_cohort(path, **(intake_choices(args) if args is not None else {}))
    if not usable(result):
        raise IntakeError(
            f"{result.table.name}: no model feature has a usable value; run 'icilens validate' to see why."
        )
    return result


def output_problem(args: argparse.Namespace, inputs: list[str]) -> str:
    """Return why --out cannot be written ('' when it can): an input, an existing file without --force, a bad folder."""
    out = Path(args.out)
    if any(out.resolve() == Path(i).resolve() for i in inputs if i):
        return f"--out {out} is the input file; choose another name so the cohort is not overwritten."
    if out.exists() and not getattr(args, "force", False):
        return f"{out} already exists; choose another name or add --force to overwrite it."
    if not out.parent.exists():
        return f"the folder {out.parent} does not exist; create it or choose another --out."
    return ""


def write_output(path: str, write) -> None:
    """Run write(); raise UsageError with a clear message when the file cannot be written."""
    try:
        write()
    except OSError as exc:
        raise UsageError(
            f"{path} could not be written ({exc.strerror or exc}); check the folder and its permissions."
        ) from None


def reads_in_chunks(args: argparse.Namespace) -> bool:
    """Return whether to read the cohort in chunks: asked with --chunk-rows, or a large CSV/TSV/Parquet file."""

    path = Path(args.cohort)
    if args.chunk_rows is not None and not can_stream(path):
        raise ValueError(f"{path.name}: only CSV, TSV and Parquet files are read in chunks; save it as CSV.")
    if args.in_memory or not can_stream(path) or not path.is_file():
        return False
    return args.chunk_rows is not None or path.stat().st_size > STREAM_ABOVE_BYTES


def progress_bar(label: str):
    """Return a progress callback drawing a bar on a terminal (nothing when stderr is not one), and its closer."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm  # tqdm only for a terminal's progress bar

    bar = tqdm(total=0, unit=" patients", unit_scale=True, desc=label, file=sys.stderr)

    def update(done: int, total: int) -> None:
        bar.total = max(total, done)
        bar.update(done - bar.n)

    return update, bar.close


def chunk_options(args: argparse.Namespace) -> dict:

    choices = intake_choices(args)
    choices.pop("sheet")
    return {"chunk_rows": args.chunk_rows or CHUNK_ROWS, **choices}


def counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items())


def cohort_and_model(args: argparse.Namespace) -> tuple[IntakeResult, Model]:
    """Return (intake result, model) for a command; raise UsageError saying why they cannot be used."""
    try:
        return read_usable(args.cohort, args), load_model(args.model or default_model_dir())
    except (IntakeError, FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from None


def read_expression_option(args: argparse.Namespace):
    """Return the expression intake of --expression, None without it; raise UsageError when it is unusable."""
    given = getattr(args, "expression", None)
    if not given:
        return None
    from icilens.intake.limits import check_bytes  # only with --expression
    from icilens.transcriptome.expression import read_expression_files  # only with --expression

    paths = [Path(p) for p in ([given] if isinstance(given, str) else given)]
    try:
        for path in paths:  # sizes from the file system, before a byte is read
            check_bytes(path.stat().st_size, path.name)
        check_bytes(sum(path.stat().st_size for path in paths), f"{len(paths)} expression files")
        return read_expression_files(
            [(path.name if len(paths) == 1 else str(path), path.read_bytes()) for path in paths]
        )
    except FileNotFoundError as missing:
        raise UsageError(f"--expression {missing.filename}: no such file.") from None
    except (IntakeError, ValueError, OSError) as exc:
        raise UsageError(str(exc)) from None


def transcriptome_of(args: argparse.Namespace, result: IntakeResult):
    """Return (expression intake, the cohort's transcriptome predictions) with --expression, else None."""
    intake = read_expression_option(args)
    if intake is None:
        return None
    from icilens.transcriptome.rna_predictions import predict_for_cohort  # only with --expression

    return intake, predict_for_cohort(intake, result)
