"""Session state in one place. Patient data lives here, in this session's memory only."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import streamlit as st

from icilens.datasets import DEMO_LABEL, RNA_DEMO_LABEL, demo_path, rna_demo_paths
from icilens.intake import IntakeResult, build_cohort, check_bytes, read_table
from icilens.intake.by_hand import append_patients
from icilens.transcriptome.expression import (
    ExpressionIntake,
    combine_expression,
    name_single_sample,
    read_expression,
    read_expression_files,
)

PREFIX = "icilens_"  # every key this app puts in the session, widgets included, starts with it


def session_key(name: str) -> str:
    """Return the session-state key for a name: the app's one prefix, so a cohort's state can be found and cleared."""
    return name if name.startswith(PREFIX) else PREFIX + name


_KEY = session_key("cohort")
SESSION_MODEL = session_key("session_model")  # a model trained or uploaded in this session, when the user chose it
TRANSCRIPTOME_MODEL = session_key("transcriptome_model")  # a transcriptome model refitted in this session, when chosen
SESSION_MODELS = session_key("session_models")  # {name: model} trained or uploaded in this session
UPLOAD, UPLOAD_SEEN, MODEL_UPLOAD = session_key("upload"), session_key("upload_seen"), session_key("model_upload")
EXPRESSION_UPLOAD, EXPRESSION_SEEN = session_key("expression_upload"), session_key("expression_seen")
PATIENT_EXPRESSION_SEEN = session_key("patient_expression_seen")
IDS_IN_NAMES = session_key("ids_in_file_names")
# What a new cohort keeps: the session's models and settings, and the uploaders (their files belong to the browser).
KEPT = frozenset(
    {
        SESSION_MODEL,
        TRANSCRIPTOME_MODEL,
        SESSION_MODELS,
        UPLOAD,
        UPLOAD_SEEN,
        MODEL_UPLOAD,
        IDS_IN_NAMES,
        EXPRESSION_UPLOAD,
        EXPRESSION_SEEN,
        PATIENT_EXPRESSION_SEEN,
    }
)
ENTERED_LABEL = "Patients entered by hand"


@dataclass
class Cohort:
    """The loaded cohort: its intake result, where it came from, and the raw bytes for re-mapping."""

    result: IntakeResult
    label: str
    is_demo: bool
    data: bytes
    choices: Choices = field(default_factory=lambda: Choices())
    entered: bool = False  # patients entered by hand, no file behind them
    added: IntakeResult | None = None  # patients entered by hand and added to a file's cohort
    expression: ExpressionIntake | None = None  # the tumours' RNA-seq, read by expression intake

    @property
    def is_public(self) -> bool:
        """Return whether this is the bundled demo exactly as shipped (public data, shareable across sessions)."""
        choices = self.choices
        return self.is_demo and self.added is None and not (choices.mapping or choices.units or choices.set_values)

    @property
    def entered_ids(self) -> list[str]:
        """Return the ids of the patients entered by hand in this cohort, in order of entry."""
        frame = self.result.frame if self.entered else (self.added.frame if self.added is not None else None)
        return [] if frame is None else frame["patient_id"].astype(str).tolist()


@dataclass
class Choices:
    """What the user decided about the file: column mapping, units, values set for every patient."""

    mapping: dict[str, str | None] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    set_values: dict[str, str] = field(default_factory=dict)


def current_cohort() -> Cohort | None:
    """Return the cohort loaded in this session, or None."""
    return st.session_state.get(_KEY)


@st.cache_resource(show_spinner=False)
def demo_result() -> tuple[bytes, IntakeResult]:
    """Return the demo file's bytes and intake result, read once per process (public data; never mutated)."""
    data = demo_path().read_bytes()
    return data, build_cohort(read_table(data, demo_path().name))


def load_demo_cohort() -> Cohort:
    """Load the bundled demo cohort into the session and return it."""
    data, result = demo_result()
    clear_cohort()
    cohort = Cohort(result=result, label=DEMO_LABEL, is_demo=True, data=data)
    st.session_state[_KEY] = cohort
    return cohort


@st.cache_resource(show_spinner=False)
def rna_demo() -> tuple[bytes, IntakeResult, ExpressionIntake]:
    """Return the RNA demo's clinical bytes, intake result and expression intake, once per process (public data)."""
    clinical, expression = rna_demo_paths()
    data = clinical.read_bytes()
    return (
        data,
        build_cohort(read_table(data, clinical.name)),
        read_expression(expression.read_bytes(), expression.name),
    )


def load_rna_demo_cohort() -> Cohort:
    """Load the RNA demo (clinical table and tumour RNA-seq) into the session and return it."""
    data, result, expression = rna_demo()
    clear_cohort()
    cohort = Cohort(result=result, label=RNA_DEMO_LABEL, is_demo=False, data=data, expression=expression)
    st.session_state[_KEY] = cohort
    return cohort


