"""Reading a file in chunks: intake decides on the first rows, then reads every chunk by that plan.

The output does not depend on the chunk size: ids repeated across chunks are marked as in a whole file,
and findings are counted per kind with their first example rows.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from icilens.intake.cohort import IntakeResult, build_cohort
from icilens.intake.columns import MAPPED
from icilens.intake.errors import IntakeError
from icilens.intake.findings import COLUMNS as FINDING_COLUMNS
from icilens.intake.formats import read_table
from icilens.intake.identity import comparable_ids
from icilens.intake.parquet import parquet_text, readable_parquet_columns
from icilens.intake.table import RawTable, chunk_table
from icilens.intake.text import with_header_row
from icilens.vocabulary import FindingCode, Severity

CHUNK_ROWS = 50_000


PLAN_ROWS = 50_000  # the rows intake decides on (columns, units), whatever the chunk size


SAMPLE_BYTES = 4 * 1024 * 1024  # read to learn the file's dialect, encoding and header row


STREAMED_FORMATS = (".csv", ".tsv", ".txt", ".parquet")


EXAMPLES = 5  # example rows and values kept per kind of finding


def can_stream(path: str | Path) -> bool:
    """Return whether a file can be read in chunks (CSV, TSV or Parquet; not a workbook)."""
    return Path(path).suffix.lower() in STREAMED_FORMATS


class FindingTally:
    """Findings counted per kind (severity, code, column, problem, action), with the first example rows and values."""

    KEY = ("severity", "code", "column", "problem", "action")

    def __init__(self) -> None:
        self._groups: dict[tuple, dict[str, Any]] = {}

    def add(self, findings: pd.DataFrame) -> None:
        """Count a chunk's findings (a frame with the columns of intake's findings)."""
        if findings.empty:
            return
        for key, group in findings.groupby(list(self.KEY), sort=False, dropna=False):
            entry = self._groups.setdefault(key, {"count": 0, "rows": [], "values": []})
            entry["count"] += len(group)
            room = EXAMPLES - len(entry["rows"])
            if room > 0:
                head = group.head(room)
                entry["rows"] += [None if pd.isna(r) else int(r) for r in head["row"]]
                entry["values"] += [str(v) for v in head["value"]]

    def merge(self, other: FindingTally) -> None:
        """Add another tally's counts and examples (partitions scored elsewhere)."""
        for key, theirs in other._groups.items():
            entry = self._groups.setdefault(key, {"count": 0, "rows": [], "values": []})
            entry["count"] += theirs["count"]
            entry["rows"] = (entry["rows"] + theirs["rows"])[:EXAMPLES]
            entry["values"] = (entry["values"] + theirs["values"])[:EXAMPLES]

    def frame(self) -> pd.DataFrame:
        """Return one row per kind of finding, most serious first: count, example rows and example values."""
        order = {severity: i for i, severity in enumerate(Severity)}
        rows = [
            dict(zip(self.KEY, key, strict=True))
            | {
                "count": entry["count"],
                "example_rows": ", ".join("whole column" if r is None else str(r) for r in entry["rows"]),
                "example_values": ", ".join(v for v in entry["values"] if v)[:300],
            }
            for key, entry in self._groups.items()
        ]
        columns = [*self.KEY, "count", "example_rows", "example_values"]
        table = pd.DataFrame(rows, columns=columns)
        return table.sort_values("severity", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)

    def severity_counts(self) -> dict[str, int]:
        """Return the number of findings per severity."""
        counts = {str(s): 0 for s in Severity}
        for key, entry in self._groups.items():
            counts[str(key[0])] += entry["count"]
        return counts


class _SeenIds:
    """Hashes of the patient ids of earlier chunks, in a few sorted levels, to find ids repeated across chunks."""

    def __init__(self) -> None:
        self._levels: list[np.ndarray] = []
        self.repeats: dict[int, int] = {}

    def repeated(self, hashes: np.ndarray) -> np.ndarray:
        """Return which id hashes were seen in an earlier chunk, then remember these."""
        seen = np.zeros(len(hashes), dtype=bool)
        for level in self._levels:
            position = np.minimum(np.searchsorted(level, hashes), len(level) - 1)
            seen |= level[position] == hashes
        self._levels.append(np.sort(hashes))
        while len(self._levels) > 1 and len(self._levels[-2]) <= 2 * len(self._levels[-1]):
            merged = np.concatenate(self._levels[-2:])  # sorted in place: two copies at most, not three
            merged.sort()
            self._levels[-2:] = [merged]
        return seen


