"""The data dictionary: every canonical field ICI Lens understands.

Uploads are mapped onto these fields by `icilens.intake`; the model, the pages
and the exports speak only these names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

SCHEMA_VERSION = "1.0"

NUMERIC = "numeric"
BINARY = "binary"
CATEGORY = "category"
TIME = "time"
EVENT = "event"
IDENTIFIER = "identifier"

FEATURE = "feature"
OUTCOME = "outcome"
ID = "id"
SOURCE = "source"  # a column only used to derive a feature (e.g. neutrophil count)

NO_YES = ("no", "yes")

CANCER_TYPES = (
    "Bladder",
    "Breast",
    "Colorectal",
    "Endometrial",
    "Esophageal",
    "Gastric",
    "Head & Neck",
    "Hepatobiliary",
    "Melanoma",
    "Mesothelioma",
    "NSCLC",
    "Ovarian",
    "Pancreatic",
    "Renal",
    "Sarcoma",
    "SCLC",
)
OTHER_CANCER = "Other"
DRUG_CLASSES = ("PD-1/PD-L1", "Combination", "CTLA-4")


@dataclass(frozen=True)
class Field:
    """One canonical column: what it means, its unit, its range and its aliases."""

    name: str
    label: str
    unit: str
    kind: str
    role: str
    description: str
    synonyms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    conversions: tuple[str, ...] = field(default=())

    @property
    def plausible_range(self) -> str:
        """Return the plausible range as text, or '' for non-numeric fields."""
        if self.low is None:
            return ""
        return f"{self.low:g} to {self.high:g}"


FIELDS: tuple[Field, ...] = (
    Field(
        "patient_id",
        "Patient id",
        "",
        IDENTIFIER,
        ID,
        "De-identified patient identifier; generated when the upload has none.",
        (
            "patient id",
            "patient",
            "id",
            "sample id",
            "subject id",
            "subject",
            "case id",
            "record id",
            "study id",
            "pid",
        ),
    ),
    Field(
        "tmb",
        "Tumour mutational burden",
        "mut/Mb",
        NUMERIC,
        FEATURE,
        "Somatic mutations per megabase of sequenced tumour DNA (MSK-IMPACT panel in the training data).",
        (
            "tmb",
            "tumor mutational burden",
            "tumour mutational burden",
            "mutational burden",
            "tmb mut mb",
            "mutations per mb",
        ),
        low=0,
        high=1000,
    ),
    Field(
        "pdl1_tps",
        "PD-L1 tumour proportion score",
        "%",
        NUMERIC,
        FEATURE,
        "Share of viable tumour cells with membranous PD-L1 staining.",
        (
            "pdl1 tps",
            "pd l1 tps",
            "pdl1",
            "pd l1",
            "pdl1 tps percent",
            "tps",
            "pd l1 expression",
            "pdl1 expression",
            "tumor proportion score",
            "tumour proportion score",
        ),
        low=0,
        high=100,
        conversions=("a column whose values all lie in 0-1 is a fraction: multiplied by 100",),
    ),
    Field(
        "prior_systemic_therapy",
        "Chemo/targeted therapy before ICI",
        "yes/no",
        BINARY,
        FEATURE,
        "Chemotherapy or targeted therapy received before the immune checkpoint inhibitor.",
        (
            "systemic therapy history",
            "prior systemic therapy",
            "prior chemo",
            "prior chemotherapy",
            "prior therapy",
            "previous chemotherapy",
            "prior treatment",
            "pretreated",
            "chemo before ici",
        ),
        categories=NO_YES,
    ),
    Field(
        "albumin",
        "Serum albumin",
        "g/dL",
        NUMERIC,
        FEATURE,
        "Serum albumin before treatment; low values reflect inflammation and poor nutrition.",
        ("albumin", "serum albumin", "alb"),
        low=1,
        high=6.5,
        conversions=("values 20-60 are g/L: divided by 10",),
    ),
    Field(
        "cancer_type",
        "Cancer type",
        "",
        CATEGORY,
        FEATURE,
        "Primary tumour type, one of the 16 types of the training cohort (else Other).",
        (
            "cancer type",
            "cancertype",
            "tumor type",
            "tumour type",
            "diagnosis",
            "histology",
            "primary site",
            "cancer",
            "indication",
            "disease",
        ),
        categories=(*CANCER_TYPES, OTHER_CANCER),
    ),
    Field(
        "nlr",
        "Neutrophil-to-lymphocyte ratio",
        "ratio",
        NUMERIC,
        FEATURE,
        "Blood neutrophil count divided by lymphocyte count; high values reflect systemic inflammation.",
        ("nlr", "neutrophil to lymphocyte ratio", "neutrophil lymphocyte ratio", "n l ratio"),
        low=0,
        high=300,
        conversions=("derived from absolute neutrophil and lymphocyte counts when absent",),
    ),
    Field(
        "age",
        "Age at ICI start",
        "years",
        NUMERIC,
        FEATURE,
        "Age when the immune checkpoint inhibitor was started.",
        ("age", "age at ici start", "age years", "age at treatment", "age at diagnosis"),
        low=10,
        high=110,
    ),
    Field(
        "fcna",
        "Fraction of genome copy-number altered",
        "fraction 0-1",
        NUMERIC,
        FEATURE,
        "Share of the tumour genome with copy-number alterations (aneuploidy).",
        (
            "fcna",
            "fga",
            "fraction genome altered",
            "fraction of genome altered",
            "fraction copy number altered",
            "copy number burden",
        ),
        low=0,
        high=1,
        conversions=("a column with values above 1 is a percentage: divided by 100",),
    ),
    Field(
        "drug_class",
        "ICI class",
        "",
        CATEGORY,
        FEATURE,
        "Checkpoint inhibitor class: anti-PD-1/PD-L1 alone, anti-CTLA-4 alone, or both combined.",
        (
            "drug",
            "drug class",
            "ici",
            "ici class",
            "ici drug",
            "ici regimen",
            "ici agent",
            "icb",
            "icb drug",
            "treatment",
            "regimen",
            "immunotherapy",
            "immunotherapy regimen",
            "agent",
            "checkpoint inhibitor",
            "drug name",
        ),
        categories=DRUG_CLASSES,
        conversions=("drug names (pembrolizumab, nivolumab, ipilimumab + nivolumab, ...) are mapped to their class",),
    ),
    Field(
        "sex",
        "Sex",
        "",
        CATEGORY,
        FEATURE,
        "Sex recorded in the patient record.",
        ("sex", "gender"),
        categories=("female", "male"),
        conversions=("0/1 codes read as 1 = male, as in the MSK data",),
    ),
    Field(
        "msi",
        "Microsatellite instability",
        "",
        CATEGORY,
        FEATURE,
        "Microsatellite status of the tumour: MSI-H (or dMMR) against stable.",
        ("msi", "msi status", "microsatellite instability", "microsatellite status", "mmr", "mmr status"),
        categories=("MSS", "MSI-H"),
    ),
    Field(
        "stage",
        "Stage at ICI start",
        "",
        CATEGORY,
        FEATURE,
        "Disease stage when treatment started: metastatic (IV) or not (I-III).",
        ("stage", "stage at ici start", "tumor stage", "tumour stage", "ajcc stage", "clinical stage"),
        categories=("I-III", "IV"),
        conversions=("0/1 codes read as 1 = stage IV, as in the MSK data",),
    ),
    Field(
        "hla_loh",
        "HLA-I loss of heterozygosity",
        "yes/no",
        BINARY,
        FEATURE,
        "Loss of one allele at an HLA class I locus in the tumour.",
        ("hla loh", "hla i loh", "hla class i loh", "loh hla", "hla loss"),
        categories=NO_YES,
    ),
    Field(
        "hed",
        "HLA-I evolutionary divergence",
        "score",
        NUMERIC,
        FEATURE,
        "Mean sequence divergence between a patient's two HLA class I alleles.",
        ("hed", "hla evolutionary divergence", "hla i evolutionary divergence", "hla divergence"),
        low=0,
        high=20,
    ),
    Field(
        "platelets",
        "Platelets",
        "10^3/uL",
        NUMERIC,
        FEATURE,
        "Blood platelet count (10^3 per microlitre, equal to 10^9/L).",
        ("platelets", "platelet count", "plt", "platelet", "thrombocytes"),
        low=5,
        high=2000,
        conversions=("values above 2,000 are per microlitre: divided by 1,000",),
    ),
    Field(
        "hgb",
        "Haemoglobin",
        "g/dL",
        NUMERIC,
        FEATURE,
        "Blood haemoglobin concentration.",
        ("hgb", "haemoglobin", "hemoglobin", "hb"),
        low=3,
        high=25,
        conversions=("values 50-200 are g/L: divided by 10",),
    ),
    Field(
        "bmi",
        "Body-mass index",
        "kg/m^2",
        NUMERIC,
        FEATURE,
        "Weight divided by the square of height.",
        ("bmi", "body mass index"),
        low=10,
        high=90,
        conversions=("derived from height and weight when absent",),
    ),
    Field(
        "response",
        "Objective response",
        "responder/non-responder",
        BINARY,
        OUTCOME,
        "Best objective response by RECIST: complete or partial response (1) against stable or progressive disease (0).",
        (
            "response",
            "best response",
            "objective response",
            "best overall response",
            "bor",
            "orr",
            "recist response",
            "responder",
        ),
        categories=NO_YES,
    ),
    Field(
        "os_months",
        "Overall survival",
        "months",
        TIME,
        OUTCOME,
        "Months from ICI start to death or last follow-up.",
        ("os months", "os", "overall survival", "overall survival months", "os time"),
        low=0,
        high=600,
    ),
    Field(
        "os_event",
        "Death observed",
        "1 death / 0 censored",
        EVENT,
        OUTCOME,
        "Whether death was observed (1) or follow-up was censored (0).",
        ("os event", "os status", "death", "vital status", "deceased", "os censor"),
    ),
    Field(
        "pfs_months",
        "Progression-free survival",
        "months",
        TIME,
        OUTCOME,
        "Months from ICI start to progression, death or last follow-up.",
        ("pfs months", "pfs", "progression free survival", "pfs time"),
        low=0,
        high=600,
    ),
    Field(
        "pfs_event",
        "Progression or death observed",
        "1 event / 0 censored",
        EVENT,
        OUTCOME,
        "Whether progression or death was observed (1) or follow-up was censored (0).",
        ("pfs event", "pfs status", "progression", "progressed"),
    ),
    # Source columns: never kept, only used to derive a feature.
    Field(
        "neutrophils",
        "Absolute neutrophil count",
        "10^3/uL",
        NUMERIC,
        SOURCE,
        "Used with the lymphocyte count to derive the NLR.",
        ("neutrophils", "anc", "absolute neutrophil count", "neutrophil count", "neut abs", "neutrophils absolute"),
        low=0,
        high=100000,
    ),
    Field(
        "lymphocytes",
        "Absolute lymphocyte count",
        "10^3/uL",
        NUMERIC,
        SOURCE,
        "Used with the neutrophil count to derive the NLR.",
        ("lymphocytes", "alc", "absolute lymphocyte count", "lymphocyte count", "lymph abs", "lymphocytes absolute"),
        low=0,
        high=100000,
    ),
    Field(
        "height",
        "Height",
        "cm",
        NUMERIC,
        SOURCE,
        "Used with weight to derive the BMI; metres are recognised.",
        ("height", "height cm", "body height", "stature"),
        low=0.5,
        high=250,
    ),
    Field(
        "weight",
        "Weight",
        "kg",
        NUMERIC,
        SOURCE,
        "Used with height to derive the BMI.",
        ("weight", "weight kg", "body weight"),
        low=1,
        high=400,
    ),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
FEATURES: tuple[str, ...] = tuple(f.name for f in FIELDS if f.role == FEATURE)
OUTCOMES: tuple[str, ...] = tuple(f.name for f in FIELDS if f.role == OUTCOME)
CANONICAL_COLUMNS: tuple[str, ...] = ("patient_id", *FEATURES, *OUTCOMES)

SHORT_LABELS = {
    "tmb": "TMB",
    "pdl1_tps": "PD-L1",
    "prior_systemic_therapy": "Prior therapy",
    "albumin": "Albumin",
    "cancer_type": "Cancer type",
    "nlr": "NLR",
    "age": "Age",
    "fcna": "FCNA",
    "drug_class": "ICI class",
    "sex": "Sex",
    "msi": "MSI",
    "stage": "Stage",
    "hla_loh": "HLA LOH",
    "hed": "HED",
    "platelets": "Platelets",
    "hgb": "Hb",
    "bmi": "BMI",
}

# Feature groups that hospitals often lack together; used to explain missingness.
GENOMIC_EXTRAS = ("fcna", "hed", "hla_loh", "msi", "pdl1_tps")
BLOOD_VALUES = ("albumin", "nlr", "platelets", "hgb")
LORIS_FEATURES = ("tmb", "prior_systemic_therapy", "albumin", "nlr", "age", "cancer_type")

_BRACKETS = re.compile(r"[\(\[\{].*?[\)\]\}]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_name(text: object) -> str:
    """Return a header or value reduced to lowercase words: 'PDL1_TPS(%)' -> 'pdl1 tps'."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    lowered = _BRACKETS.sub(" ", plain.lower().replace("&", " and "))
    return " ".join(_NON_ALNUM.sub(" ", lowered).split())


def bracketed_unit(header: object) -> str:
    """Return the unit written in brackets in a header ('Albumin (g/L)' -> 'g/l'), or ''."""
    match = _BRACKETS.search(str(header))
    return match.group(0)[1:-1].strip().lower() if match else ""


def describe_fields() -> list[dict[str, str]]:
    """Return the data dictionary as rows for a table or a template sheet."""
    return [
        {
            "field": f.name,
            "label": f.label,
            "role": f.role,
            "type": f.kind,
            "unit": f.unit,
            "plausible range": f.plausible_range,
            "values": ", ".join(f.categories),
            "synonyms": "; ".join(f.synonyms),
            "conversions": "; ".join(f.conversions),
            "description": f.description,
        }
        for f in FIELDS
    ]