def attach_expression(uploads) -> Cohort:
    """Read uploaded expression files (a matrix, or one file per sample as salmon, RSEM or kallisto write them)
    and attach them to the session's cohort as one matrix; raises IntakeError when unusable.

    Their size is checked before their bytes are copied; files that fail leave the cohort without expression.
    """
    cohort = current_cohort()
    if cohort is None:
        raise RuntimeError("attach_expression needs a loaded cohort")
    uploads = list(uploads) if isinstance(uploads, (list, tuple)) else [uploads]
    check_bytes(sum(u.size for u in uploads), uploads[0].name if len(uploads) == 1 else f"{len(uploads)} files")
    updated = replace(cohort, expression=None)
    st.session_state[_KEY] = updated
    updated = replace(updated, expression=read_expression_files([(u.name, u.getvalue()) for u in uploads]))
    st.session_state[_KEY] = updated
    return updated


def attach_patient_expression(upload, patient_id: str) -> Cohort:
    """Read one patient's expression sample and attach it, named by the patient id, to the session's cohort."""
    cohort = current_cohort()
    if cohort is None:
        raise RuntimeError("attach_patient_expression needs a loaded cohort")
    check_bytes(upload.size, upload.name)
    sample = name_single_sample(read_expression(upload.getvalue(), upload.name), patient_id)
    updated = replace(cohort, expression=combine_expression(cohort.expression, sample))
    st.session_state[_KEY] = updated
    return updated


def load_uploaded_cohort(upload, sheet: str | None = None) -> Cohort:
    """Load an uploaded file (Streamlit's UploadedFile) into the session and return it; raises IntakeError when unusable.

    Its size is checked before its bytes are copied. The previous cohort is closed first, so a file that fails
    leaves no cohort rather than a mix.
    """
    check_bytes(upload.size, upload.name)
    clear_cohort()
    return _store(upload.getvalue(), upload.name, sheet, Choices(), upload.name, is_demo=False)


def remap_cohort(
    mapping: dict[str, str | None] | None = None,
    units: dict[str, str] | None = None,
    set_values: dict[str, str | None] | None = None,
    sheet: str | None = None,
) -> Cohort:
    """Rebuild the current cohort with more of the user's choices (a None set value clears it), or another sheet."""
    cohort = current_cohort()
    if cohort is None:
        raise RuntimeError("remap_cohort needs a loaded cohort")
    table = cohort.result.table
    choices = Choices() if sheet not in (None, table.sheet) else cohort.choices
    values = {**choices.set_values, **(set_values or {})}
    merged = Choices(
        mapping={**choices.mapping, **(mapping or {})},
        units={**choices.units, **(units or {})},
        set_values={k: v for k, v in values.items() if v is not None},
    )
    if cohort.entered:
        raise RuntimeError("patients entered by hand have no file to re-read")
    rebuilt = _store(cohort.data, table.name, sheet or table.sheet, merged, cohort.label, cohort.is_demo)
    if cohort.expression is not None:  # the tumours' RNA-seq stays with the re-read cohort
        rebuilt = replace(rebuilt, expression=cohort.expression)
        st.session_state[_KEY] = rebuilt
    if cohort.added is not None:  # the patients entered by hand stay in the cohort
        rebuilt = replace(rebuilt, result=append_patients(rebuilt.result, cohort.added, from_file=True))
        rebuilt.added = cohort.added
        st.session_state[_KEY] = rebuilt
    return rebuilt


def add_entered_patient(entered: IntakeResult, into_loaded: bool) -> Cohort:
    """Put a checked patient entered by hand into the session and return the cohort now shown.

    into_loaded adds it to the file's cohort loaded in this session; otherwise it joins the patients
    entered by hand (replacing a file's cohort, if one was loaded).
    """
    cohort = current_cohort()
    if into_loaded and cohort is not None and not cohort.entered:  # its expression, if any, stays
        added = entered if cohort.added is None else append_patients(cohort.added, entered, from_file=False)
        updated = replace(cohort, result=append_patients(cohort.result, entered, from_file=True), added=added)
    elif cohort is not None and cohort.entered:
        updated = replace(cohort, result=append_patients(cohort.result, entered, from_file=False))
    else:
        clear_cohort()
        updated = Cohort(result=entered, label=ENTERED_LABEL, is_demo=False, data=b"", entered=True)
    st.session_state[_KEY] = updated
    return updated


def clear_cohort() -> None:
    """Forget the session's cohort and everything derived from it."""
    for key in [k for k in st.session_state if str(k).startswith(PREFIX) and k not in KEPT]:
        del st.session_state[key]


def _store(data: bytes, name: str, sheet, choices: Choices, label: str, is_demo: bool) -> Cohort:
    table = read_table(data, name, sheet)
    result = build_cohort(table, choices.mapping, choices.units, choices.set_values)
    clear_cohort()
    cohort = Cohort(result=result, label=label, is_demo=is_demo, data=data, choices=choices)
    st.session_state[_KEY] = cohort
    return cohort