@dataclass
class Plan:
    """How every chunk of a file is read: the first chunk's decisions, applied to the rest."""

    mapping: dict[str, str | None]
    units: dict[str, str]
    set_values: dict[str, str]
    value_codes: dict[str, dict[str, str]]  # per categorical column, the codes its values are read by
    has_ids: bool
    total_rows: int  # data lines in the file (for generated ids and progress)


@dataclass
class ChunkedCohort:
    """A file read in chunks: the first chunk's intake result (mapping, columns) and the running tallies."""

    first: IntakeResult | None  # intake on the rows the plan was decided on (None when the plan came decided)
    plan: Plan
    tally: FindingTally = field(default_factory=FindingTally)
    patients: int = 0
    id_offset: int = 0  # patients before this part of the file (generated ids count from the file's start)
    features_present: set[str] = field(default_factory=set)

    @property
    def decision(self) -> IntakeResult:
        """Return intake's result on the rows the plan was decided on (how each column was read)."""
        if self.first is None:
            raise ValueError("this part of the file was read by a plan decided elsewhere")
        return self.first


def plan_of(result: IntakeResult, set_values: dict[str, str] | None, total_rows: int) -> Plan:
    """Return the reading plan intake decided on a first chunk, to apply to every other chunk."""
    return Plan(
        mapping=result.mapping,
        units={m.header: m.unit for m in result.columns if m.state == MAPPED and m.unit},
        set_values=dict(set_values or {}),
        value_codes={m.header: m.value_codes for m in result.columns if m.value_codes is not None},
        has_ids=any(m.state == MAPPED and m.field == "patient_id" for m in result.columns),
        total_rows=total_rows,
    )


def read_chunks(
    path: str | Path,
    chunk_rows: int = CHUNK_ROWS,
    mapping: dict[str, str | None] | None = None,
    units: dict[str, str] | None = None,
    set_values: dict[str, str] | None = None,
    plan: Plan | None = None,
    part: tuple[list[int], int] | None = None,
) -> tuple[ChunkedCohort, Iterator[IntakeResult]]:
    """Return the file's reading summary and an iterator over every chunk's intake result.

    Intake decides which column is which field, and in which unit, on the first PLAN_ROWS rows (the whole
    file when smaller), as it would on a whole file; every chunk is then read by that plan, so the output does
    not depend on the chunk size. With a plan decided elsewhere, part = (Parquet row groups, patients before
    them) reads one part of a file. Raises IntakeError when the file cannot be used, before anything is written.
    """
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    path = Path(path)
    if not can_stream(path):
        raise IntakeError(f"{path.name}: only CSV, TSV and Parquet files are read in chunks; save it as CSV.")
    decided = None
    if plan is None:
        decided, plan = decide_plan(path, mapping, units, set_values)
    template, _, raw_chunks = _raw_chunks(path, chunk_rows, part, count=False)  # the plan counted them
    cohort = ChunkedCohort(first=decided, plan=plan, id_offset=part[1] if part else 0)
    if decided is not None:  # how each column was read: said once, not per chunk
        cohort.tally.add(decided.findings[decided.findings["row"].isna()])
    return cohort, _results(cohort, raw_chunks, template)


def decide_plan(
    path: str | Path,
    mapping: dict[str, str | None] | None = None,
    units: dict[str, str] | None = None,
    set_values: dict[str, str] | None = None,
    total_rows: int | None = None,
) -> tuple[IntakeResult, Plan]:
    """Return intake's result on a file's first PLAN_ROWS rows and the plan every chunk is then read by.

    total_rows overrides the file's own count (several files scored as one cohort number their ids together).
    """
    path = Path(path)
    template, total, head = _raw_chunks(path, PLAN_ROWS)
    cells, offset = next(head, (None, 0))
    table = None if cells is None else chunk_table(cells, template, offset)
    if table is None:
        raise IntakeError(f"{path.name} has a header but no patient rows in its first {PLAN_ROWS:,} lines.")
    table.notes = template.notes + table.notes
    decided = build_cohort(table, mapping, units, set_values)
    return decided, plan_of(decided, set_values, total if total_rows is None else total_rows)


