"""NanoString nCounter files as the instrument and nSolver write them, made into a gene table of normalised counts.

An RCC file holds one sample: its attributes (`<Sample_Attributes>`, the sample's ID) and its counts
(`<Code_Summary>`: CodeClass, Name, Accession, Count). nSolver's exports put the same counts in one table, a
`Code Class` column beside the gene names, often under a block of per-sample attributes (File Name, Sample ID,
Binding Density ...). Control probes (positive, negative, ligation ...) measure the assay, not the tumour, and are
set aside. Raw counts carry each lane's own yield, so they are normalised by the geometric mean of the sample's
housekeeping genes, as nSolver does, to a fixed level (NORMALISED_LEVEL) that depends on no other sample; without
housekeeping genes raw counts are refused. Counts nSolver already normalised are kept as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from icilens.intake.errors import IntakeError
from icilens.intake.findings import INFO, WARNING, Findings
from icilens.vocabulary import FindingCode

CLASS_HEADERS = frozenset({"codeclass", "classname", "class"})  # lower case, letters only
KEPT_CLASSES = frozenset({"endogenous", "housekeeping"})
HOUSEKEEPING = "housekeeping"
NORMALISED_LEVEL = 1_000.0  # each sample's housekeeping geometric mean after normalising
SAMPLE_ROWS = ("sample id", "sample name", "sampleid", "samplename", "id")  # attribute rows naming the sample
_TAG = re.compile(r"<[A-Za-z_]+>")


def is_rcc(text: str) -> bool:
    """Return whether text is an RCC file (NanoString's per-sample output)."""
    return "<Code_Summary>" in text[:200_000]


def read_rcc(text: str, name: str) -> pd.DataFrame:
    """Return an RCC file's counts as a table: CodeClass, Name, Accession and one column named by the sample's ID
    (the file's name without its extension when the ID is empty)."""
    sections = _sections(text)
    attributes = dict(_pairs(sections.get("Sample_Attributes", "")))
    sample = attributes.get("ID") or re.sub(r"\.rcc$", "", name.rsplit("/", 1)[-1], flags=re.I)
    rows = [line.split(",") for line in sections.get("Code_Summary", "").splitlines() if line.strip()]
    header = [h.strip() for h in rows[0]] if rows else []
    if [h.lower() for h in header[:2]] != ["codeclass", "name"] or "Count" not in header or len(rows) < 2:
        raise IntakeError(
            f"{name}: its <Code_Summary> section is not closed or has no CodeClass, Name and Count columns with "
            "counts under them. Check that the RCC file is whole."
        )
    body = [r for r in rows[1:] if len(r) == len(header)]
    table = pd.DataFrame(body, columns=header)
    counts = pd.to_numeric(table.pop("Count"), errors="coerce")
    return table.assign(**{sample: counts})


@dataclass(frozen=True)
class Unpacked:
    """A table after unpack_nanostring, and what was done to it (nothing, for a table of another kind)."""

    frame: pd.DataFrame
    names: dict[str, list[str]] = field(default_factory=dict)  # sample -> its other names (file name ...)
    samples: int = 0  # NanoString samples; 0 for a table of another kind
    controls: tuple[str, ...] = ()  # the control probes' classes set aside
    housekeeping: int = 0  # genes that normalised raw counts; 0 when the counts were normalised already
    levels: tuple[float, ...] = ()  # each sample's housekeeping geometric mean before normalising


def unpack_nanostring(frame: pd.DataFrame, name: str) -> Unpacked:
    """Return a NanoString table with its attribute block read, its control probes set aside and raw counts
    normalised; any other table unchanged."""
    frame, names = _lift_attribute_block(frame)
    classes = _class_column(frame)
    if classes is None:
        return Unpacked(frame, names)
    kind = frame[classes].astype(str).str.strip().str.lower()
    controls = ~kind.isin(KEPT_CLASSES)
    samples = [c for c in frame.columns if c != classes and _numeric_column(frame[c])]
    kept = frame[~controls].reset_index(drop=True)
    values = kept[samples].apply(pd.to_numeric, errors="coerce")
    housekeeping = 0
    levels: tuple[float, ...] = ()
    if _raw(values):
        genes = values[(kind[~controls] == HOUSEKEEPING).to_numpy()]
        if genes.empty:
            raise IntakeError(
                f"{name}: raw NanoString counts without housekeeping genes (Code Class 'Housekeeping'), so each "
                "lane's yield cannot be taken out. Upload nSolver's normalised counts, or the raw counts with their "
                "classes."
            )
        geomean = np.exp(np.log(genes.clip(lower=1)).mean(axis=0))
        values = values.mul(NORMALISED_LEVEL / geomean, axis=1)
        housekeeping, levels = len(genes), tuple(float(g) for g in geomean)
    frame = kept.drop(columns=[classes]).assign(**{c: values[c] for c in samples})
    return Unpacked(frame, names, len(samples), tuple(sorted(set(kind[controls]))), housekeeping, levels)


def report_nanostring(unpacked: list[Unpacked], name: str, findings: Findings) -> None:
    """Add one finding for the control probes set aside and one for the normalising, over all of a file's tables."""
    read = [u for u in unpacked if u.samples]
    if not read:
        return
    classes = sorted({c for u in read for c in u.controls})
    findings.add(
        None,
        "",
        "",
        f"{name}: NanoString counts of {sum(u.samples for u in read)} samples; the control probes "
        f"({', '.join(classes[:4]) or 'none'}) measure the assay, not the tumour",
        "Set aside",
        INFO,
        FindingCode.EXPRESSION_READ,
    )
    levels = [level for u in read for level in u.levels]
    if levels:
        genes = sorted({u.housekeeping for u in read if u.housekeeping})
        findings.add(
            None,
            "",
            "",
            f"{name}: raw counts, each sample normalised by the geometric mean of its housekeeping genes "
            f"({'/'.join(map(str, genes))} genes), as nSolver does, to {NORMALISED_LEVEL:g}; before, those means ran "
            f"from {min(levels):,.0f} to {max(levels):,.0f}",
            "Check that the housekeeping genes are stable in these tumours",
            WARNING,
            FindingCode.SCALE_DECIDED,
        )


def _numeric_column(column: pd.Series) -> bool:
    """Return whether a column holds counts: nine in ten of its filled cells are numbers (a sample with missing
    cells is still a sample, and is normalised with the others)."""
    filled = column.notna() & (column.astype(object).astype(str).str.strip() != "")
    numbers = pd.to_numeric(column, errors="coerce").notna()
    return bool(numbers.any()) and numbers.sum() >= 0.9 * filled.sum()


def _raw(values: pd.DataFrame) -> bool:
    finite = values.to_numpy(dtype="float64")
    finite = finite[np.isfinite(finite)]
    return finite.size > 0 and bool((finite == np.round(finite)).all()) and finite.min() >= 0


def _class_column(frame: pd.DataFrame) -> str | None:
    for column in frame.columns:
        header = re.sub(r"[^a-z]", "", str(column).lower())
        if header in CLASS_HEADERS and frame[column].astype(str).str.strip().str.lower().isin(KEPT_CLASSES).any():
            return column
    return None


def _lift_attribute_block(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Return the table under an nSolver attribute block (rows of per-sample attributes above a `Code Class`
    header row), its samples named by their Sample ID row, and each sample's other names (file name ...)."""
    if frame.empty or _class_column(frame) is not None:
        return frame, {}
    first = frame.iloc[:61, 0].astype(object).fillna("").astype(str)  # an empty cell stays missing otherwise
    starts = np.flatnonzero(first.map(lambda v: re.sub(r"[^a-z]", "", v.lower()) in CLASS_HEADERS).to_numpy())
    if starts.size == 0 or starts[0] > 60:
        return frame, {}
    start = int(starts[0])
    header = [str(h).strip() for h in frame.iloc[start].astype(object).fillna("")]
    attributes = frame.iloc[:start].astype(object).fillna("")
    # the header row's own cells name the samples (file names); an attribute row may name them better
    samples = [str(c) for c in frame.columns]
    blank = [i for i, h in enumerate(header) if not h]
    labels = {str(r.iloc[0]).strip().lower(): [str(v).strip() for v in r] for _, r in attributes.iterrows()}
    ids = next((labels[k] for k in SAMPLE_ROWS if k in labels), None)
    for i in blank:
        chosen = ids[i] if ids and ids[i] else samples[i]
        header[i] = chosen
    others = {
        header[i]: [n for n in dict.fromkeys([samples[i], *(row[i] for row in labels.values())]) if n != header[i]]
        for i in blank
    }
    body = frame.iloc[start + 1 :].reset_index(drop=True)
    body.columns = header
    return body, {s: [n for n in names if n] for s, names in others.items()}


def _sections(text: str) -> dict[str, str]:
    """Return each closed <Name> ... </Name> section's lines, read line by line (linear in the file's size)."""
    sections: dict[str, str] = {}
    name: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        tag = line.strip()
        if name is None and _TAG.fullmatch(tag):
            name, lines = tag[1:-1], []
        elif name is not None and tag == f"</{name}>":
            sections[name] = "\n".join(lines)
            name = None
        elif name is not None:
            lines.append(line)
    return sections


def _pairs(body: str) -> list[tuple[str, str]]:
    return [(k.strip(), v.strip()) for k, _, v in (line.partition(",") for line in body.splitlines()) if k.strip()]
