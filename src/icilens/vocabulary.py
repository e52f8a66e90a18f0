"""The shared vocabulary: the names, labels and record shapes that modules pass to one another.

Every value here is a `StrEnum`, so it compares equal to its text and shows as it, while a type
checker and a reader can follow where it is used. Display labels come from here, never retyped.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Required, TypedDict

NOT_AVAILABLE = "n/a"  # how a value that is missing or not computable reads in every table a user sees


class Column:
    """The columns of the prediction table, as `predict` writes them and scripts read them."""

    PATIENT_ID = "patient_id"
    PROBABILITY = "response_probability"
    RANGE_LOW = "range_low"  # where the probability would most likely lie had the missing inputs been measured
    RANGE_HIGH = "range_high"
    PROBABILITY_LOW = "probability_low"  # model disagreement: 10th-90th percentile of the members
    PROBABILITY_HIGH = "probability_high"
    LORIS_SCORE = "loris_score"
    LORIS_PROBABILITY = "loris_probability"
    TMB_HIGH = "tmb_high"
    MISSING = "missing_features"
    ESTIMABLE = "estimable"  # whether the measured inputs carry the number (icilens.explain.describe_estimability)
    MODEL_OUTPUT = "model_output"  # log-odds, with --explain
    SHAP_BASE = "shap_base"
    # With tumour RNA-seq (icilens.transcriptome): the transcriptome model's prediction and its range
    TRANSCRIPTOME_PROBABILITY = "transcriptome_probability"
    TRANSCRIPTOME_RANGE_LOW = "transcriptome_range_low"
    TRANSCRIPTOME_RANGE_HIGH = "transcriptome_range_high"


def shap_column(feature: str) -> str:
    """Return the prediction table's column holding a feature's SHAP value ('shap_tmb')."""
    return f"shap_{feature}"


TMB_HIGH_CUTOFF = 10.0  # mut/Mb: the FDA tissue-agnostic threshold for pembrolizumab
TMB_HIGH_LABEL = "TMB ≥ 10 mut/Mb"


class Score(StrEnum):
    """A score shown beside the others on the same patients; the value is its display label."""

    MODEL = "ICI Lens model"
    LORIS = "LORIS (recalibrated)"
    TMB = "TMB alone"
    YOUR_MODEL = "Your model (out of fold)"
    DEFAULT_MODEL = "Default model"


class Group(StrEnum):
    """The groups patients are compared in; responders always come first."""

    RESPONDER = "responder"
    NON_RESPONDER = "non-responder"
    PREDICTED_RESPONDER = "predicted responder"
    PREDICTED_NON_RESPONDER = "predicted non-responder"
    LOW_THIRD = "low third"
    MIDDLE_THIRD = "middle third"
    HIGH_THIRD = "high third"
    OTHER = "other"

    @property
    def outcome(self) -> Group | None:
        """Return RESPONDER or NON_RESPONDER for the (observed or predicted) outcome groups, else None."""
        return _OUTCOMES.get(self)


TERTILES = (Group.LOW_THIRD, Group.MIDDLE_THIRD, Group.HIGH_THIRD)
_OUTCOMES = {
    Group.RESPONDER: Group.RESPONDER,
    Group.PREDICTED_RESPONDER: Group.RESPONDER,
    Group.NON_RESPONDER: Group.NON_RESPONDER,
    Group.PREDICTED_NON_RESPONDER: Group.NON_RESPONDER,
}


def outcome_of_group(label: object) -> Group | None:
    """Return the outcome a group label stands for; None for any other label (a cancer type, ...)."""
    try:
        return Group(str(label)).outcome
    except ValueError:
        return None


def in_reading_order(labels) -> list:
    """Return group labels in the order every table, caption and chart lists them: responders first,
    non-responders last, any other groups by name between."""
    return sorted(labels, key=lambda g: (outcome_of_group(g) == Group.NON_RESPONDER, str(g)))


class Severity(StrEnum):
    """How much a finding matters, most serious first."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class FieldKind(StrEnum):
    """What values a field holds."""

    NUMERIC = "numeric"
    BINARY = "binary"
    CATEGORY = "category"
    TIME = "time"
    EVENT = "event"
    IDENTIFIER = "identifier"


class FieldRole(StrEnum):
    """What a field is for, named by who reads it."""

    MODELLED = "modelled"  # a model input: the model reads it, Compare compares it, the Patient page shows it
    COMPARED = "compared"  # kept, compared on Compare and shown on the Patient page; never a model input
    OUTCOME = "outcome"  # what happened after treatment: metrics and survival curves read it
    IDENTIFIER = "identifier"  # names the patient
    SOURCE = "source"  # a column only used to derive a field (e.g. neutrophil count)