def _results(
    cohort: ChunkedCohort, raw_chunks: Iterator[tuple[pd.DataFrame, int]], template: RawTable
) -> Iterator[IntakeResult]:
    seen = _SeenIds()
    plan = cohort.plan
    for cells, offset in raw_chunks:
        table = chunk_table(cells, template, offset)
        if table is None:
            continue
        try:
            result = build_cohort(
                table, plan.mapping, plan.units, plan.set_values, plan.value_codes, read_headers=False
            )
        except IntakeError:  # no model feature has a value in this chunk: its rows cannot be scored
            _report_unscored(cohort, table)
            continue
        _continue_ids(cohort, result, seen)
        findings = result.findings
        cohort.tally.add(findings[findings["row"].notna() | (findings["code"] == FindingCode.FILE_READ)])
        cohort.features_present.update(result.features_present)
        cohort.patients += len(result.frame)
        yield result


def _report_unscored(cohort: ChunkedCohort, table: RawTable) -> None:
    rows = table.source_rows
    cohort.tally.add(
        pd.DataFrame(
            {
                "row": pd.array([int(rows.iloc[0])], dtype="Int64"),
                "column": "",
                "value": f"rows {int(rows.iloc[0])} to {int(rows.iloc[-1])}",
                "problem": "no model feature has a value in these rows",
                "action": "not scored; check this part of the export",
                "severity": str(Severity.ERROR),
                "code": str(FindingCode.CELL_UNREADABLE),
            }
        )
    )


def _continue_ids(cohort: ChunkedCohort, result: IntakeResult, seen: _SeenIds) -> None:
    """Make ids run on across chunks: generated ids count from the file's start; repeats across chunks are marked."""
    frame = result.frame
    if not cohort.plan.has_ids:
        width = len(str(cohort.plan.total_rows))
        start = cohort.id_offset + cohort.patients
        frame["patient_id"] = pd.Series([f"P{start + i + 1:0{width}d}" for i in range(len(frame))], dtype="str")
        return
    ids = frame["patient_id"].astype(object).to_numpy().copy()
    # Ids the chunk itself suffixed are numbered again from the file's start, as a whole-file read numbers them.
    marked = result.findings["code"].eq(str(FindingCode.DUPLICATE_ID)) & result.findings["row"].notna()
    suffixed = np.isin(result.source_rows.to_numpy(), result.findings.loc[marked, "row"].to_numpy())
    originals = np.array([i.rsplit("#", 1)[0] if s else i for i, s in zip(ids, suffixed, strict=True)], dtype=object)
    keys = comparable_ids(pd.Series(originals, dtype="str"))
    hashes = pd.util.hash_array(keys.to_numpy(dtype=object))
    earlier = seen.repeated(hashes)
    counts: dict[int, int] = {}
    for index in np.flatnonzero(earlier | keys.duplicated(keep=False).to_numpy()):
        key = int(hashes[index])
        if key not in counts:
            counts[key] = seen.repeats.get(key, 1) if earlier[index] else 0
        counts[key] += 1
        ids[index] = f"{originals[index]}#{counts[key]}" if counts[key] > 1 else originals[index]
    seen.repeats.update({key: count for key, count in counts.items() if count > 1})
    repeated = earlier & ~suffixed  # the chunk's own duplicates were reported by the chunk
    if not earlier.any():
        return
    rows = result.source_rows.to_numpy()[repeated]
    header = next(m.header for m in result.columns if m.state == MAPPED and m.field == "patient_id")
    extra = pd.DataFrame(
        {
            "row": pd.array(rows, dtype="Int64"),
            "column": header,
            "value": [f"{originals[i]!r} (also earlier in the file)" for i in np.flatnonzero(repeated)],
            "problem": "duplicate patient id",
            "action": "kept as a separate patient with a suffix (#2, #3, ...); check the export",
            "severity": str(Severity.WARNING),
            "code": str(FindingCode.DUPLICATE_ID),
        }
    )[list(FINDING_COLUMNS)]
    result.findings = pd.concat([result.findings, extra], ignore_index=True)
    frame["patient_id"] = pd.Series(ids, dtype="str")


def _raw_chunks(
    path: Path, chunk_rows: int, part: tuple[list[int], int] | None = None, count: bool = True
) -> tuple[RawTable, int, Iterator[tuple[pd.DataFrame, int]]]:
    """Return (template table, data lines in the file, iterator of (text cells, data lines before them)).

    count=False skips counting a text file's lines (a full read of it) when the count is known already: 0 is returned.
    """
    if path.suffix.lower() == ".parquet":
        return _parquet_chunks(path, chunk_rows, part)
    if part is not None:
        raise ValueError("only a Parquet file is read in parts (row groups)")
    return _text_chunks(path, chunk_rows, count)


def _text_chunks(
    path: Path, chunk_rows: int, count: bool = True
) -> tuple[RawTable, int, Iterator[tuple[pd.DataFrame, int]]]:
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        complete = len(sample) < SAMPLE_BYTES
    if not complete:
        sample = sample[: _last_whole_line(sample)]
    template = read_table(sample, path.name)
    _check_chunkable(path.name, sample, template.encoding)
    total = _count_lines(path) - template.header_row if count else 0
    reader = pd.read_csv(
        path,
        sep=template.delimiter,
        skiprows=template.header_row - 1,
        header=None,  # repeated headers stay as written, as in the whole-file read
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        encoding=template.encoding,
        chunksize=chunk_rows,
    )

    def chunks() -> Iterator[tuple[pd.DataFrame, int]]:
        before, header = 0, None
        for cells in reader:
            if header is None:
                cells = with_header_row(cells)
                header = list(cells.columns)
            else:
                cells.columns = header
            yield cells, before
            before += len(cells)

    return template, total, chunks()


def _check_chunkable(name: str, sample: bytes, encoding: str | None) -> None:
    """Refuse, with the reason, a text file that chunks would read differently from the whole file."""

    whole = "read it whole with --in-memory, or save it again as UTF-8 CSV"
    if encoding and "16" in encoding:
        raise IntakeError(f"{name} is UTF-16 text, which is not read in chunks; {whole}.")
    try:
        codecs.lookup(encoding or "utf-8")
    except LookupError:
        raise IntakeError(f"{name} mixes text encodings ({encoding}), which is not read in chunks; {whole}.") from None
    if re.search(rb"\r(?!\n)", sample):
        raise IntakeError(
            f"{name} has carriage returns that do not end a line (inside cells, or old Mac line ends), which "
            f"chunks would split differently; {whole}."
        )


def _last_whole_line(sample: bytes) -> int:
    """Return where the last complete line of a sample ends, outside any quoted cell."""
    data = np.frombuffer(sample, dtype=np.uint8)
    newlines = np.flatnonzero(data == ord("\n"))
    quotes_before = np.cumsum(data == ord('"'))[newlines]
    outside = newlines[quotes_before % 2 == 0]
    if not len(outside):
        raise IntakeError("the first lines of the file are not a table (no line ends in the first 4 MB).")
    return int(outside[-1]) + 1


def _count_lines(path: Path) -> int:
    """Return the number of lines of a text file, read in blocks."""
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(16 * 1024 * 1024):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _parquet_chunks(
    path: Path, chunk_rows: int, part: tuple[list[int], int] | None
) -> tuple[RawTable, int, Iterator[tuple[pd.DataFrame, int]]]:
    import pyarrow as pa  # pyarrow loads only for Parquet
    import pyarrow.parquet as pq  # pyarrow loads only for Parquet

    row_groups = part[0] if part else None
    try:
        parquet = pq.ParquetFile(path)
        total = parquet.metadata.num_rows
        start = sum(parquet.metadata.row_group(i).num_rows for i in range(min(row_groups))) if row_groups else 0
        readable, aside = readable_parquet_columns(parquet.schema_arrow, path.name)
        batches = parquet.iter_batches(batch_size=chunk_rows, row_groups=row_groups, columns=readable)
    except IntakeError:
        raise
    except Exception as exc:
        raise IntakeError(f"{path.name} could not be read as Parquet ({exc}). Export it again or use CSV.") from exc
    template = RawTable(
        cells=pd.DataFrame(), source_rows=pd.Series(dtype="int64"), name=path.name, file_format="parquet", header_row=1
    )
    template.notes.extend(aside)

    def chunks() -> Iterator[tuple[pd.DataFrame, int]]:
        before = start
        for batch in batches:
            cells = parquet_text(pa.Table.from_batches([batch]))
            yield cells, before
            before += len(cells)

    return template, total, chunks()