class FindingCode(StrEnum):
    """What kind of thing intake noticed; programs read this, people read the finding's words."""

    FILE_READ = "file_read"  # how the file itself was read: sheet, header row, encoding, empty rows
    COLUMN_READ = "column_read"  # a column read as a field
    COLUMN_SUGGESTED = "column_suggested"  # a column that may be a field, waiting for the user
    COLUMNS_UNUSED = "columns_unused"
    FEATURES_ABSENT = "features_absent"
    UNIT_UNDECIDED = "unit_undecided"  # the values fit two units: the column is not used
    UNIT_CONVERTED = "unit_converted"  # the whole column converted to the canonical unit
    CELL_UNIT_CONVERTED = "cell_unit_converted"  # one cell plainly in another unit, converted
    CELL_READ = "cell_read"  # a cell read with care: a bound, a unit in the cell, a thousands separator
    CELL_UNREADABLE = "cell_unreadable"  # a cell that is not a number: set missing
    OUT_OF_RANGE = "out_of_range"
    NOT_WHOLE = "not_whole"  # a number that must be whole (a score in steps, ECOG 0 to 4) was not
    NUMBER_CODES = "number_codes"  # a column of MSK number codes
    AMBIGUOUS_VALUE = "ambiguous_value"
    UNKNOWN_CATEGORY = "unknown_category"  # readable, outside the known categories, set to the fallback
    UNRECOGNISED_VALUE = "unrecognised_value"
    NOT_EVALUABLE = "not_evaluable"
    SET_FOR_EVERYONE = "set_for_everyone"
    DERIVED = "derived"
    ID_COLUMN = "id_column"
    NO_ID_COLUMN = "no_id_column"
    BLANK_ID = "blank_id"
    DUPLICATE_ID = "duplicate_id"
    COLUMNS_DISAGREE = "columns_disagree"  # two columns hold the same field and their values differ
    COLUMN_SET_ASIDE = "column_set_aside"  # a column whose type holds no readable value per patient (Parquet)
    # Expression matrices
    EXPRESSION_READ = "expression_read"  # format, orientation, samples
    GENES_MAPPED = "genes_mapped"  # identifier kind, previous symbols read as current ones
    GENES_MANGLED = "genes_mangled"  # gene symbols Excel turned into dates
    GENES_REPEATED = "genes_repeated"  # several rows for one gene, one kept by the stated rule
    SCALE_DECIDED = "scale_decided"  # counts, TPM, FPKM, log2, and what converting them costs
    SAMPLE_EMPTY = "sample_empty"  # all missing or all zero: left out
    SAMPLE_DAMAGED = "sample_damaged"  # a value no expression can have (infinite, a TPM above a million): left out
    ANNOTATION_SET_ASIDE = "annotation_set_aside"  # gene lengths, positions, names: not samples
    SAMPLE_UNLINKED = "sample_unlinked"  # a sample that matches no patient of the cohort
    NO_EXPRESSION = "no_expression"  # a patient of the cohort without an expression sample
    DESCRIPTOR_MISSING = "descriptor_missing"  # a descriptor left missing, with the reason


# Findings about how a column was read, not about what happened to one patient's value.
ABOUT_A_COLUMN = frozenset(
    {
        FindingCode.FEATURES_ABSENT,
        FindingCode.NUMBER_CODES,
        FindingCode.COLUMN_READ,
        FindingCode.ID_COLUMN,
        FindingCode.COLUMN_SUGGESTED,
        FindingCode.COLUMNS_DISAGREE,
        FindingCode.COLUMN_SET_ASIDE,
    }
)


class FeatureCard(TypedDict, total=False):
    """One feature as the model card records it (categories and counts, or ranges, by its kind)."""

    name: Required[str]
    label: Required[str]
    unit: Required[str]
    type: Required[str]
    categories: list[str]
    training_counts: dict[str, int]
    training_range: list[float] | None
    training_p01_p99: list[float] | None
    training_missing: int
    training_measured_share: float


class TrainingCard(TypedDict, total=False):
    """The training cohort as the model card records it (a model uploaded without a card has no file hash)."""

    source: Required[str]
    patients: Required[int]
    responders: Required[int]
    response_rate: Required[float]
    sha256: str
    masked_copies: int


class ValidationReport(TypedDict, total=False):
    """A model's evaluation on a labelled cohort (`validation.evaluate_model`)."""

    cohort: str
    patients: int
    responders: int
    bootstrap: str
    overall: dict[str, dict[str, Any]]
    auc_difference_vs_loris: list[float]
    calibration: dict[str, Any]
    calibration_ci: dict[str, Any]
    net_benefit: Any
    per_cancer_type: dict[str, dict[str, Any]]
    missing_feature_scenarios: dict[str, dict[str, Any]]
    range_coverage: dict[str, Any]


class ModelCard(TypedDict, total=False):
    """The JSON card saved beside a model's LightGBM text files."""

    name: str
    icilens_version: str
    schema_version: str
    lightgbm_version: str
    target: str
    features: list[FeatureCard]
    training: TrainingCard
    hyperparameters: dict[str, Any]
    search: list[dict[str, Any]]
    ensemble: dict[str, Any]
    calibration: dict[str, Any]
    references: dict[str, Any]
    intended_use: str
    intended_users: str
    data_sources: dict[str, str]
    missing_inputs: str
    how_computed: str
    limitations: list[str]
    next_validation: str
    cross_validation: dict[str, Any]
    uncertainty: dict[str, Any]
    validation: ValidationReport


def describe_points(size: float) -> str:
    """Return a move in percentage points, unsigned, to one decimal as the waterfalls label their bars:
    "27.4 percentage points"."""
    shown = f"{abs(size):.1f}"
    return f"{shown} percentage point{'' if shown == '1.0' else 's'}"


def describe_range_cell(probability: float, low: float, high: float, missing: int) -> str:
    """Return the range from missing inputs for one table cell, saying why when it is one value."""
    if missing == 0:
        return f"{probability:.0%} (nothing missing)"
    if round(low * 100) == round(high * 100):
        # Short enough for a laptop's table column: the Patients caption says what the range is.
        return f"{probability:.0%} (missing inputs move it < 0.5 points)"
    return f"{low:.0%} to {high:.0%}"
